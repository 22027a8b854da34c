package dev.bpflab.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpflab.testing.Chromium;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The lab page in a headless Chromium, for the browser tests: opening it with empty storage at a viewport size,
 * waiting for what the page shows, screenshots into target/screenshots/, and the console errors it logged.
 */
final class LabPage implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

    final URL root;
    final Chromium chromium;
    final ChromeDriver driver;

    private LabPage(URL root, Chromium chromium) {
        this.root = root;
        this.chromium = chromium;
        this.driver = chromium.driver();
    }

    /** Starts the browser; fails (not skips) when Debian's chromium is missing, as the browser tier requires it. */
    static LabPage start(URL root) throws IOException {
        if (!Chromium.installed()) {
            fail("The browser test needs Debian's chromium and chromium-driver (" + Chromium.BINARY + ", " + Chromium.DRIVER
                    + "): apt-get install chromium chromium-driver");
        }
        Files.createDirectories(SCREENSHOTS);
        return new LabPage(root, Chromium.start(1280, 800, SCREENSHOTS.resolve("chromedriver.log")));
    }

    @Override
    public void close() {
        chromium.close();
    }

    /** A room an instructor made through the REST API; the browser joined it as {@code name} (kept in its storage). */
    record Room(String roomId, String secret) {
        ValidatableResponse call(String path, Map<String, ?> body) {
            return given().header("Authorization", "Bearer " + secret).contentType(ContentType.JSON).body(body)
                    .when().post("/api/rooms/" + roomId + path).then().statusCode(200);
        }

        void close() {
            given().header("Authorization", "Bearer " + secret).when().delete("/api/rooms/" + roomId).then().statusCode(204);
        }
    }

    /** Creates a room and joins it as {@code name}; the next {@link #open} is a student's lab page in that room. */
    Room joinRoom(String title, String name) {
        var created = given().contentType(ContentType.JSON).body(Map.of("title", title)).when().post("/api/rooms")
                .then().statusCode(201).extract().jsonPath();
        String joined = given().contentType(ContentType.JSON).body(Map.of("code", created.getString("joinCode"), "name", name))
                .when().post("/api/rooms/join").then().statusCode(201).extract().asString();
        clearStorage();
        js("localStorage.setItem('bpflab.room', arguments[0])", joined);
        return new Room(created.getString("roomId"), created.getString("instructorSecret"));
    }

    /** Opens the lab page at width × height with empty storage, once it has its workloads. */
    void open(int width, int height) {
        clearStorage();
        reopen(width, height);
    }

    /** Opens the lab page at width × height with the storage it has (a draft, a room), once it has its workloads. */
    void reopen(int width, int height) {
        resize(width, height);
        driver.get(root.toString());
        waitFor("the page to load its workloads", () -> Boolean.TRUE.equals(js(
                "return !!window.bpflab && document.querySelectorAll('#workload-buttons button').length > 0")), Duration.ofSeconds(20));
    }

    /** Leaving the lab saves its draft (pagehide), so storage is cleared from another page of the same origin. */
    void clearStorage() {
        driver.get(root + "favicon.svg");
        js("localStorage.clear(); sessionStorage.clear()");
    }

    /** Sizes the viewport (not the window, whose frame takes some room even headless) to width × height. */
    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        long innerWidth = (Long) js("return window.innerWidth");
        long innerHeight = (Long) js("return window.innerHeight");
        driver.manage().window().setSize(new Dimension(width + (int) (width - innerWidth), height + (int) (height - innerHeight)));
    }

    Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    String source() {
        return (String) js("return window.bpflab.editor.getSource()");
    }

    /** The text of element {@code id} as the page has it (also when hidden). */
    String text(String id) {
        return (String) js("return document.getElementById(arguments[0]).textContent", id);
    }

    boolean shown(String id) {
        return !driver.findElements(By.id(id)).isEmpty() && driver.findElement(By.id(id)).isDisplayed();
    }

    void waitForPhase(String phase) {
        waitFor("phase " + phase, () -> {
            String now = driver.findElement(By.id("phase")).getAttribute("data-phase");
            if (!now.equals(phase) && List.of("failed", "stopped").contains(now) && !List.of("failed", "stopped").contains(phase)) {
                throw new AssertionError("the run ended in phase " + now + " instead of " + phase + "; " + state());
            }
            return now.equals(phase);
        }, RUN_TIMEOUT);
    }

    /** Polls {@code condition} until it gives something other than null or false; a screenshot and the page's state on timeout. */
    <T> T waitFor(String what, Supplier<T> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = condition.get();
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
            } catch (WebDriverException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        screenshot("failed-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; " + state(), last);
    }

    /** Line numbers of the gutter rows that hold an error marker, read off the rendered gutters. */
    @SuppressWarnings("unchecked")
    List<Long> errorMarkerLines() {
        return (List<Long>) js("""
                const numbers = [...document.querySelectorAll('.cm-lineNumbers .cm-gutterElement')];
                return [...document.querySelectorAll('.cm-gutter-lint .cm-gutterElement')]
                  .filter(g => g.querySelector('.cm-lint-marker-error'))
                  .map(g => {
                    const top = g.getBoundingClientRect().top;
                    const n = numbers.find(l => Math.abs(l.getBoundingClientRect().top - top) < 2 && /^\\d+$/.test(l.textContent));
                    return n ? Number(n.textContent) : -1;
                  });
                """);
    }

    /** What the page shows about the run, for failure messages. */
    String state() {
        try {
            return "phase: " + driver.findElement(By.id("phase")).getText()
                    + " | banner: " + text("banner-text")
                    + " | notice: " + text("editor-notice-text")
                    + " | log: " + text("verifier-log")
                    + " | diagnostics: " + text("diag-list")
                    + " | workload: " + text("workload-result")
                    + " | events: " + driver.findElement(By.id("events-count")).getText();
        } catch (RuntimeException e) {
            return "(page state unavailable: " + e.getMessage() + ")";
        }
    }

    void screenshot(String name) {
        chromium.screenshot(SCREENSHOTS.resolve(name + ".png"));
    }

    /**
     * The console errors logged since the last call. The bare favicon.svg document the tests open to clear storage
     * makes Chromium ask for /favicon.ico, which the lab does not have; the lab page itself links favicon.svg.
     */
    List<String> consoleErrors() {
        return chromium.consoleErrors().stream().filter(e -> !e.contains("/favicon.ico ")).toList();
    }
}
