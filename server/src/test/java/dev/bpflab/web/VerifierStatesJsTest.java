package dev.bpflab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The page's JavaScript tests (web/test/*.test.js, `node --test`) in the Maven build: the verifier log reader on real
 * logs of 6.1 and 6.18 and the words of the verifier's view. A failing node test fails this one, with node's report.
 */
class VerifierStatesJsTest {
    static final Path WEB = ProtocolJsTest.WEB_SRC.getParent();

    @Test
    void theNodeTestsOfTheWebPagePass() throws Exception {
        Process node = new ProcessBuilder("node", "--test", "test/").directory(WEB.toFile()).redirectErrorStream(true).start();
        node.getOutputStream().close();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "node --test did not finish");
        assertEquals(0, node.exitValue(), out);
        assertTrue(out.contains("# fail 0") && !out.contains("# pass 0"), out);
    }
}
