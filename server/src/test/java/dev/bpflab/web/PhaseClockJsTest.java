package dev.bpflab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The status beside a waiting run's phase (web/src/phase-clock.js) counts whole seconds in that phase: it starts
 * again with each new waiting phase, keeps counting when the same phase is said again (a queued run's new position),
 * and goes away, its timer stopped, once the run is attached. Run in node with a clock the test moves.
 */
class PhaseClockJsTest {
    static final Path PHASE_CLOCK_JS = ProtocolJsTest.WEB_SRC.resolve("phase-clock.js");

    static final String SCRIPT = """
            import { readFileSync } from 'node:fs';
            const text = readFileSync(process.argv[1], 'utf8');
            const { PhaseClock } = await import('data:text/javascript;base64,' + Buffer.from(text).toString('base64'));
            let now = 0;
            const element = { textContent: 'stale' };
            const clock = new PhaseClock(element, ['connecting', 'compiling', 'queued', 'loading'], () => now);
            const seen = [];
            const look = ms => { now += ms; clock.render(); seen.push(element.textContent); };
            clock.set('compiling'); seen.push(element.textContent);
            look(400); look(1700);
            clock.set('queued'); seen.push(element.textContent);
            look(1500);
            clock.set('queued'); look(1000);
            clock.set('attached'); seen.push(element.textContent, clock.timer === 0 ? 'stopped' : 'ticking');
            process.stdout.write(JSON.stringify(seen));
            process.exit(0);
            """;

    @Test
    void countsSecondsInEachWaitingPhaseAndStopsOnceAttached() throws Exception {
        Process node = new ProcessBuilder("node", "--input-type=module", "-e", SCRIPT, PHASE_CLOCK_JS.toString())
                .redirectErrorStream(true).start();
        node.getOutputStream().close();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(10, TimeUnit.SECONDS), "node did not finish");
        assertEquals(0, node.exitValue(), out);
        assertEquals("[\"\",\"\",\"2 s\",\"\",\"1 s\",\"2 s\",\"\",\"stopped\"]", out,
                List.of("compiling", "+0.4 s", "+2.1 s", "queued", "+1.5 s", "queued again +2.5 s", "attached", "its timer").toString());
    }
}
