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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The Instructions tab's "as loaded" view and its stale marker (issue 18), in Chromium against the real server: after
 * Run, the view reads the attached program from the kernel and shows its rewritten instructions on the learner's lines
 * with the JIT size and the verifier's figures; a source line still selects its instructions and back. A syntax error
 * typed afterwards marks the listing as the last text that compiled, names the error's line, and highlights nothing.
 */
@QuarkusTest
@TestProfile(DataDirProfile.class)
@BrowserTest
class LabPageLoadedInstructionsBrowserTest extends LabPageTestBase {
    private static final Pattern PROGRAM_ID = Pattern.compile("handle_unlinkat → \\S+ \\(id (\\d+)\\)");
    private static final Pattern HEADING = Pattern.compile(
            "handle_unlinkat — id (\\d+) — (\\d+) instructions? after the kernel’s rewrite \\((\\d+) as compiled\\)");
    private static final Pattern STATS = Pattern.compile("JIT: (\\d+) bytes of machine code · verifier: (\\d+) "
            + "instructions processed, (\\d+) states stored \\(peak (\\d+)\\), (\\d+) µs");
    private static final Pattern STALE = Pattern.compile(
            "Listing of the last text that compiled, \\d+ s ago: fix the error on line (\\d+) to refresh\\.");

    @Test
    void afterRunTheLoadedViewShowsTheKernelsFiguresAndATypedErrorMarksTheListingStale() {
        page.open(1280, 800);
        page.js("window.bpflab.editor.setSource(arguments[0])", RunClient.program("unlink_events.bpf.c"));
        driver.findElement(By.id("run")).click();
        page.waitForPhase("attached");
        Matcher attached = PROGRAM_ID.matcher(String.valueOf(driver.findElement(By.id("phase")).getAttribute("title")));
        assertTrue(attached.find(), "the phase names the program's id");

        driver.findElement(By.id("tab-instructions")).click();
        driver.findElement(By.cssSelector("#instructions .insn-mode[data-mode='loaded']")).click();
        WebElement stats = page.waitFor("the loaded program's figures", () -> driver.findElements(
                By.cssSelector("#instructions .insn-stats")).stream().findFirst().orElse(null), LabPage.RUN_TIMEOUT);
        String heading = driver.findElement(By.cssSelector("#instructions .insn-program .insn-heading")).getText();
        Matcher h = HEADING.matcher(heading);
        assertTrue(h.matches(), heading);
        assertEquals(attached.group(1), h.group(1), "the attached program, by its kernel id");
        int xlated = Integer.parseInt(h.group(2));
        Matcher s = STATS.matcher(stats.getText());
        assertTrue(s.matches(), stats.getText());
        int jit = Integer.parseInt(s.group(1));
        int processed = Integer.parseInt(s.group(2));
        assertTrue(xlated >= 1 && jit >= 1 && processed >= 1, heading + " / " + stats.getText());
        assertTrue(Integer.parseInt(s.group(4)) <= Math.max(1, Integer.parseInt(s.group(3))), "peak ≤ total states");
        List<WebElement> rows = driver.findElements(By.cssSelector("#instructions .insn"));
        int lastIndex = Integer.parseInt(rows.get(rows.size() - 1).getAttribute("data-index"));
        assertTrue(!rows.isEmpty() && rows.size() <= xlated && lastIndex < xlated,
                rows.size() + " rows, last slot " + lastIndex + ", xlated " + xlated);
        page.screenshot("43-instructions-as-loaded-1280x800");

        // A source line selects its rewritten instructions: line 21's ring buffer is the map's kernel id now.
        page.js("window.bpflab.editor.gotoLine(arguments[0], 1)", 21);
        WebElement current = page.waitFor("line 21's loaded group highlighted", () -> driver.findElements(
                By.cssSelector("#instructions .insn-group.current[data-line='21']")).stream().findFirst().orElse(null),
                SHORT);
        assertTrue(current.getText().contains("map[id:"), current.getText());
        // And back: an instruction of line 27 (bpf_printk, now bpf_trace_printk) moves the editor there.
        driver.findElement(By.cssSelector("#instructions .insn-group[data-line='27'] .insn")).click();
        page.waitFor("the editor cursor on line 27", () -> page.text("cursor-pos").startsWith("Ln 27,"), SHORT);

        // A syntax error typed on a new line after line 21: the listing is of the last text that compiled.
        driver.findElement(By.cssSelector("#instructions .insn-mode[data-mode='compiled']")).click();
        page.js("window.bpflab.editor.gotoLine(arguments[0], 1)", 21);
        new Actions(driver).sendKeys(Keys.END).sendKeys(Keys.ENTER).sendKeys("int broken = ;").perform();
        WebElement note = page.waitFor("the stale marker naming the error's line", () -> driver.findElements(
                By.cssSelector("#instructions .insn-stale[data-kind='error']")).stream()
                .filter(WebElement::isDisplayed).findFirst().orElse(null), SHORT);
        Matcher stale = STALE.matcher(note.getText());
        assertTrue(stale.matches(), note.getText());
        assertEquals(22, Integer.parseInt(stale.group(1)), "the typed line");
        // The cursor is on line 22, whose number the listing gives to `if (!e)`: nothing is highlighted.
        assertTrue(page.text("cursor-pos").startsWith("Ln 22,"), page.text("cursor-pos"));
        assertTrue(driver.findElements(By.cssSelector("#instructions .insn-group[data-line='22']")).size() > 0);
        assertTrue(driver.findElements(By.cssSelector("#instructions .insn-group.current")).isEmpty(),
                "a stale listing highlights no line");
        page.screenshot("44-instructions-stale-1280x800");

        // The loaded view says it is of the text that ran.
        driver.findElement(By.cssSelector("#instructions .insn-mode[data-mode='loaded']")).click();
        assertEquals("loaded", driver.findElement(By.cssSelector("#instructions .insn-stale")).getAttribute("data-kind"));
        assertTrue(page.text("instructions").contains("press Run to load it again"), page.text("instructions"));

        // Undone, the text is the listing's again: no marker, and the cursor line is highlighted once more.
        driver.findElement(By.cssSelector("#instructions .insn-mode[data-mode='compiled']")).click();
        page.js("window.bpflab.editor.setSource(arguments[0])", RunClient.program("unlink_events.bpf.c"));
        page.js("window.bpflab.editor.gotoLine(arguments[0], 1)", 24);
        page.waitFor("line 24 highlighted again", () -> !driver.findElements(
                By.cssSelector("#instructions .insn-group.current[data-line='24']")).isEmpty(), SHORT);
        assertFalse(driver.findElement(By.cssSelector("#instructions .insn-stale")).isDisplayed());

        // In Spanish, once the page's language changes: the tab's own words, the kernel's figures the same.
        page.js("window.bpflab.lessons.store.lang = 'es'; window.dispatchEvent(new Event('bpflab:lang'))");
        driver.findElement(By.cssSelector("#instructions .insn-mode[data-mode='loaded']")).click();
        assertEquals("Como se cargó", driver.findElement(By.cssSelector("#instructions .insn-mode[data-mode='loaded']"))
                .getText());
        String spanish = driver.findElement(By.cssSelector("#instructions .insn-stats")).getText();
        assertEquals("JIT: " + jit + " bytes de código máquina · verificador: " + processed + " instrucciones procesadas, "
                + s.group(3) + " estados guardados (pico " + s.group(4) + "), " + s.group(5) + " µs", spanish);
        page.js("window.bpflab.lessons.store.lang = 'en'; window.dispatchEvent(new Event('bpflab:lang'))");
    }
}
