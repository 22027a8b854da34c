package dev.bpflab.testing;

import dev.bpflab.support.files.FileTrees;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium, headless, driven by Debian's chromedriver, with a throwaway profile removed on close. The pages'
 * console (and the browser's own complaints about them: failed loads, invalid attributes) is kept for {@link #consoleErrors}.
 */
public final class Chromium implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private final Path profile;
    private final ChromeDriver driver;

    private Chromium(Path profile, ChromeDriver driver) {
        this.profile = profile;
        this.driver = driver;
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
    }

    /** Starts a browser with an English UI and a window of this size; chromedriver logs to {@code driverLog} if given. */
    public static Chromium start(int width, int height, Path driverLog) throws IOException {
        Path profile = Files.createTempDirectory("bpflab-chromium-");
        // Never let Selenium Manager look for (or download) a driver or browser: both are given explicitly.
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        System.setProperty("SE_OFFLINE", "true");
        ChromeDriverService.Builder service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort();
        if (driverLog != null) {
            service.withLogFile(driverLog.toFile());
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriver driver = new ChromeDriver(service.build(), options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Chromium(profile, driver);
    }

    /**
     * A browser for a test that saves screenshots in {@code screenshots}: skipped (or failed, under CI) when Chromium
     * is not installed.
     */
    public static Chromium startFor(Path screenshots, int width, int height) throws IOException {
        Prerequisites.require(installed(),
                "needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver");
        Files.createDirectories(screenshots);
        return start(width, height, null);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /**
     * Asks {@code probe} every 100 ms until it answers (not null; an exception counts as "the page is still
     * changing") and returns the answer. After {@code wait}, saves the screenshot {@code failedShot} and throws an
     * AssertionError naming {@code what} and the page.
     */
    public <T> T waitFor(String what, Duration wait, Supplier<T> probe, Path failedShot) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException e) {
                // the page is still changing
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        screenshot(failedShot);
        throw new AssertionError("no " + what + " within " + wait.toSeconds() + " s; page: " + driver.getCurrentUrl());
    }

    /** Saves what the viewport shows as a PNG at {@code file}; a failure is printed, not thrown (a screenshot is an artifact). */
    public void screenshot(Path file) {
        try {
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            System.err.println("screenshot " + file + " failed: " + e);
        }
    }

    /** The console errors (level SEVERE) logged since the last call, as "message (source)"; reading them forgets them. */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    @Override
    public void close() {
        driver.quit();
        try {
            FileTrees.delete(profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
