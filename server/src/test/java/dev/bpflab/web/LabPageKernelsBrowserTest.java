package dev.bpflab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.share.DataDirProfile;
import dev.bpflab.testing.BrowserTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The kernel picker beside Run and "Run on all kernels" (issue 17), in Chromium against the local backend, whose one
 * kernel is {@code host}. Every message the page sends on a socket is recorded (window.sentMessages) so the tests can
 * see which kernel a run and a compile name. Where the lab's answers are not the local backend's (several kernels, a
 * template written for one, a lab that lists none, a matrix of several rows), a script the browser runs before the
 * page answers in the server's place; those tests need no VM.
 */
@QuarkusTest
@TestProfile(DataDirProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@BrowserTest
class LabPageKernelsBrowserTest extends LabPageTestBase {
    /** Records what the page sends on its sockets, in every document the browser opens from now on. */
    static final String RECORD_SENT = """
            window.sentMessages = [];
            const send = WebSocket.prototype.send;
            WebSocket.prototype.send = function (data) {
              try { window.sentMessages.push(JSON.parse(data)); } catch (e) { /* not JSON: not the page's */ }
              return send.call(this, data);
            };
            """;

    /** Answers GET /api/kernels itself: with window.kernelsAnswer (a status and a body) instead of the server. */
    static final String ANSWER_KERNELS = """
            const realFetch = window.fetch;
            window.fetch = (input, init) => {
              const path = new URL(String(input), location.href).pathname;
              const answer = %s;
              if (path === '/api/kernels') {
                return Promise.resolve(new Response(JSON.stringify(answer.body),
                  { status: answer.status, headers: { 'Content-Type': 'application/json' } }));
              }
              if (path === '/api/templates' && answer.templateKernels) {
                return realFetch(input, init).then(r => r.json()).then(list => new Response(JSON.stringify(
                  list.map(t => ({ ...t, kernel: answer.templateKernels[t.id] }))), { status: 200 }));
              }
              return realFetch(input, init);
            };
            """;

    /** Three kernels of a qemu lab: bookworm (the default) and trixie ready, an old one still preparing. */
    static final String THREE_KERNELS = """
            {"status": 200, "templateKernels": {"unlinkat": "debian13"}, "body": {"default": "debian12", "kernels": [
              {"id": "debian12", "name": "Debian 12 (bookworm)", "release": "6.1.0-40-amd64", "toolchain": "clang 14, libbpf 1.1",
               "state": "ready", "detail": null, "default": true, "notes": {},
               "features": {"kprobe": true, "fentry": true, "lsm": true, "ringbuf": true, "kfuncs": true, "open-coded-iterators": false}},
              {"id": "debian13", "name": "Debian 13 (trixie)", "release": "6.12.57+deb13-amd64", "toolchain": "clang 19, libbpf 1.5",
               "state": "ready", "detail": null, "default": false, "notes": {},
               "features": {"kprobe": true, "fentry": true, "lsm": true, "ringbuf": true, "kfuncs": true, "open-coded-iterators": true}},
              {"id": "debian11", "name": "Debian 11 (bullseye)", "release": null, "toolchain": null,
               "state": "preparing", "detail": "building its image", "default": false, "notes": {}, "features": null}]}}
            """;

    /**
     * A matrix answered in the page instead of by the server: run_all is not sent, and the page hears two rows (one a
     * verifier rejection at line 13 with a hint, one attached with events and a map) and a skipped kernel.
     */
    static final String ANSWER_MATRIX = """
            const realSend = WebSocket.prototype.send;
            WebSocket.prototype.send = function (data) {
              if (JSON.parse(data).type !== 'run_all') return realSend.call(this, data);
              const hear = message => this.onmessage({ data: JSON.stringify(message) });
              const path = '/tmp/bpflab-workload/a-rather-long-directory-name/and-a-file-with-a-long-name-too.txt';
              setTimeout(() => {
                hear({ type: 'matrix', kernels: ['debian12', 'debian13'], skipped: [{ kernel: 'debian11', reason: 'still preparing' }] });
                hear({ type: 'matrix_row', kernel: 'debian13', name: 'Debian 13 (trixie)', release: '6.12.57+deb13-amd64',
                  compile: 'ok', diagnostics: [], verifier: 'accepted', processed: 42, attach: 'attached', error: null, events: 3,
                  sample: [41, 42].map(pid => ({ type: 'event', map: 'events', fields: { pid, comm: 'rm', path } })),
                  maps: [{ name: 'unlinks_per_pid', entries: [{ key: 41, value: 1 }, { key: 42, value: 2 }] }] });
              }, 50);
              setTimeout(() => {
                hear({ type: 'matrix_row', kernel: 'debian12', name: 'Debian 12 (bookworm)', release: '6.1.0-40-amd64',
                  compile: 'ok', verifier: 'rejected', processed: 9, attach: null, error: null, events: 0, sample: [], maps: [],
                  diagnostics: [{ line: 13, column: 5, severity: 'error', message: "R0 invalid mem access 'map_value_or_null'",
                    hint: { kind: 'null-check', en: 'Check the lookup for NULL first.', es: 'Comprobá primero que no sea NULL.' } }] });
                hear({ type: 'matrix_done' });
              }, 400);
            };
            """;

    /** A run refused by the kernel picked: it lacks what line 13 needs (as the server says it before compiling). */
    static final String ANSWER_KERNEL_REFUSAL = """
            const realSend = WebSocket.prototype.send;
            WebSocket.prototype.send = function (data) {
              if (JSON.parse(data).type !== 'run') return realSend.call(this, data);
              const hear = message => this.onmessage({ data: JSON.stringify(message) });
              setTimeout(() => {
                hear({ type: 'diagnostics', stage: 'kernel', log: '', items: [{ line: 13, column: 5, severity: 'error',
                  message: 'bpf_for needs open-coded iterators (Linux 6.4): choose Debian 13 in the kernel picker' }] });
                hear({ type: 'phase', phase: 'failed' });
              }, 50);
            };
            """;

    final List<String> scripts = new ArrayList<>();

    /** Runs script in every document the browser opens from now on, before the page's own scripts. */
    void beforeEachDocument(String script) {
        Map<String, Object> added = driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", script));
        scripts.add((String) added.get("identifier"));
    }

    @AfterEach
    void forgetTheScripts() {
        for (String id : scripts) {
            driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", id));
        }
        scripts.clear();
    }

    @Test
    @Order(1)
    void thePickerListsTheLabsKernelAndARunNamesIt() throws Exception {
        beforeEachDocument(RECORD_SENT);
        page.open(1280, 800);
        // Needs GET /api/kernels (the features branch): the local backend's one kernel, picked.
        page.waitFor("the kernel picker", () -> page.shown("kernel-picker"), SHORT);
        Select kernels = new Select(driver.findElement(By.id("kernel-select")));
        assertEquals(List.of("host"), kernels.getOptions().stream().map(o -> o.getAttribute("value")).toList());
        assertEquals("host", kernels.getFirstSelectedOption().getAttribute("value"));

        pickTemplate("unlinkat");
        driver.findElement(By.id("run")).click();
        page.waitForPhase("attached");
        assertEquals("host", sent("run").get(0).path("kernel").asText(), "the run names the kernel picked");
        page.waitFor("a compile as you type for host", () -> sent("compile").stream()
                .anyMatch(m -> "host".equals(m.path("kernel").asText())), SHORT);
        driver.findElement(By.cssSelector("#workload-buttons button[data-workload='unlink-file']")).click();
        page.waitFor("an event row", () -> !driver.findElements(By.cssSelector("#events-table tbody tr")).isEmpty(),
                Duration.ofSeconds(30));
    }

    @Test
    @Order(2)
    void runOnAllKernelsFillsTheRowOfTheLabsKernel() throws Exception {
        beforeEachDocument(RECORD_SENT);
        page.open(1280, 800);
        // Needs GET /api/kernels (the features branch) for the button, and run_all (the matrix branch) for the row.
        page.waitFor("the Run on all kernels button", () -> page.shown("run-all"), SHORT);
        pickTemplate("unlinkat");
        driver.findElement(By.id("run-all")).click();
        assertEquals("true", driver.findElement(By.id("tab-matrix")).getAttribute("aria-selected"));
        JsonNode runAll = page.waitFor("run_all sent", () -> sent("run_all").stream().findFirst().orElse(null), SHORT);
        assertEquals("unlinkat", runAll.path("template").asText());
        assertEquals("unlink-file", runAll.path("workload").asText(), "the template's workload fires on every kernel");
        WebElement row = page.waitFor("the host row, filled", () -> driver.findElements(
                By.cssSelector("#matrix-table tr[data-kernel='host']")).stream()
                .filter(r -> !r.findElements(By.cssSelector("td.compile")).isEmpty()).findFirst().orElse(null), LabPage.RUN_TIMEOUT);
        assertTrue(row.findElement(By.cssSelector("td.compile")).getText().contains("ok"), row.getText());
        assertTrue(row.findElement(By.cssSelector("td.attach")).getText().contains("attached"), row.getText());
        int events = Integer.parseInt(row.findElement(By.cssSelector("td.events .count")).getText());
        assertTrue(events >= 1, "the workload made at least one event: " + row.getText());
        page.waitFor("the matrix to end", () -> page.text("matrix-status").startsWith("Done"), LabPage.RUN_TIMEOUT);
        page.screenshot("kernels-01-matrix-host-1280x800");
    }

    @Test
    @Order(3)
    void aLabThatListsNoKernelsHidesThePickerAndRunsOnItsDefault() throws Exception {
        beforeEachDocument(RECORD_SENT);
        beforeEachDocument(ANSWER_KERNELS.formatted("{\"status\": 404, \"body\": {\"message\": \"not found\"}}"));
        page.open(1280, 800);
        assertFalse(page.shown("kernel-picker"), "no kernels listed: no picker");
        assertFalse(page.shown("run-all"), "no kernels listed: nothing to run on all of");
        driver.findElement(By.id("tab-matrix")).click();
        assertEquals("This lab does not list its kernels, so there is nothing to compare.", page.text("matrix-intro"));

        js("window.bpflab.editor.setSource(arguments[0])", LabPageBrowserTest.COUNT_UNLINKS);
        driver.findElement(By.id("run")).click();
        page.waitForPhase("attached");
        assertTrue(sent("run").get(0).path("kernel").isMissingNode(), "no kernel named: the lab's default");
        page.waitFor("a compile as you type", () -> !sent("compile").isEmpty(), SHORT);
        assertTrue(sent("compile").get(0).path("kernel").isMissingNode());
    }

    @Test
    @Order(4)
    void aTemplateWrittenForAKernelPicksItAndTheGridOfAllKernelsFitsEveryScreen() throws Exception {
        beforeEachDocument(RECORD_SENT);
        beforeEachDocument(ANSWER_KERNELS.formatted(THREE_KERNELS));
        beforeEachDocument(ANSWER_MATRIX);
        page.open(1280, 800);
        Select kernels = new Select(driver.findElement(By.id("kernel-select")));
        assertEquals(List.of("Debian 12 (bookworm) · 6.1.0-40-amd64", "Debian 13 (trixie) · 6.12.57+deb13-amd64",
                "Debian 11 (bullseye) (preparing)"), kernels.getOptions().stream().map(WebElement::getText).toList());
        assertEquals("debian12", kernels.getFirstSelectedOption().getAttribute("value"), "the default, preselected");
        assertFalse(kernels.getOptions().get(2).isEnabled(), "a kernel still preparing cannot be picked");
        String features = driver.findElement(By.cssSelector("#kernel-features summary")).getAttribute("title");
        assertTrue(features.contains("✓ fentry") && features.contains("✗ open-coded-iterators"), features);

        pickTemplate("unlinkat");
        page.waitFor("the template's kernel picked", () -> "debian13".equals(kernels.getFirstSelectedOption().getAttribute("value")), SHORT);
        assertTrue(page.text("kernel-note").contains("is written for Debian 13 (trixie): picked it"), page.text("kernel-note"));
        page.waitFor("a compile for debian13", () -> sent("compile").stream()
                .anyMatch(m -> "debian13".equals(m.path("kernel").asText())), SHORT);
        driver.findElement(By.cssSelector("#kernel-features summary")).click();
        page.screenshot("kernels-02-picker-1280x800");
        driver.findElement(By.cssSelector("#kernel-features summary")).click();

        driver.findElement(By.id("run-all")).click();
        page.waitFor("the matrix to end", () -> page.text("matrix-status").startsWith("Done"), SHORT);
        assertEquals("stopped", driver.findElement(By.id("phase")).getAttribute("data-phase"), "its last row ends it");
        List<String> rows = driver.findElements(By.cssSelector("#matrix-table tbody tr")).stream()
                .map(r -> r.getAttribute("data-kernel")).toList();
        assertEquals(List.of("debian12", "debian13", "debian11"), rows, "in the server's order, the skipped one last");
        WebElement rejected = driver.findElement(By.cssSelector("#matrix-table tr[data-kernel='debian12'] td.verifier"));
        assertTrue(rejected.getText().contains("rejected") && rejected.getText().contains("Check the lookup for NULL first."),
                rejected.getText());
        assertTrue(driver.findElement(By.cssSelector("#matrix-table tr[data-kernel='debian11']")).getText()
                .contains("skipped: still preparing"));
        assertEquals("2/2", page.text("matrix-badge"));
        page.screenshot("kernels-03-matrix-1280x800");

        rejected.findElement(By.cssSelector("button.matrix-jump")).click();
        page.waitFor("the cursor on line 13", () -> page.text("cursor-pos").startsWith("Ln 13,"), SHORT);

        driver.findElement(By.id("lang-es")).click();
        assertTrue(driver.findElement(By.cssSelector("#matrix-table tr[data-kernel='debian12'] td.verifier")).getText()
                .contains("Comprobá primero que no sea NULL."), "the hint follows the page's language");
        driver.findElement(By.id("lang-en")).click();

        assertTrue((Long) js("return Math.round(document.querySelector('.toolbar').getBoundingClientRect().height)") <= 50,
                "at 1280 px the toolbar keeps one row with the picker and Run on all kernels");

        // On a phone the picker and Run on all kernels take a third row of the toolbar (two without kernels to pick,
        // LabPageLayoutBrowserTest); the grid scrolls sideways inside its own box, the page never does.
        page.resize(390, 844);
        js("window.scrollTo(0, 0)");
        page.screenshot("kernels-04-toolbar-390x844");
        assertTrue((Long) js("return Math.round(document.querySelector('.toolbar').getBoundingClientRect().height)") <= 130,
                "the toolbar takes at most three rows at 390 px");
        driver.findElement(By.id("tab-matrix")).click();
        js("document.getElementById('panel-matrix').scrollIntoView()");
        page.screenshot("kernels-05-matrix-390x844");
        assertEquals(Boolean.TRUE, js("return document.documentElement.scrollWidth <= window.innerWidth"),
                "the page scrolls sideways at 390 px: " + js("return document.documentElement.scrollWidth"));
        assertEquals(Boolean.TRUE, js("""
                const box = document.querySelector('#panel-matrix .table-wrap');
                return box.scrollWidth > box.clientWidth && box.getBoundingClientRect().right <= window.innerWidth;
                """), "the grid scrolls inside its own box");
    }

    @Test
    @Order(5)
    void aKernelsRefusalIsMarkedOnItsLineAndHeadedInThePagesLanguage() {
        beforeEachDocument(ANSWER_KERNELS.formatted(THREE_KERNELS));
        beforeEachDocument(ANSWER_KERNEL_REFUSAL);
        page.open(1280, 800);
        driver.findElement(By.id("run")).click();
        page.waitForPhase("failed");
        assertEquals(List.of(13L), page.errorMarkerLines(), "the refusal is marked on the line that needs the feature");
        assertEquals("true", driver.findElement(By.id("tab-log")).getAttribute("aria-selected"));
        assertTrue(page.text("diag-list").startsWith("This kernel cannot run the program:"), page.text("diag-list"));
        assertTrue(page.text("diag-list").contains("kernel: bpf_for needs open-coded iterators"), page.text("diag-list"));
        driver.findElement(By.id("lang-es")).click();
        assertTrue(page.text("diag-list").startsWith("Este kernel no puede correr el programa:"), page.text("diag-list"));
        driver.findElement(By.id("lang-en")).click();
        page.screenshot("kernels-06-refusal-1280x800");
    }

    void pickTemplate(String id) {
        page.waitFor("the template " + id, () -> !driver.findElements(
                By.cssSelector("#template-select option[value='" + id + "']")).isEmpty(), SHORT);
        new Select(driver.findElement(By.id("template-select"))).selectByValue(id);
        page.waitFor("the template's source in the editor", () -> page.source().contains("unlinkat"), SHORT);
    }

    /** The messages of this type the page sent, oldest first. */
    List<JsonNode> sent(String type) {
        try {
            JsonNode all = new ObjectMapper().readTree((String) js("return JSON.stringify(window.sentMessages)"));
            List<JsonNode> found = new ArrayList<>();
            all.forEach(m -> {
                if (type.equals(m.path("type").asText())) {
                    found.add(m);
                }
            });
            return found;
        } catch (java.io.IOException e) {
            throw new AssertionError("window.sentMessages is not JSON", e);
        }
    }

    Object js(String script, Object... args) {
        return page.js(script, args);
    }
}
