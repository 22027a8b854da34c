package dev.bpflab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.protocol.ErrorCode;
import dev.bpflab.protocol.PreparationStage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The page's words (web/src/page-strings.js), in node: Spanish and English have the same words with the same
 * arguments, the preparation stages are the protocol's, and every {@link ErrorCode} is said in Spanish from its args
 * (the server's English message otherwise: in English, without the args, or for a code the page does not know).
 */
class PageStringsJsTest {
    static final Path PAGE_STRINGS_JS = Path.of("web", "src", "page-strings.js");

    static final String DUMP = """
            import { readFileSync } from 'node:fs';
            const text = readFileSync(process.argv[1], 'utf8');
            const p = await import('data:text/javascript;base64,' + Buffer.from(text).toString('base64'));
            const shape = t => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, typeof v === 'function'
              ? `function/${v.length}` : Array.isArray(v) ? `array/${v.length}` : typeof v === 'object'
              ? `object/${Object.keys(v).join(',')}` : typeof v]));
            const args = { most: 7, wait: 13, seconds: 300, workload: 'exec-true', size: 300000, limit: 262144,
              kernel: 'debian99', choices: 'debian12, debian13' };
            const said = (code, lang, a = args) => p.serverErrorText({ message: 'M', code, args: a }, lang);
            const codes = JSON.parse(process.argv[2]);
            process.stdout.write(JSON.stringify({
              en: shape(p.pageStrings('en')), es: shape(p.pageStrings('es')),
              stages: { en: Object.keys(p.pageStrings('en').stages), es: Object.keys(p.pageStrings('es').stages) },
              spanish: Object.fromEntries(codes.map(c => [c, said(c, 'es')])),
              english: codes.map(c => said(c, 'en')),
              withoutArgs: codes.map(c => said(c, 'es', {})),
              unknown: [said('made-up', 'es'), said('constructor', 'es'), p.serverErrorText({ message: 'M' }, 'es')],
            }));
            """;

    static JsonNode js;

    @BeforeAll
    static void loadPageStrings() throws Exception {
        assertTrue(Files.isRegularFile(PAGE_STRINGS_JS), PAGE_STRINGS_JS.toAbsolutePath() + " is missing");
        String codes = new ObjectMapper().writeValueAsString(Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).toList());
        Process node = new ProcessBuilder("node", "--input-type=module", "-e", DUMP, PAGE_STRINGS_JS.toString(), codes)
                .redirectErrorStream(true).start();
        node.getOutputStream().close();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(30, TimeUnit.SECONDS), "node did not finish");
        assertEquals(0, node.exitValue(), "node could not load page-strings.js:\n" + out);
        js = new ObjectMapper().readTree(out);
    }

    @Test
    void spanishAndEnglishHaveTheSameWordsWithTheSameArguments() {
        assertEquals(js.get("en"), js.get("es"));
    }

    @Test
    void thePreparationStagesAreTheProtocols() {
        List<String> stages = Arrays.stream(PreparationStage.values()).map(PreparationStage::wire).toList();
        for (String lang : List.of("en", "es")) {
            List<String> listed = new ArrayList<>();
            js.get("stages").get(lang).forEach(s -> listed.add(s.asText()));
            assertEquals(stages, listed, lang);
        }
    }

    @Test
    void everyErrorCodeIsSaidInSpanishFromItsArgs() {
        for (ErrorCode code : ErrorCode.values()) {
            String said = js.get("spanish").get(code.wire()).asText();
            assertNotEquals("M", said, code.wire() + " has no Spanish text");
            for (String arg : List.of("7", "13", "300", "exec-true", "262144", "debian99", "debian12, debian13")) {
                assertTrue(!needs(code, arg) || said.contains(arg), code.wire() + " leaves out " + arg + ": " + said);
            }
        }
    }

    @Test
    void englishMissingArgsAndUnknownCodesKeepTheServersMessage() {
        js.get("english").forEach(said -> assertEquals("M", said.asText()));
        js.get("unknown").forEach(said -> assertEquals("M", said.asText()));
        int coded = 0;
        for (JsonNode said : js.get("withoutArgs")) {
            coded += said.asText().equals("M") ? 0 : 1;
        }
        assertEquals(3, coded,
                "only the codes without args (lab-preparing, nothing-attached, not-in-a-room) are said without them");
    }

    /** Whether {@code code}'s Spanish text must repeat the sample value {@code arg} (docs/run-contract.md's table). */
    static boolean needs(ErrorCode code, String arg) {
        return switch (code) {
            case TOO_MANY_CONNECTIONS, TOO_MANY_WAITING -> arg.equals("7");
            case TOO_MANY_RUNS, TOO_MANY_READS -> arg.equals("7") || arg.equals("13");
            case TIME_LIMIT -> arg.equals("300");
            case NO_RUN, NOT_ATTACHED_YET -> arg.equals("exec-true");
            case TOO_LARGE -> arg.equals("262144");
            case UNKNOWN_KERNEL -> arg.equals("debian99") || arg.equals("debian12, debian13");
            case LAB_PREPARING, NOTHING_ATTACHED, NOT_IN_A_ROOM -> false;
        };
    }
}
