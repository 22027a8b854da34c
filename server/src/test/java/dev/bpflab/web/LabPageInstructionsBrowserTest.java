package dev.bpflab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.share.DataDirProfile;
import dev.bpflab.testing.BrowserTest;
import dev.bpflab.testing.RunClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The Instructions tab (issue 18), in Chromium against the real server: once the text compiles (as you type, no
 * Run), the tab lists the program's BPF instructions under their source lines; the group of the editor's cursor line
 * is highlighted, and clicking an instruction moves the editor to its line.
 */
@QuarkusTest
@TestProfile(DataDirProfile.class)
@BrowserTest
class LabPageInstructionsBrowserTest extends LabPageTestBase {

    @Test
    void theTabShowsTheCursorLinesInstructionsAndAClickedInstructionMovesTheCursor() {
        page.open(1280, 800);
        page.js("window.bpflab.editor.setSource(arguments[0])", RunClient.program("unlink_events.bpf.c"));
        driver.findElement(By.id("tab-instructions")).click();
        page.waitFor("the instructions of the typed text", () -> !driver.findElements(
                By.cssSelector("#instructions .insn-group[data-line='21']")).isEmpty(), SHORT);
        assertEquals("idle", driver.findElement(By.id("phase")).getAttribute("data-phase"), "listed without a Run");
        assertTrue(page.text("instructions").contains("handle_unlinkat"), page.text("instructions"));

        // The cursor on line 21 (bpf_ringbuf_reserve(&events, …)): its group is the highlighted one.
        page.js("window.bpflab.editor.gotoLine(arguments[0], 1)", 21);
        List<WebElement> current = page.waitFor("the cursor line's group highlighted", () -> {
            List<WebElement> found = driver.findElements(By.cssSelector("#instructions .insn-group.current"));
            return found.isEmpty() ? null : found;
        }, SHORT);
        assertTrue(current.stream().allMatch(g -> "21".equals(g.getAttribute("data-line"))), "only line 21's groups");
        String group = current.get(0).getText();
        assertTrue(group.contains("line 21") && group.contains("bpf_ringbuf_reserve(&events"), group);
        assertTrue(group.contains("# events"), "the map's load, relocated to it: " + group);
        assertTrue(current.get(0).isDisplayed());
        page.screenshot("42-instructions-of-the-cursor-line-1280x800");

        // Clicking one of line 27's instructions (bpf_printk) moves the editor there, and that group lights up.
        WebElement printk = driver.findElement(By.cssSelector("#instructions .insn-group[data-line='27'] .insn"));
        printk.click();
        page.waitFor("the editor cursor on line 27", () -> page.text("cursor-pos").startsWith("Ln 27,"), SHORT);
        page.waitFor("line 27's group highlighted", () -> driver.findElements(
                By.cssSelector("#instructions .insn-group.current")).stream()
                .allMatch(g -> "27".equals(g.getAttribute("data-line"))), SHORT);
    }
}
