package dev.bpflab.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.share.DataDirProfile;
import dev.bpflab.testing.BrowserTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * What the lab page does with the learner's code and a template's parameters, in Chromium against the real server:
 * parameters typed and not applied are applied by Run (or Run says they were not), nothing replaces edited code
 * without a way back (another template, Apply parameters, a share link, an instructor's push), every template's
 * parameter pattern is one the browser compiles and that accepts what the server accepts, and the empty events tab
 * says what the run is doing. No test leaves a console error.
 */
@QuarkusTest
@TestProfile(DataDirProfile.class)
@BrowserTest
class LabPageEditsBrowserTest extends LabPageTestBase {
    static final String MINE = "// my own note, typed";

    @Test
    void runAppliesParametersTypedAndNotAppliedWhenTheEditorHoldsTheTemplatesOwnCode() {
        page.open(1280, 800);
        assertTrue(page.text("events-empty").startsWith("Nothing is running"), page.text("events-empty"));
        pickTemplate("unlinkat");
        typeParameter("comm", "cat");
        assertTrue(page.shown("params-pending"), "the form says its values are not applied");
        assertTrue(page.text("params-pending").contains("Run applies them"), page.text("params-pending"));
        page.screenshot("30-params-typed-not-applied-1280x800");

        driver.findElement(By.id("run")).click();
        page.waitForPhase("attached");
        assertTrue(page.source().contains("target_comm[16] = \"cat\""), "Run rendered the template with comm=cat first");
        assertEquals(page.source(), page.js("return window.bpflab.runSource()"), "and ran that rendering");
        assertFalse(page.shown("params-pending"), "nothing is left not applied");
        assertFalse(page.shown("editor-notice"), "the code was the template's own: nothing to bring back");
        assertTrue(page.text("events-empty").startsWith("Attached, waiting for events"), page.text("events-empty"));

        // unlink-file removes with rm, which comm=cat leaves out: the tab says the workload ran and nothing came.
        fire("unlink-file");
        String empty = page.waitFor("the events tab to tell that unlink-file ran", () -> {
            String text = page.text("events-empty");
            return text.contains("“unlink-file” ran") ? text : null;
        }, SHORT);
        assertTrue(empty.contains("parameters"), empty);
        assertEquals("0 events", driver.findElement(By.id("events-count")).getText());
        page.screenshot("31-params-applied-by-run-no-rm-events-1280x800");
    }

    @Test
    void runWithEditedCodeSaysTheParametersAreNotAppliedAndOffersToApplyThem() {
        page.open(1280, 800);
        pickTemplate("unlinkat");
        typeInEditor(MINE);
        typeParameter("comm", "cat");
        assertTrue(page.text("params-pending").contains("Run leaves them out"), page.text("params-pending"));

        driver.findElement(By.id("run")).click();
        String notice = page.waitFor("the notice that the parameters are not applied",
                () -> page.shown("editor-notice") ? page.text("editor-notice-text") : null, SHORT);
        assertTrue(notice.contains("not applied") && notice.contains("comm=cat"), notice);
        page.waitForPhase("attached");
        String ran = (String) page.js("return window.bpflab.runSource()");
        assertTrue(ran.contains(MINE) && ran.contains("target_comm[16] = \"rm\""), "the edited code ran as it was");
        page.screenshot("32-params-not-applied-edited-code-1280x800");

        driver.findElement(By.id("params-apply-run")).click();
        page.waitFor("a run of the rendering with comm=cat", () -> String.valueOf(page.js("return window.bpflab.runSource()"))
                .contains("target_comm[16] = \"cat\""), SHORT);
        assertFalse(page.source().contains(MINE));
        page.waitForPhase("attached");
        assertTrue(page.text("editor-notice-text").contains("replaced your edited code"), page.text("editor-notice-text"));

        driver.findElement(By.id("editor-undo")).click();
        assertTrue(page.source().contains(MINE), "Undo brings the edited code back");
        assertEquals("rm", driver.findElement(By.id("param-comm")).getAttribute("value"),
                "with the parameters it was rendered with");
    }

    @Test
    void nothingReplacesEditedCodeWithoutAWayBack() {
        page.open(1280, 800);
        pickTemplate("unlinkat");
        typeInEditor(MINE);

        // Another template.
        new Select(driver.findElement(By.id("template-select"))).selectByValue("hello");
        bringBack("the template", "The template");
        assertEquals("unlinkat", driver.findElement(By.id("template-select")).getAttribute("value"), "the template comes back too");

        // Apply parameters.
        typeParameter("comm", "cat");
        driver.findElement(By.id("params-apply")).click();
        bringBack("Apply parameters", "Applying the parameters");

        // A share link opened over a draft of one's own.
        String shared = "// a classmate's program\n";
        String id = given().contentType(ContentType.JSON).body(Map.of("source", shared)).when().post("/api/shares")
                .then().statusCode(201).extract().path("id");
        driver.get(root + "s/" + id); // leaving the page saved the draft
        page.waitFor("the shared program", () -> shared.equals(page.source()), SHORT);
        bringBack("the share link", "the code you had before is kept");

        // A template pushed by the instructor.
        LabPage.Room room = page.joinRoom("Edits room", "Ada");
        try {
            page.reopen(1280, 800);
            page.waitFor("the room bar", () -> !driver.findElements(By.cssSelector(".bpflab-room-bar .who")).isEmpty(), SHORT);
            typeInEditor(MINE);
            room.call("/push", Map.of("template", "hello", "params", Map.of()));
            bringBack("the instructor's push", "The template");
        } finally {
            room.close();
        }
    }

    @Test
    void everyTemplatesParameterPatternCompilesInTheBrowserAndAcceptsWhatTheServerAccepts() {
        page.open(1280, 800);
        List<Map<String, Object>> templates = given().when().get("/api/templates").then().statusCode(200).extract().jsonPath().getList("$");
        List<String> probes = List.of("rm", "cat", "a-b.c_d+e", "/tmp/", "/tmp/a-b/c.txt", "-", "a b", "$(id)", "x;y", "\"q\"",
                "../etc", "ñandú", "a\\b", "[x]", "Hello, kernel!");
        List<String> checked = new ArrayList<>();
        for (Map<String, Object> template : templates) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> params = (List<Map<String, Object>>) template.getOrDefault("params", List.of());
            List<Map<String, Object>> patterned = params.stream().filter(p -> p.get("pattern") != null).toList();
            if (patterned.isEmpty()) {
                continue;
            }
            pickTemplate((String) template.get("id"));
            for (Map<String, Object> param : patterned) {
                String where = template.get("id") + "." + param.get("name");
                WebElement input = driver.findElement(By.id("param-" + param.get("name")));
                String attribute = input.getAttribute("pattern");
                assertTrue(attribute != null && !attribute.isEmpty(), where + ": the field has a pattern");
                assertEquals(Boolean.TRUE, page.js("try { new RegExp('^(?:' + arguments[0] + ')$', 'v'); return true; }"
                        + " catch (e) { return e.message; }", attribute), where + ": " + attribute + " compiles with the v flag");
                Pattern server = Pattern.compile((String) param.get("pattern"));
                for (String probe : probes) {
                    Object mismatch = page.js("const i = arguments[0]; i.value = arguments[1]; const m = i.validity.patternMismatch;"
                            + " i.value = ''; return m", input, probe);
                    assertEquals(!server.matcher(probe).matches(), mismatch, where + ": the browser and the server on '" + probe + "'");
                }
                checked.add(where);
            }
        }
        assertTrue(checked.size() >= 10, "string parameters with patterns checked: " + checked);
    }

    @Test
    void theEventsTabSaysWhenTheProgramHasNoRingOrPerfBuffer() {
        page.open(1280, 800);
        pickTemplate("hello");
        driver.findElement(By.id("run")).click();
        page.waitForPhase("attached");
        String empty = page.text("events-empty");
        assertTrue(empty.contains("no ring buffer or perf buffer") && empty.contains("printk"), empty);
    }

    @Test
    void aRunTheServerRefusesBeforeItBeginsSaysWhyAndLeavesThePageReady() {
        page.open(1280, 800);
        // 300 000 characters: over the 262 144 a browser message may have, under the WebSocket frame limit.
        String huge = "// " + "x".repeat(300_000) + "\nint x;\n";
        page.js("window.bpflab.editor.setSource(arguments[0])", huge);
        driver.findElement(By.id("run")).click();
        String banner = page.waitFor("the reason", () -> page.shown("banner") ? page.text("banner-text") : null, SHORT);
        assertTrue(banner.contains("262144"), banner);
        page.waitFor("the page ready again, not connecting", () -> "idle".equals(
                driver.findElement(By.id("phase")).getAttribute("data-phase")), SHORT);
        assertFalse(driver.findElement(By.id("stop")).isEnabled(), "nothing runs, so nothing to stop");
    }

    // ---------- helpers ----------

    void pickTemplate(String id) {
        page.waitFor("template " + id + " in the list",
                () -> !driver.findElements(By.cssSelector("#template-select option[value='" + id + "']")).isEmpty(), SHORT);
        String before = page.source();
        new Select(driver.findElement(By.id("template-select"))).selectByValue(id);
        page.waitFor("template " + id + " in the editor", () -> !page.source().equals(before)
                && Boolean.FALSE.equals(page.js("return window.bpflab.templates.pending()")), SHORT);
    }

    void typeParameter(String name, String value) {
        WebElement field = driver.findElement(By.id("param-" + name));
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, value);
    }

    /** Types a line at the end of the editor, as a learner does. */
    void typeInEditor(String line) {
        driver.findElement(By.cssSelector(".cm-content")).sendKeys(Keys.chord(Keys.CONTROL, Keys.END), "\n" + line + "\n");
        page.waitFor("the typed line in the editor", () -> page.source().contains(line), SHORT);
    }

    void fire(String workload) {
        driver.findElement(By.cssSelector("#workload-buttons button[data-workload='" + workload + "']")).click();
        String answer = page.waitFor("the answer of " + workload, () -> {
            String text = driver.findElement(By.id("workload-result")).getText();
            return text.startsWith("✓") || text.startsWith("✗") ? text : null; // not "… running"
        }, Duration.ofSeconds(30));
        assertTrue(answer.startsWith("✓"), answer);
    }

    /** After {@code what} replaced the edited code: the notice names it, and its Undo brings the code back. */
    void bringBack(String what, String noticeSays) {
        String notice = page.waitFor("the notice after " + what, () -> page.shown("editor-undo") ? page.text("editor-notice-text") : null, SHORT);
        assertTrue(notice.contains(noticeSays), what + ": " + notice);
        assertFalse(page.source().contains(MINE), what + " replaced the code");
        page.screenshot("33-undo-after-" + what.replaceAll("[^A-Za-z]+", "-"));
        driver.findElement(By.id("editor-undo")).click();
        assertTrue(page.source().contains(MINE), what + ": Undo brings the code back");
    }
}
