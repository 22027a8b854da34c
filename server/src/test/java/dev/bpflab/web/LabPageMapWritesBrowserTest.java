package dev.bpflab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.share.DataDirProfile;
import dev.bpflab.testing.BrowserTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Maps you can write (issue 18), in Chromium against the real server and kernel: the xdp-firewall template runs, a
 * TCP connection to 7778 gets through; the learner adds 7778 → ACTION_DROP to its blocked_ports map from the Maps
 * tab's form, and the next connection to 7778 times out, dropped by the same program (its kernel id unchanged, never
 * reloaded). A port out of a __u16's range is refused beside the form saying so, and the row's Delete lets 7778
 * through again.
 */
@QuarkusTest
@TestProfile(DataDirProfile.class)
@BrowserTest
class LabPageMapWritesBrowserTest extends LabPageTestBase {
    private static final Pattern PROGRAM_ID = Pattern.compile("firewall → xdp on bpflab0 \\(id (\\d+)\\)");
    private static final String FORM = ".map-card[data-map='blocked_ports'] form.map-write";
    private static final String FIREWALL_LESSON = "06-xdp-firewall";
    /** veth-traffic's TCP connect waits a few seconds for an answer that a dropped SYN never gets. */
    private static final Duration TRAFFIC = Duration.ofSeconds(40);

    @Test
    void aPortWrittenIntoTheFirewallsRuleMapDropsTheNextPacketWithNoReload() {
        page.open(1280, 800);
        page.waitFor("the template list", () -> driver.findElements(By.cssSelector("#template-select option")).size() > 1,
                SHORT);
        new Select(driver.findElement(By.id("template-select"))).selectByValue("xdp-firewall");
        page.waitFor("the firewall's source", () -> page.source().contains("blocked_ports"), SHORT);
        driver.findElement(By.id("run")).click();
        page.waitForPhase("attached");
        String programId = programId();

        assertTrue(traffic().contains("tcp: connect to port 7778 refused"), "before the rule, 7778 gets through");
        driver.findElement(By.id("tab-maps")).click();
        WebElement form = page.waitFor("blocked_ports' entry form", () -> driver.findElements(By.cssSelector(FORM)).stream()
                .findFirst().orElse(null), SHORT);

        // What the page can tell is said before anything is sent; the rest is the agent's, from the map's BTF.
        WebElement key = form.findElement(By.cssSelector("input[data-path='key']"));
        key.sendKeys("70000");
        new Select(form.findElement(By.cssSelector("select[data-path='value']"))).selectByValue("ACTION_DROP");
        form.findElement(By.cssSelector("button.map-write-button")).click();
        assertEquals("✗ \"key\": 70000 is out of range for __u16, 0 to 65535", result("refused"));
        page.screenshot("50-map-write-refused-1280x800");

        key.clear();
        key.sendKeys("7778");
        form.findElement(By.cssSelector("button.map-write-button")).click();
        assertEquals("✓ blocked_ports[7778] = ACTION_DROP", result("written"));
        page.waitFor("the entry in blocked_ports' table", () -> rowKeys().contains("7778"), SHORT);
        page.screenshot("51-map-written-1280x800");

        assertTrue(traffic().contains("tcp: connect to port 7778 timed out"), "the next SYN to 7778 is dropped");
        assertEquals("attached", driver.findElement(By.id("phase")).getAttribute("data-phase"));
        assertEquals(programId, programId(), "the same program, never reloaded");

        page.waitFor("the row's Delete", () -> driver.findElements(By.cssSelector(".map-card[data-map='blocked_ports'] "
                + "tbody tr button.map-delete")).stream().findFirst().orElse(null), SHORT).click();
        assertEquals("✓ deleted blocked_ports[7778]", result("deleted"));
        assertTrue(traffic().contains("tcp: connect to port 7778 refused"), "deleted, the rule lets 7778 through");
        assertEquals(programId, programId(), "still the same program");
    }

    /**
     * Lesson 06's step 4 as a learner sees it, at 1280×800 with the lesson pane open and at 390×844: veth-traffic's
     * answer is read in full on the page (wrapped, not cut with an ellipsis into its tooltip), and blocked_ports' entry
     * form is whole in its card, its Write button on screen once the card is, with nothing scrolled inside the card.
     */
    @Test
    void inTheFirewallLessonTheWorkloadsAnswerAndTheEntryFormAreWholeOnScreen() {
        page.open(1280, 800);
        driver.findElement(By.id("lesson-toggle")).click();
        page.waitFor("the lesson list", () -> !driver.findElements(By.cssSelector("#lesson-select option[value='" + FIREWALL_LESSON
                + "']")).isEmpty(), SHORT);
        new Select(driver.findElement(By.id("lesson-select"))).selectByValue(FIREWALL_LESSON);
        page.waitFor("the lesson's step 4", () -> driver.findElements(By.cssSelector("#lesson-steps li[data-step='3'] button"))
                .stream().findFirst().orElse(null), SHORT).click();
        new Select(driver.findElement(By.id("template-select"))).selectByValue("xdp-firewall");
        page.waitFor("the firewall's source", () -> page.source().contains("blocked_ports"), SHORT);
        assertTrue(page.shown("lesson-pane"), "the lesson pane stays open");
        driver.findElement(By.id("run")).click();
        page.waitForPhase("attached");
        String answer = traffic();
        assertTrue(answer.contains("tcp: connect to port 7778 refused"), answer);
        assertWorkloadAnswerWhole("1280×800");
        driver.findElement(By.id("tab-maps")).click();
        page.waitFor("blocked_ports' entry form", () -> driver.findElements(By.cssSelector(FORM)).stream().findFirst().orElse(null), SHORT);
        assertEntryFormWhole("1280×800");
        page.screenshot("52-firewall-lesson-maps-1280x800");

        page.resize(390, 844);
        assertWorkloadAnswerWhole("390×844");
        assertEntryFormWhole("390×844");
        page.screenshot("53-firewall-lesson-maps-390x844");
    }

    /** The workload's answer shows all its text: nothing overflows its box, and the box is within the screen's width. */
    private void assertWorkloadAnswerWhole(String size) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) page.js("""
                const r = document.getElementById('workload-result');
                const box = r.getBoundingClientRect();
                return { text: r.textContent, sw: r.scrollWidth, cw: r.clientWidth, sh: r.scrollHeight, ch: r.clientHeight,
                  left: box.left, right: box.right, inner: window.innerWidth };""");
        String what = size + ": " + m;
        assertTrue(String.valueOf(m.get("text")).contains("tcp: connect to port 7778"), what);
        assertTrue(num(m, "sw") <= num(m, "cw") && num(m, "sh") <= num(m, "ch"), "the answer is not cut: " + what);
        assertTrue(num(m, "left") >= 0 && num(m, "right") <= num(m, "inner"), "the answer is within the screen: " + what);
    }

    /**
     * blocked_ports' card, scrolled into view as a whole (the maps list and the page scroll, not the card): nothing of
     * it is cut, and its Write button is inside the card, the maps list and the viewport.
     */
    private void assertEntryFormWhole(String size) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) page.js("""
                const card = document.querySelector(".map-card[data-map='blocked_ports']");
                card.scrollIntoView({ block: 'start' });
                const button = card.querySelector('form.map-write button.map-write-button');
                const b = button.getBoundingClientRect(), c = card.getBoundingClientRect();
                const list = card.closest('.maps').getBoundingClientRect();
                return { cardScrollTop: card.scrollTop, cardSh: card.scrollHeight, cardCh: card.clientHeight,
                  top: b.top, bottom: b.bottom, left: b.left, right: b.right, cardTop: c.top, cardBottom: c.bottom,
                  listTop: list.top, listBottom: list.bottom, innerW: window.innerWidth, innerH: window.innerHeight };""");
        String what = size + ": " + m;
        assertEquals(0L, num(m, "cardScrollTop"), "nothing scrolled inside the card: " + what);
        assertTrue(num(m, "cardSh") <= num(m, "cardCh"), "the card holds all it has: " + what);
        assertTrue(num(m, "top") >= num(m, "cardTop") && num(m, "bottom") <= num(m, "cardBottom"), "Write is inside its card: " + what);
        assertTrue(num(m, "top") >= num(m, "listTop") && num(m, "bottom") <= num(m, "listBottom"), "and inside the maps list: " + what);
        assertTrue(num(m, "top") >= 0 && num(m, "bottom") <= num(m, "innerH") && num(m, "left") >= 0 && num(m, "right") <= num(m, "innerW"),
                "and on screen: " + what);
    }

    private static long num(Map<String, Object> m, String key) {
        return Math.round(((Number) m.get(key)).doubleValue());
    }

    /** The kernel's id of the attached firewall, as the phase's title says it. */
    private String programId() {
        String title = driver.findElement(By.id("phase")).getAttribute("title");
        Matcher id = PROGRAM_ID.matcher(title == null ? "" : title);
        assertTrue(id.find(), "the phase names the attached program and its id: " + title);
        return id.group(1);
    }

    /** Fires veth-traffic and returns its answer once it came. */
    private String traffic() {
        page.js("document.getElementById('workload-result').textContent = ''");
        // Clicked and read in one script (no answer can land in between): while it runs the line says so, and the
        // previous answer never stands for this one.
        Object shown = page.js("document.querySelector(\"#workload-buttons button[data-workload='veth-traffic']\").click();"
                + " return document.getElementById('workload-result').textContent");
        assertEquals("… veth-traffic: running in the sandbox", shown);
        return page.waitFor("veth-traffic's answer", () -> {
            String text = page.text("workload-result");
            return text.startsWith("✓ veth-traffic") || text.startsWith("✗ veth-traffic") ? text : null;
        }, TRAFFIC);
    }

    /** The answer beside the form once it is not "Writing…" (the previous answer is cleared on each press). */
    private String result(String what) {
        return page.waitFor("the write " + what, () -> {
            String text = driver.findElement(By.cssSelector(FORM + " .map-write-result")).getText();
            return text.startsWith("✓") || text.startsWith("✗") ? text : null;
        }, SHORT);
    }

    private String rowKeys() {
        return String.join(",", driver.findElements(By.cssSelector(".map-card[data-map='blocked_ports'] tbody tr td:first-child"))
                .stream().map(WebElement::getText).toList());
    }
}
