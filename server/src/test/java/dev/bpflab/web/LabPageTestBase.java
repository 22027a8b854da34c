package dev.bpflab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.http.TestHTTPResource;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * What the lab page's browser tests share: one Chromium for the class, and after each test a run left going is
 * stopped and the test fails if the page logged a console error (the browser's own too, such as an invalid pattern
 * attribute or a failed load).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LabPageTestBase {
    /** How long the page gets for what needs no run: a template's rendering, a notice, a list. */
    static final Duration SHORT = Duration.ofSeconds(20);
    static final List<String> ACTIVE_PHASES = List.of("connecting", "compiling", "queued", "loading", "attached");

    @TestHTTPResource("/")
    URL root;

    LabPage page;
    ChromeDriver driver;

    @BeforeAll
    void startBrowser() throws IOException {
        page = LabPage.start(root);
        driver = page.driver;
    }

    @AfterAll
    void stopBrowser() {
        if (page != null) {
            page.close();
        }
    }

    @AfterEach
    void stopTheRunAndCheckTheConsole() {
        List<String> errors = page.consoleErrors();
        if (!driver.findElements(By.id("phase")).isEmpty()
                && ACTIVE_PHASES.contains(driver.findElement(By.id("phase")).getAttribute("data-phase"))) {
            driver.findElement(By.id("stop")).click();
            page.waitForPhase("stopped");
        }
        assertEquals(List.of(), errors, "console errors on the page");
    }
}
