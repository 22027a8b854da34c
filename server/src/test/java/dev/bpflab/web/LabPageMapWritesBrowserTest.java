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
