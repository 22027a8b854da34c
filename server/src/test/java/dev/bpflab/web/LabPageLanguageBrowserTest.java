package dev.bpflab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.share.DataDirProfile;
import dev.bpflab.testing.BrowserTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The whole lab page in Spanish and English (issue 18), in Chromium against the real server: with a template picked
 * and its program attached, the header's ES switches every word at once (a tab, Run, the phase, the Make it fire
 * heading, the template's panel, the lesson pane's select, a refusal the server sends with a code), and the lesson
 * pane's select switches back; the editor's text and the running program (its kernel id) stay as they were. The
 * choice is kept across a reload, and the join page speaks the same language.
 */
@QuarkusTest
@TestProfile(DataDirProfile.class)
@BrowserTest
class LabPageLanguageBrowserTest extends LabPageTestBase {
    private static final Pattern PROGRAM_ID = Pattern.compile("\\(id (\\d+)\\)");
    /** A run message over bpflab.run.max-message-bytes (262144): refused whole, the running program left alone. */
    private static final String TOO_LARGE = "window.bpflab.send({type: 'run', source: '/' + '/'.repeat(300000)})";

    @Test
    void theHeadersSwitchSaysEveryWordInSpanishAndTheLessonPaneSaysItBackWithoutTouchingTheRun() {
        page.open(1280, 800);
        assertEquals("en", page.js("return document.documentElement.lang"), "the tests' browser prefers English");
        page.waitFor("the template list", () -> driver.findElements(By.cssSelector("#template-select option")).size() > 1, SHORT);
        new Select(driver.findElement(By.id("template-select"))).selectByValue("unlinkat");
        page.waitFor("unlinkat's source", () -> page.source().contains("unlinkat"), SHORT);
        String source = page.source() + "// mine\n";
        page.js("window.bpflab.editor.setSource(arguments[0])", source);
        driver.findElement(By.id("run")).click();
        page.waitForPhase("attached");
        String programId = programId();
        assertEnglish();

        driver.findElement(By.id("lang-es")).click();
        page.waitFor("the page in Spanish", () -> "es".equals(page.js("return document.documentElement.lang")), SHORT);
        assertEquals("Eventos", tabLabel("tab-events"));
        assertEquals("Maps", tabLabel("tab-maps"), "a field term stays as the lessons' Spanish has it");
        assertEquals("Correr", page.text("run").trim().replaceAll("^▶\\s*", ""));
        assertEquals("Correr (Ctrl+Enter / ⌘+Enter)", driver.findElement(By.id("run")).getAttribute("title"));
        assertEquals("Detener", driver.findElement(By.id("stop")).getAttribute("aria-label"));
        assertEquals("Enganchado — en vivo", page.text("phase-text"));
        assertEquals("Hacelo disparar:", page.text("workloads-label"));
        assertEquals("Aplicar parámetros", page.text("params-apply"));
        assertEquals("unlink: cada archivo que se borra (unlinkat)", page.text("params-title"), "the template's own title too");
        assertEquals("true", driver.findElement(By.id("lang-es")).getAttribute("aria-pressed"));
        assertEquals("es", driver.findElement(By.id("lesson-lang")).getAttribute("value"), "the lesson pane follows");
        assertEquals("Iterador", page.text("iterator-tab-label"));
        assertTrue(page.text("events-count").matches("\\d+ eventos?"), page.text("events-count"));
        assertUntouched(source, programId);

        // A refusal the server sends with a code is said in the page's language, its numbers from the code's args.
        page.js(TOO_LARGE);
        String refused = page.waitFor("the refusal in Spanish", () -> page.shown("banner") ? page.text("banner-text") : null, SHORT);
        assertTrue(refused.matches("El mensaje tiene \\d+ bytes y el límite es 262144: acortá el programa\\."), refused);
        // A workload's line says its words in Spanish; the server's detail stays the server's.
        driver.findElement(By.cssSelector("#workload-buttons button[data-workload='unlink-file']")).click();
        String fired = page.waitFor("unlink-file's answer", () -> {
            String text = page.text("workload-result");
            return text.startsWith("✓") || text.startsWith("✗") ? text : null;
        }, Duration.ofSeconds(30));
        assertTrue(fired.startsWith("✓ unlink-file"), fired);
        page.screenshot("60-lab-page-spanish-1280x800");
        assertUntouched(source, programId);

        driver.findElement(By.id("lesson-toggle")).click();
        new Select(driver.findElement(By.id("lesson-lang"))).selectByValue("en");
        page.waitFor("the page in English again", () -> "en".equals(page.js("return document.documentElement.lang")), SHORT);
        assertEnglish();
        assertEquals("true", driver.findElement(By.id("lang-en")).getAttribute("aria-pressed"), "the header follows the pane");
        assertTrue(page.text("banner-text").matches("the message is \\d+ bytes; the limit is 262144\\. Shorten the program\\."),
                "the banner showing is said again, in the server's English: " + page.text("banner-text"));
        assertUntouched(source, programId);
        page.screenshot("61-lab-page-english-again-1280x800");

        // Stopped in Spanish, the phase says so; the choice is kept across a reload.
        driver.findElement(By.id("lang-es")).click();
        driver.findElement(By.id("stop")).click();
        page.waitForPhase("stopped");
        assertEquals("Detenido", page.text("phase-text"));
        page.reopen(1280, 800);
        assertEquals("es", page.js("return document.documentElement.lang"));
        assertEquals("Listo", page.text("phase-text"));
        assertEquals("Eventos", tabLabel("tab-events"));
        assertEquals(source, page.source(), "the draft came back as it was");
    }

    @Test
    void theJoinPageSpeaksTheLabPagesLanguage() {
        page.clearStorage();
        driver.get(root + "join/K7QX2M");
        page.waitFor("the join form", () -> page.shown("join-form"), SHORT);
        assertEquals("Join a lab session", driver.findElement(By.cssSelector("#join-view h1")).getText());
        driver.findElement(By.id("lang-es")).click();
        assertEquals("Unite a una sesión del lab", driver.findElement(By.cssSelector("#join-view h1")).getText());
        assertEquals("Unirse", page.text("page-title"));
        driver.findElement(By.id("join-name")).sendKeys("1234");
        driver.findElement(By.cssSelector("#join-form button[type='submit']")).click();
        assertTrue(page.text("join-error").startsWith("Un nombre necesita al menos una letra"), page.text("join-error"));
        page.screenshot("62-join-page-spanish-1280x800");
        driver.findElement(By.id("lang-en")).click();
        assertTrue(page.text("join-error").startsWith("A name needs at least one letter"), page.text("join-error"));
        assertEquals("Join", driver.findElement(By.cssSelector("#join-form button[type='submit']")).getText());

        // One language for both pages: chosen on the join page, the lab page opens in it.
        driver.findElement(By.id("lang-es")).click();
        page.reopen(1280, 800);
        assertEquals("es", page.js("return document.documentElement.lang"));
        assertEquals("Eventos", tabLabel("tab-events"));
    }

    private void assertEnglish() {
        assertEquals("Events", tabLabel("tab-events"));
        assertEquals("Run", page.text("run").trim().replaceAll("^▶\\s*", ""));
        assertEquals("Attached — live", page.text("phase-text"));
        assertEquals("Make it fire:", page.text("workloads-label"));
        assertEquals("Apply parameters", page.text("params-apply"));
        assertEquals("unlink: every file removed (unlinkat)", page.text("params-title"));
        assertEquals("Iterator", page.text("iterator-tab-label"));
        assertEquals("en", driver.findElement(By.id("lesson-lang")).getAttribute("value"));
    }

    /** The editor's text and the attached program are the ones from before the switch. */
    private void assertUntouched(String source, String programId) {
        assertEquals(source, page.source(), "the editor's text");
        assertEquals(source, page.js("return window.bpflab.runSource()"), "what runs");
        assertEquals("attached", driver.findElement(By.id("phase")).getAttribute("data-phase"));
        assertEquals(programId, programId(), "the same program, never reloaded");
    }

    /** A tab's name without its count. */
    private String tabLabel(String id) {
        return (String) page.js("return document.querySelector('#' + arguments[0] + ' span:not(.badge)').textContent", id);
    }

    /** The kernel's id of the attached program, as the phase's title says it. */
    private String programId() {
        String title = driver.findElement(By.id("phase")).getAttribute("title");
        Matcher id = PROGRAM_ID.matcher(title == null ? "" : title);
        assertTrue(id.find(), "the phase names the attached program and its id: " + title);
        return id.group(1);
    }
}
