package dev.bpflab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * When the Instructions tab calls its listing stale (web/src/instructions-staleness.js), run in node: a listing of the
 * editor's text is not; a compile listing of another text is stale with the error's line when the editor's text failed
 * to compile, "changed" while it is not compiled yet (or the failure was of an older text); a loaded listing of another
 * text than the one that ran is "loaded". And how long ago, as the tab says it.
 */
class InstructionsStalenessJsTest {
    static final Path STALENESS_JS = ProtocolJsTest.WEB_SRC.resolve("instructions-staleness.js");

    static final String SCRIPT = """
            import { readFileSync } from 'node:fs';
            const text = readFileSync(process.argv[1], 'utf8');
            const { ago, staleness } = await import('data:text/javascript;base64,' + Buffer.from(text).toString('base64'));
            const kind = s => (s ? `${s.kind}:${s.line}@${s.at}` : 'fresh');
            const base = { shownSource: 'a', shownAt: 5, loaded: false };
            process.stdout.write(JSON.stringify([
              kind(staleness({ ...base, editorSource: 'a', failure: { source: 'a;', line: 3 } })),
              kind(staleness({ ...base, editorSource: 'a;', failure: { source: 'a;', line: 3 } })),
              kind(staleness({ ...base, editorSource: 'a;', failure: { source: 'a;', line: 0 } })),
              kind(staleness({ ...base, editorSource: 'a;;', failure: { source: 'a;', line: 3 } })),
              kind(staleness({ ...base, editorSource: 'b', failure: null })),
              kind(staleness({ ...base, editorSource: 'b', failure: { source: 'b', line: 2 }, loaded: true })),
              ago(999), ago(59_999), ago(125_000), ago(3_720_000),
            ]));
            process.exit(0);
            """;

    @Test
    void aListingOfAnotherTextSaysWhyAndHowLongAgo() throws Exception {
        Process node = new ProcessBuilder("node", "--input-type=module", "-e", SCRIPT, STALENESS_JS.toString())
                .redirectErrorStream(true).start();
        node.getOutputStream().close();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(10, TimeUnit.SECONDS), "node did not finish");
        assertEquals(0, node.exitValue(), out);
        assertEquals("[\"fresh\",\"error:3@5\",\"error:0@5\",\"changed:0@5\",\"changed:0@5\",\"loaded:0@5\","
                + "\"0 s\",\"59 s\",\"2 min 5 s\",\"1 h 2 min\"]", out);
    }
}
