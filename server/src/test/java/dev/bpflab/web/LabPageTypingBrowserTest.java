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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * Errors as you type (issue 18), in Chromium against the real server: a syntax error typed into the editor is
 * marked on its line once typing pauses, without pressing Run, with clang's message on hover; fixing it takes the
 * marker away; and typing while a program is attached marks the error and leaves the program attached.
 */
@QuarkusTest
@TestProfile(DataDirProfile.class)
@BrowserTest
class LabPageTypingBrowserTest extends LabPageTestBase {

    @Test
    void aTypedSyntaxErrorIsMarkedWithoutPressingRunAndFixingItClearsTheMarker() {
        page.open(1280, 800);
        page.js("window.bpflab.editor.setSource(arguments[0])", RunClient.program("unlink_events.bpf.c"));
        int brokenLine = typeBrokenLineAfter("return 0;");

        List<Long> markers = page.waitFor("an error marker with no Run pressed", () -> {
            List<Long> lines = page.errorMarkerLines();
            return lines.isEmpty() ? null : lines;
        }, SHORT);
        assertEquals(List.of((long) brokenLine), markers, "error marker lines");
        assertEquals("idle", phase(), "nothing ran");
        assertTrue(page.text("diag-summary").contains("line " + brokenLine), page.text("diag-summary"));
        WebElement underline = driver.findElement(By.cssSelector(".cm-lintRange-error"));
        new Actions(driver).moveToElement(underline).perform();
        String tooltip = page.waitFor("the hover message", () -> driver.findElements(By.cssSelector(".cm-tooltip-lint"))
                .stream().map(WebElement::getText).filter(t -> !t.isBlank()).findFirst().orElse(null), SHORT);
        assertTrue(tooltip.toLowerCase().contains("expected"), tooltip);
        page.screenshot("40-error-marked-as-you-type-1280x800");

        // The learner finishes the line: once typing pauses again, the marker goes.
        new Actions(driver).moveToElement(driver.findElement(By.id("run")), 0, 0).perform(); // the hover closes
        driver.findElement(By.cssSelector(".cm-content")).click();
        page.js("window.bpflab.editor.gotoLine(arguments[0], 100)", brokenLine);
        new Actions(driver).sendKeys(Keys.BACK_SPACE).sendKeys("1;").perform();
        page.waitFor("the marker to go once the line compiles", () -> page.errorMarkerLines().isEmpty(), SHORT);
        assertEquals("idle", phase(), "still nothing ran");
    }

    @Test
    void typingAnErrorWhileAProgramIsAttachedMarksItAndLeavesTheProgramAttached() {
        page.open(1280, 800);
        page.js("window.bpflab.editor.setSource(arguments[0])", RunClient.program("unlink_events.bpf.c"));
        driver.findElement(By.id("run")).click();
        page.waitForPhase("attached");
        int brokenLine = typeBrokenLineAfter("return 0;");

        page.waitFor("an error marker on the typed line", () -> page.errorMarkerLines().equals(List.of((long) brokenLine)),
                SHORT);
        driver.findElement(By.cssSelector("#workload-buttons button[data-workload='unlink-file']")).click();
        page.waitFor("an event of the attached program", () -> !driver.findElement(By.id("events-count")).getText()
                .startsWith("0 "), SHORT);
        assertEquals("attached", phase(), "the program stayed attached");
        page.screenshot("41-error-marked-while-attached-1280x800");
    }

    /** Types {@code int broken = ;} on a new line after the first line holding {@code after}; its line number. */
    private int typeBrokenLineAfter(String after) {
        List<String> lines = page.source().lines().toList();
        int afterLine = lines.indexOf(lines.stream().filter(l -> l.contains(after)).findFirst().orElseThrow()) + 1;
        page.js("window.bpflab.editor.gotoLine(arguments[0], 100)", afterLine);
        new Actions(driver).sendKeys(Keys.END).sendKeys(Keys.ENTER).sendKeys("int broken = ;").perform();
        page.waitFor("the typed line", () -> page.source().contains("int broken = ;"), SHORT);
        return afterLine + 1;
    }

    private String phase() {
        return driver.findElement(By.id("phase")).getAttribute("data-phase");
    }
}
