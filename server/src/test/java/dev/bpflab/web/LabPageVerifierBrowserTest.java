package dev.bpflab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.share.DataDirProfile;
import dev.bpflab.testing.BrowserTest;
import dev.bpflab.testing.RunClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The verifier's view in the Log tab (issue 18), in Chromium against the real server (local backend): after a
 * refusal the failing instruction is chosen and the registers it found are shown, the one the complaint names
 * marked; another instruction of the log shows its own state; the editor's cursor on a line chooses that line's
 * instructions; the words follow the page's language; a log longer than the page is sent says how much was cut.
 */
@QuarkusTest
@TestProfile(DataDirProfile.class)
@BrowserTest
class LabPageVerifierBrowserTest extends LabPageTestBase {
    static final int LOOKUP_LINE = 18; // null_deref.bpf.c: u64 *value = bpf_map_lookup_elem(&counts, &key);
    static final int DEREF_LINE = 20; // *value += 1;
    static final int INCLUDE_LINE = 3; // #include <bpf/bpf_helpers.h>: no instructions

    @Test
    void theFailingInstructionShowsR0AsMapValueOrNullAndOtherInstructionsTheirOwnState() {
        page.open(1280, 800);
        page.js("window.bpflab.editor.setSource(arguments[0])", RunClient.program("null_deref.bpf.c"));
        driver.findElement(By.id("run")).click();
        page.waitForPhase("failed");
        assertEquals("true", driver.findElement(By.id("tab-log")).getAttribute("aria-selected"), "the log tab opens");

        // When the log arrives the failing instruction is the one chosen, and R0 is marked as the one complained of.
        WebElement failing = driver.findElement(By.cssSelector("#verifier-log .line.failing"));
        assertTrue(failing.getAttribute("class").contains("selected"), "the failing instruction is chosen: " + failing.getAttribute("class"));
        assertTrue(page.shown("verifier-states"), "the verifier's view is shown");
        WebElement r0 = row("R0");
        assertTrue(r0.getText().contains("map_value_or_null"), r0.getText());
        assertTrue(r0.getAttribute("class").contains("complained"), "R0 is named in the complaint: " + r0.getAttribute("class"));
        assertTrue(page.text("verifier-states").contains("the verifier stopped here"), page.text("verifier-states"));
        assertDiagnosticsListKept();
        assertBtfNoteExplained();
        page.screenshot("43-verifier-view-failing-1280x800");

        // An earlier instruction (the key's store on the stack, line 17) shows another state: no R0 yet, fp-8 written.
        driver.findElement(By.cssSelector("#verifier-log .line.step[data-insn='1']")).click();
        page.waitFor("instruction 1's state", () -> page.text("verifier-states").contains("After instruction 1"), SHORT);
        assertTrue(driver.findElements(By.cssSelector("#verifier-states tr[data-slot='R0']")).isEmpty(), page.text("verifier-states"));
        assertTrue(row("fp-8").getText().contains("mmmm????"), row("fp-8").getText());
        assertTrue(row("R10").getText().contains("fp"), row("R10").getText());
        // "Set here" is what the store writes, the slot fp-8; R1 and R10 it only read (the kernel prints them too).
        assertTrue(row("fp-8").getText().contains("set here"), row("fp-8").getText());
        assertFalse(row("R10").getText().contains("set here"), "R10 is only read: " + row("R10").getText());
        assertFalse(row("R1").getText().contains("set here"), "R1 is only read: " + row("R1").getText());
        page.waitFor("the editor on line 17", () -> page.text("cursor-pos").startsWith("Ln 17,"), SHORT);

        // The cursor on a line of no instructions (an #include) says so, instead of keeping line 17's state; no
        // instruction of the log stays chosen, and a click in the log still shows a state.
        page.js("window.bpflab.editor.gotoLine(arguments[0], 1)", INCLUDE_LINE);
        page.waitFor("line " + INCLUDE_LINE + " said to have no instructions", () -> page.text("verifier-states")
                .contains("Line " + INCLUDE_LINE + " has no instructions in the walk that failed"), SHORT);
        assertTrue(driver.findElements(By.cssSelector("#verifier-states tr[data-slot]")).isEmpty(), page.text("verifier-states"));
        assertTrue(selectedInstructions().isEmpty(), "no instruction chosen: " + selectedInstructions());
        page.js("window.bpflab.lessons.setLang('es')");
        page.waitFor("the same in Spanish", () -> page.text("verifier-states")
                .contains("La línea " + INCLUDE_LINE + " no tiene instrucciones en el recorrido que falló"), SHORT);
        page.js("window.bpflab.lessons.setLang('en')");
        page.screenshot("44b-verifier-view-line-without-instructions-1280x800");
        driver.findElement(By.cssSelector("#verifier-log .line.step[data-insn='1']")).click();
        page.waitFor("instruction 1's state again", () -> page.text("verifier-states").contains("After instruction 1")
                && !page.text("verifier-states").contains("has no instructions"), SHORT);
        page.waitFor("the editor on line 17", () -> page.text("cursor-pos").startsWith("Ln 17,"), SHORT);

        // Clicking the failing instruction again brings back its state: R0 map_value_or_null.
        driver.findElement(By.cssSelector("#verifier-log .line.failing")).click();
        page.waitFor("R0 map_value_or_null again", () -> !driver.findElements(By.cssSelector("#verifier-states tr[data-slot='R0']")).isEmpty()
                && row("R0").getText().contains("map_value_or_null"), SHORT);
        page.waitFor("the editor on the failing line", () -> page.text("cursor-pos").startsWith("Ln " + DEREF_LINE + ","), SHORT);

        // The editor's cursor on the lookup's line chooses its instructions (the map load and the call): after the
        // call, R0 may be NULL, on the line where it began.
        page.js("window.bpflab.editor.gotoLine(arguments[0], 1)", LOOKUP_LINE);
        page.waitFor("the lookup line's instructions chosen", () -> selectedInstructions().equals(List.of("4", "6")), SHORT);
        String view = page.text("verifier-states");
        assertTrue(view.contains("After instruction 6 (line " + LOOKUP_LINE + ")"), view);
        assertTrue(row("R0").getText().contains("map_value_or_null") && row("R0").getText().contains("set here"), row("R0").getText());
        assertFalse(row("R0").getAttribute("class").contains("complained"), "the complaint is marked on the failing instruction only");
        assertTrue(driver.findElements(By.cssSelector("#verifier-states tr[data-slot='R1']")).isEmpty(),
                "the call leaves R1 unset: " + view);
        page.screenshot("44-verifier-view-lookup-line-1280x800");

        // In Spanish, the view's words follow.
        page.js("window.bpflab.lessons.setLang('es')");
        page.waitFor("the view in Spanish", () -> page.text("verifier-states").contains("Después de la instrucción 6 (línea "
                + LOOKUP_LINE + ")"), SHORT);
        assertTrue(row("R0").getText().contains("o NULL") && row("R0").getText().contains("cambia acá"), row("R0").getText());
        page.js("window.bpflab.lessons.setLang('en')");
    }

    @Test
    void aLogLongerThanWhatIsSentSaysHowManyCharactersWereLeftOut() {
        page.open(1280, 800);
        page.js("window.bpflab.editor.setSource(arguments[0])", RunClient.program("long_walk.bpf.c"));
        driver.findElement(By.id("run")).click();
        page.waitForPhase("failed");
        String view = page.waitFor("the verifier's view", () -> page.shown("verifier-states") ? page.text("verifier-states") : null, SHORT);
        Matcher cut = Pattern.compile("The first ([\\d,]+) characters of the verifier’s log were left out").matcher(view);
        assertTrue(cut.find(), view);
        long left = Long.parseLong(cut.group(1).replace(",", ""));
        long shown = ((Number) page.js("return document.querySelectorAll('#verifier-log .line').length")).longValue();
        assertTrue(left > 100_000 && shown > 100, "a long walk was cut (" + left + " characters), its end shown (" + shown + " lines)");
        assertTrue(row("R0").getText().contains("map_value_or_null"), "the end still names the failing state: " + view);
        assertTrue(driver.findElement(By.cssSelector("#verifier-log .line.failing")).getAttribute("class").contains("selected"));
    }

    /**
     * The kernel's line that it cannot use BTF for handle's argument (void *ctx), first in the log on 6.1 ("reg type
     * unsupported for arg#0 function handle#19") and 6.18 ("arg#0 reference type('UNKNOWN ') size cannot be
     * determined: -22"), is marked informational, kept as the kernel wrote it, and explained in the view.
     */
    private void assertBtfNoteExplained() {
        List<WebElement> info = driver.findElements(By.cssSelector("#verifier-log .line.info"));
        assertEquals(1, info.size(), "one informational line: " + page.text("verifier-log"));
        String line = info.get(0).getText();
        assertTrue(line.matches("reg type unsupported for arg#0 function handle#\\d+|arg#0 reference type\\('.*'\\) size cannot be determined: -?\\d+"),
                "the raw line kept: " + line);
        assertTrue(info.get(0).getAttribute("title").contains("Harmless"), info.get(0).getAttribute("title"));
        assertFalse(info.get(0).getAttribute("class").contains("reason"), "not marked as the error");
        String note = driver.findElement(By.cssSelector("#verifier-states .vstate-info")).getText();
        assertTrue(note.contains("“" + line + "”") && note.contains("not the error"), note);
    }

    private WebElement row(String slot) {
        return driver.findElement(By.cssSelector("#verifier-states tr[data-slot='" + slot + "']"));
    }

    @SuppressWarnings("unchecked")
    private List<String> selectedInstructions() {
        return (List<String>) page.js("return [...document.querySelectorAll('#verifier-log .line.step.selected')].map(n => n.dataset.insn)");
    }

    /** The Log tab's list of diagnostics, with its hint and its jump to the line, is still there beside the view. */
    private void assertDiagnosticsListKept() {
        WebElement diagnostic = driver.findElement(By.cssSelector("#diag-list .diag.error"));
        assertTrue(diagnostic.getText().contains("line " + DEREF_LINE) && diagnostic.getText().contains("map_value_or_null"),
                diagnostic.getText());
        assertFalse(driver.findElements(By.cssSelector("#diag-list .diag .hint")).isEmpty(), "the hint is shown");
    }
}
