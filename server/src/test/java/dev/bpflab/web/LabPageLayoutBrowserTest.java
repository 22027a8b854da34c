package dev.bpflab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.share.DataDirProfile;
import dev.bpflab.testing.BrowserTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The lab page's layout, measured in Chromium: at 1280×800 with the lesson pane open the editor is wide enough to
 * work in, lesson code wraps instead of being cut and parameter help is readable; an instructor's messages sit
 * beside the page, not over it; at 390×844 the toolbar takes two rows (three with the kernel picker) and the events
 * start within the first screen.
 * Screenshots go to target/screenshots/. No test leaves a console error.
 */
@QuarkusTest
@TestProfile(DataDirProfile.class)
@BrowserTest
class LabPageLayoutBrowserTest extends LabPageTestBase {
    /** The lesson with the most code blocks. */
    static final String CODE_LESSON = "04-kernel-plus-ebpf";

    @Test
    void at1280x800WithTheLessonPaneOpenTheEditorTheLessonsCodeAndTheParameterHelpAreUsable() {
        page.open(1280, 800);
        driver.findElement(By.id("lesson-toggle")).click();
        page.waitFor("the lesson list", () -> !driver.findElements(By.cssSelector("#lesson-select option[value='" + CODE_LESSON + "']"))
                .isEmpty(), SHORT);
        new Select(driver.findElement(By.id("lesson-select"))).selectByValue(CODE_LESSON);
        page.waitFor("the lesson's steps", () -> !driver.findElements(By.cssSelector("#lesson-steps li")).isEmpty(), SHORT);
        // A template over the lesson's untouched code, for its parameter form.
        new Select(driver.findElement(By.id("template-select"))).selectByValue("unlinkat");
        page.waitFor("the parameter form", () -> page.shown("param-path_prefix"), SHORT);

        Map<String, Long> editor = box("#editor");
        assertTrue(editor.get("width") >= 700, "the editor is wide enough to read code in: " + editor);
        assertTrue(editor.get("height") >= 250, "and tall enough: " + editor);
        Map<String, Long> events = box("#panel-events");
        assertTrue(events.get("height") >= 150 && events.get("bottom") <= 800, "the events stay on screen: " + events);

        int steps = driver.findElements(By.cssSelector("#lesson-steps li")).size();
        int blocks = 0;
        for (int step = 0; step < steps; step++) {
            WebElement stepButton = driver.findElement(By.cssSelector("#lesson-steps li[data-step='" + step + "'] button"));
            page.js("arguments[0].scrollIntoView({block: 'center'})", stepButton); // below the pane's sticky head
            stepButton.click();
            page.js("document.getElementById('lesson-intro').open = true");
            @SuppressWarnings("unchecked")
            List<String> cut = (List<String>) page.js("""
                    return [...document.querySelectorAll('#lesson-pane pre')]
                      .filter(p => p.scrollWidth > p.clientWidth + 1)
                      .map(p => p.textContent.slice(0, 60) + ' (' + p.scrollWidth + ' > ' + p.clientWidth + ')')""");
            assertEquals(List.of(), cut, "step " + (step + 1) + ": code blocks wider than the pane");
            blocks += ((Long) page.js("return document.querySelectorAll('#lesson-pane pre').length")).intValue();
            if (step == 1) {
                page.screenshot("40-lesson-code-1280x800");
            }
        }
        assertTrue(blocks > 0, "the lesson shows code blocks");
        assertEquals(Boolean.TRUE, page.js("const p = document.getElementById('lesson-pane'); return p.scrollWidth <= p.clientWidth"),
                "nothing widens the lesson pane");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> help = (List<Map<String, Object>>) page.js("""
                return [...document.querySelectorAll('#params-fields .field')].map(f => {
                  const small = f.querySelector('small'), input = f.querySelector('input, select');
                  return { name: input.name, text: small.textContent, title: input.title,
                    cut: small.scrollHeight > small.clientHeight + 1 || small.scrollWidth > small.clientWidth + 1 };
                })""");
        assertEquals(2, help.size(), "unlinkat's two parameters: " + help);
        for (Map<String, Object> field : help) {
            assertEquals(Boolean.FALSE, field.get("cut"), "the help is shown whole: " + field);
            assertEquals(field.get("text"), field.get("title"), "and is the field's tooltip: " + field);
        }
        page.screenshot("41-lesson-pane-params-1280x800");
    }

    @Test
    void anInstructorsMessageCoversNoControl() {
        LabPage.Room room = page.joinRoom("Layout room", "Lin");
        try {
            page.reopen(1280, 800);
            page.waitFor("the room bar", () -> !driver.findElements(By.cssSelector(".bpflab-room-bar .who")).isEmpty(), SHORT);
            room.call("/broadcast", Map.of("text", "Everyone: open lesson 2, run its code and press Check when the event shows up"));
            page.waitFor("the message", () -> !driver.findElements(By.cssSelector(".bpflab-room-bar .toast")).isEmpty(), SHORT);
            @SuppressWarnings("unchecked")
            List<String> covered = (List<String>) page.js("""
                    const bar = document.querySelector('.bpflab-room-bar').getBoundingClientRect();
                    return [...document.querySelectorAll('button, input, select, a, .cm-editor, [role="tab"], .table-wrap')]
                      .filter(e => e.offsetParent !== null && !e.closest('.bpflab-room-bar'))
                      .filter(e => {
                        const r = e.getBoundingClientRect();
                        return r.width > 0 && r.left < bar.right && bar.left < r.right && r.top < bar.bottom && bar.top < r.bottom;
                      })
                      .map(e => e.id || e.className)""");
            assertEquals(List.of(), covered, "controls under the room's bar");
            Map<String, Long> bar = box(".bpflab-room-bar");
            assertTrue(bar.get("bottom") <= 800, "the message is on screen: " + bar);
            page.screenshot("42-instructor-message-1280x800");
        } finally {
            room.close();
        }
    }

    @Test
    void at390x844TheToolbarIsCompactAndTheEventsStartWithinTheFirstScreen() {
        page.open(390, 844);
        page.screenshot("43-start-390x844");
        assertNarrowLayout("the starter");
        new Select(driver.findElement(By.id("template-select"))).selectByValue("unlinkat");
        page.waitFor("the parameter form", () -> page.shown("param-path_prefix"), SHORT);
        assertNarrowLayout("a template with its parameter form");
        page.screenshot("44-template-390x844");
    }

    void assertNarrowLayout(String showing) {
        Map<String, Long> toolbar = box(".toolbar");
        // The kernel picker and "Run on all kernels" (a lab that lists its kernels) take a row of their own.
        boolean kernels = page.shown("kernel-picker");
        assertTrue(toolbar.get("height") <= (kernels ? 125 : 90),
                showing + ": the toolbar takes at most " + (kernels ? "three rows" : "two rows") + ": " + toolbar);
        assertEquals(Boolean.TRUE, page.js("return document.documentElement.scrollWidth <= window.innerWidth"),
                showing + ": nothing is wider than the screen");
        Map<String, Long> editor = box("#editor");
        assertTrue(editor.get("height") >= 140, showing + ": room to edit: " + editor);
        Map<String, Long> events = box("#panel-events");
        assertTrue(events.get("top") <= 700, showing + ": the events start within the first screen: " + events);
    }

    /** An element's box in CSS pixels, relative to the viewport with the page scrolled to the top. */
    @SuppressWarnings("unchecked")
    Map<String, Long> box(String selector) {
        return (Map<String, Long>) page.js("""
                window.scrollTo(0, 0);
                const r = document.querySelector(arguments[0]).getBoundingClientRect();
                return { left: Math.round(r.left), top: Math.round(r.top), width: Math.round(r.width),
                  height: Math.round(r.height), bottom: Math.round(r.bottom) };""", selector);
    }
}
