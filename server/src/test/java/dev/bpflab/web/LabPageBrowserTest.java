package dev.bpflab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.DiagnosticHints;
import dev.bpflab.protocol.Hint;
import dev.bpflab.share.DataDirProfile;
import dev.bpflab.testing.BrowserTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The lab page in Debian's Chromium, headless, against the real server and kernel: a template is run, a workload
 * fires and its event shows up; a syntax error and a verifier rejection land on the right lines. Screenshots go to
 * target/screenshots/.
 */
@QuarkusTest
@TestProfile(DataDirProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@BrowserTest
class LabPageBrowserTest extends LabPageTestBase {
    /** Fails the verifier: the map lookup may return NULL and the program dereferences it unchecked (line 18). */
    static final String NULL_DEREF = """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>

            char LICENSE[] SEC("license") = "GPL";

            struct {
                __uint(type, BPF_MAP_TYPE_HASH);
                __uint(max_entries, 64);
                __type(key, u32);
                __type(value, u64);
            } counts SEC(".maps");

            SEC("tracepoint/syscalls/sys_enter_unlinkat")
            int count_unlinks(void *ctx)
            {
                u32 key = 0;
                u64 *value = bpf_map_lookup_elem(&counts, &key);
                *value += 1;
                return 0;
            }
            """;
    static final int NULL_DEREF_LINE = 18;

    /** Counts unlinkat calls per process in a hash map and says so with bpf_printk. */
    static final String COUNT_UNLINKS = """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>

            char LICENSE[] SEC("license") = "GPL";

            struct {
                __uint(type, BPF_MAP_TYPE_HASH);
                __uint(max_entries, 1024);
                __type(key, u32);
                __type(value, u64);
            } unlinks_per_pid SEC(".maps");

            SEC("tracepoint/syscalls/sys_enter_unlinkat")
            int count_unlinks(void *ctx)
            {
                u32 pid = bpf_get_current_pid_tgid() >> 32;
                u64 one = 1, *count = bpf_map_lookup_elem(&unlinks_per_pid, &pid);
                if (count)
                    __sync_fetch_and_add(count, 1);
                else
                    bpf_map_update_elem(&unlinks_per_pid, &pid, &one, BPF_ANY);
                bpf_printk("unlinkat by pid %d", pid);
                return 0;
            }
            """;

    @Test
    @Order(1)
    void aTemplateRunsAndAWorkloadsEventShowsUpInTheTable() {
        openPage(1280, 800);
        screenshot("00-start-1280x800-light");

        waitFor("the template list", () -> driver.findElements(By.cssSelector("#template-select option")).size() > 1,
                Duration.ofSeconds(20));
        Select picker = new Select(driver.findElement(By.id("template-select")));
        WebElement unlink = picker.getOptions().stream()
                .filter(o -> o.getAttribute("value").toLowerCase().contains("unlink"))
                .findFirst()
                .orElseGet(() -> picker.getOptions().stream()
                        .filter(o -> o.getText().toLowerCase().contains("unlink")).findFirst()
                        .orElseThrow(() -> new AssertionError("no unlink template among " + optionTexts(picker))));
        String templateId = unlink.getAttribute("value");
        picker.selectByValue(templateId);
        waitFor("the template's source in the editor",
                () -> source().contains("unlink"), Duration.ofSeconds(20));
        assertTrue(driver.findElement(By.id("params-form")).isDisplayed(), "the template's parameter form shows");

        driver.findElement(By.id("run")).click();
        waitForPhase("attached");

        driver.findElement(By.cssSelector("#workload-buttons button[data-workload='unlink-file']")).click();
        String answer = waitFor("the workload's answer", () -> {
            String text = driver.findElement(By.id("workload-result")).getText();
            return text.startsWith("✓") || text.startsWith("✗") ? text : null; // not "… running"
        }, Duration.ofSeconds(30));
        assertTrue(answer.startsWith("✓"), "the workload ran: " + answer);
        String removed = lastPath(answer);
        String name = removed.substring(removed.lastIndexOf('/') + 1);

        String row = waitFor("an event row naming " + removed, () -> driver.findElements(By.cssSelector("#events-table tbody tr"))
                .stream().map(WebElement::getText).filter(t -> t.contains(name)).findFirst().orElse(null), Duration.ofSeconds(30));
        assertTrue(row.contains(removed), "the row shows the full path " + removed + ": " + row);
        List<String> columns = driver.findElements(By.cssSelector("#events-table thead th")).stream().map(WebElement::getText).toList();
        assertTrue(columns.stream().anyMatch(c -> c.toLowerCase().contains("file") || c.toLowerCase().contains("name")
                || c.toLowerCase().contains("path")), "columns come from the decoded fields: " + columns);

        // The filter narrows the table to matching rows and says how many match.
        driver.findElement(By.id("events-filter")).sendKeys(name);
        waitFor("the filter count", () -> driver.findElement(By.id("events-count")).getText().contains("match"), Duration.ofSeconds(5));
        screenshot("01-events-1280x800-light");
        driver.findElement(By.id("events-filter")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);

        // Paused, the table holds still while the count goes on; resumed, it catches up.
        int rowsBefore = eventRows();
        driver.findElement(By.id("events-pause")).click();
        driver.findElement(By.cssSelector("#workload-buttons button[data-workload='unlink-file']")).click();
        waitFor("the count to grow while paused", () -> eventTotal() > rowsBefore, Duration.ofSeconds(30));
        assertEquals(rowsBefore, eventRows(), "no new rows while paused");
        assertTrue(driver.findElement(By.id("events-count")).getText().contains("paused"));
        driver.findElement(By.id("events-pause")).click();
        waitFor("the rows to catch up after resuming", () -> eventRows() == eventTotal(), Duration.ofSeconds(5));

        driver.findElement(By.id("stop")).click();
        waitForPhase("stopped");
    }

    @Test
    @Order(2)
    void aCountingMapShowsAsABarChartAndPrintkLinesArrive() {
        openPage(1280, 800);
        js("window.bpflab.editor.setSource(arguments[0])", COUNT_UNLINKS);
        driver.findElement(By.id("run")).click();
        waitForPhase("attached");
        WebElement unlink = driver.findElement(By.cssSelector("#workload-buttons button[data-workload='unlink-file']"));
        unlink.click();
        waitFor("the first workload's answer", () -> driver.findElement(By.id("workload-result")).getText().startsWith("✓"),
                Duration.ofSeconds(30));
        unlink.click();

        driver.findElement(By.id("tab-maps")).click();
        waitFor("the map as a bar chart", () -> driver.findElements(
                By.cssSelector(".map-card[data-map='unlinks_per_pid']")).stream()
                .filter(c -> !c.findElements(By.cssSelector(".bars .bar")).isEmpty()).findFirst().orElse(null), Duration.ofSeconds(30));
        screenshot("02-maps-chart-1280x800-light");
        // A new snapshot replaces the card, so each look at it finds it afresh (waitFor retries a stale element).
        waitFor("the map as a table", () -> {
            WebElement toggle = driver.findElement(By.cssSelector(".map-card[data-map='unlinks_per_pid'] header button:last-child"));
            if ("Table".equals(toggle.getText())) {
                toggle.click(); // the card remembers the choice across snapshots
            }
            return !driver.findElements(By.cssSelector(".map-card[data-map='unlinks_per_pid'] tbody tr")).isEmpty();
        }, Duration.ofSeconds(10));

        driver.findElement(By.id("tab-printk")).click();
        // trace_pipe has one reader at a time machine-wide: if another bpflab process on this host reads it too,
        // a line can go there, so the workload fires again every few seconds until one arrives here.
        long[] lastFired = {System.nanoTime()};
        waitFor("a printk line", () -> {
            if (driver.findElement(By.id("printk-log")).getText().contains("unlinkat by pid")) {
                return true;
            }
            if (System.nanoTime() - lastFired[0] > Duration.ofSeconds(3).toNanos()) {
                unlink.click();
                lastFired[0] = System.nanoTime();
            }
            return false;
        }, Duration.ofSeconds(30));
        screenshot("02-printk-1280x800-light");
        driver.findElement(By.id("stop")).click();
        waitForPhase("stopped");
    }

    @Test
    @Order(3)
    void aSyntaxErrorIsMarkedOnItsLine() {
        openPage(1280, 800);
        js("window.bpflab.editor.setSource(arguments[0])", NULL_DEREF.replace("*value += 1;", "return 0;"));
        int returnLine = lineOf(source(), "return 0;");
        js("window.bpflab.editor.gotoLine(arguments[0])", returnLine);
        // Typed, like a learner would: a new line with an incomplete expression after the first return.
        new Actions(driver).sendKeys(Keys.END).sendKeys(Keys.ENTER).sendKeys("int broken = ;").perform();
        int brokenLine = returnLine + 1;
        assertEquals(brokenLine, lineOf(source(), "int broken = ;"), source());

        // Ctrl+Enter in the editor runs.
        new Actions(driver).keyDown(Keys.CONTROL).sendKeys(Keys.ENTER).keyUp(Keys.CONTROL).perform();
        waitForPhase("failed");
        List<Long> markers = waitFor("a lint marker in the gutter", () -> {
            List<Long> lines = errorMarkerLines();
            return lines.isEmpty() ? null : lines;
        }, Duration.ofSeconds(10));
        assertEquals(List.of((long) brokenLine), markers, "error marker lines");
        assertTrue(driver.findElement(By.id("diag-summary")).getText().contains("line " + brokenLine),
                driver.findElement(By.id("diag-summary")).getText());

        // Hovering the underline shows the compiler's message.
        WebElement underline = driver.findElement(By.cssSelector(".cm-lintRange-error"));
        new Actions(driver).moveToElement(underline).perform();
        // A hover that a late layout change (the kernel picker filling in, a notice) moved away from is made again,
        // from outside the editor, every 2 s: CodeMirror shows the tooltip once the pointer rests on the range.
        long[] hovered = {System.nanoTime()};
        String tooltip = waitFor("the hover message", () -> {
            String shown = driver.findElements(By.cssSelector(".cm-tooltip-lint")).stream().map(WebElement::getText)
                    .filter(t -> !t.isBlank()).findFirst().orElse(null);
            if (shown == null && System.nanoTime() - hovered[0] > 2_000_000_000L) {
                new Actions(driver).moveToElement(driver.findElement(By.id("diag-summary")))
                        .moveToElement(driver.findElement(By.cssSelector(".cm-lintRange-error"))).perform();
                hovered[0] = System.nanoTime();
            }
            return shown;
        }, Duration.ofSeconds(10));
        assertTrue(tooltip.toLowerCase().contains("expected"), tooltip);
        screenshot("03-compile-error-1280x800-light");
    }

    @Test
    @Order(4)
    void aVerifierRejectionIsMarkedAndItsLogHighlightsTheFailingInstruction() {
        openPage(1280, 800);
        js("window.bpflab.editor.setSource(arguments[0])", NULL_DEREF);
        driver.findElement(By.id("run")).click();
        waitForPhase("failed");
        List<Long> markers = waitFor("a verifier marker in the gutter", () -> {
            List<Long> lines = errorMarkerLines();
            return lines.isEmpty() ? null : lines;
        }, Duration.ofSeconds(10));
        assertEquals(List.of((long) NULL_DEREF_LINE), markers, "verifier marker lines");
        assertEquals("true", driver.findElement(By.id("tab-log")).getAttribute("aria-selected"), "the log tab opens");
        WebElement failing = driver.findElement(By.cssSelector("#verifier-log .line.failing"));
        assertTrue(failing.getText().matches("^\\s*\\d+: \\([0-9a-f]{2}\\).*"), "an instruction is highlighted: " + failing.getText());
        assertTrue(driver.findElement(By.id("verifier-log")).getText().contains("invalid mem access"),
                "the raw verifier log is shown");
        assertTrue(driver.findElement(By.id("cursor-pos")).getText().startsWith("Ln " + NULL_DEREF_LINE + ","),
                "the editor jumped to the failing line: " + driver.findElement(By.id("cursor-pos")).getText());

        js("window.bpflab.editor.gotoLine(1)");
        failing.click();
        waitFor("a click on the failing instruction jumps to its line",
                () -> driver.findElement(By.id("cursor-pos")).getText().startsWith("Ln " + NULL_DEREF_LINE + ","), Duration.ofSeconds(5));
        screenshot("04-verifier-error-1280x800-light");

        setTheme("dark");
        screenshot("05-verifier-error-1280x800-dark");
        resize(412, 915);
        screenshot("06-verifier-error-narrow-dark");
        setTheme("light");
        screenshot("07-verifier-error-narrow-light");
        js("document.getElementById('tab-events').click(); window.scrollTo(0, 0)");
        screenshot("08-narrow-light-top");
    }

    @Test
    @Order(5)
    void aShareLinkReopensTheCodeAndTemplate() {
        openPage(1280, 800);
        js("window.bpflab.editor.setSource(arguments[0])", NULL_DEREF);
        driver.findElement(By.id("share")).click();
        String url = waitFor("the share link", () -> {
            String value = driver.findElement(By.id("share-url")).getAttribute("value");
            return value == null || value.isEmpty() ? null : value;
        }, Duration.ofSeconds(10));
        assertTrue(url.matches(".*/s/[A-Za-z0-9_-]{22}$"), url);
        screenshot("09-share-1280x800-light");

        driver.get(root + "favicon.svg");
        js("localStorage.clear()");
        driver.get(url);
        waitFor("the shared source in the editor", () -> NULL_DEREF.equals(source()), Duration.ofSeconds(20));
    }

    @Test
    @Order(6)
    void darkModeFollowsTheSystem() {
        // A system in dark mode gets the dark page without touching the toggle.
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        try {
            openPage(1280, 800);
            js("localStorage.removeItem('bpflab.theme'); delete document.documentElement.dataset.theme");
            String background = (String) js("return getComputedStyle(document.body).backgroundColor");
            assertEquals("rgb(15, 19, 25)", background, "dark background under prefers-color-scheme: dark");
            screenshot("10-start-1280x800-system-dark");
            // The lesson pane's reserved place opens beside the editor.
            driver.findElement(By.id("lesson-toggle")).click();
            assertTrue(driver.findElement(By.id("lesson-slot")).isDisplayed(), "the lesson pane opens");
            assertEquals("true", driver.findElement(By.id("lesson-toggle")).getAttribute("aria-expanded"));
            screenshot("11-lesson-pane-1280x800-system-dark");
        } finally {
            driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
    }

    @Test
    @Order(7)
    void aLessonIsFollowedCheckedOnWhatTheKernelDidAndItsProgressTravelsWithAShareLink() {
        openPage(1280, 800);
        Map<String, Object> lesson = openLesson("02-watch-syscalls");
        // The editor held the untouched starter, so the lesson's start code replaces it without asking.
        waitFor("the lesson's start code in the editor", () -> lesson.get("start").equals(source()), Duration.ofSeconds(20));
        assertEquals(((Map<?, ?>) lesson.get("title")).get("en"), driver.findElement(By.id("lesson-title")).getText());

        List<?> steps = (List<?>) lesson.get("steps");
        int last = steps.size() - 1;
        while (((Map<?, ?>) steps.get(last)).get("check") == null) {
            last--;
        }
        driver.findElement(By.cssSelector("#lesson-steps li[data-step='" + last + "'] button")).click();
        waitFor("the Check button", () -> driver.findElement(By.id("lesson-check")).isDisplayed()
                ? driver.findElement(By.id("lesson-check")) : null, Duration.ofSeconds(5));

        // Nothing runs yet: Check runs the start code first, then grades it. It lacks the chmod program.
        clickInLessonPane("lesson-check");
        String failed = checkResult("false");
        assertTrue(failed.contains("mode 384") || failed.contains("384"), "the result says what is missing: " + failed);
        assertTrue(driver.findElements(By.cssSelector("#lesson-check-result li[data-met='false']")).size() >= 1, failed);
        // What is missing is said once, in the list; the verdict above it does not repeat it.
        String verdict = driver.findElement(By.cssSelector("#lesson-check-result .verdict")).getText();
        assertTrue(verdict.startsWith("✗ Not yet"), verdict);
        assertEquals(Boolean.TRUE, js("const p = document.getElementById('lesson-pane'); return p.scrollWidth <= p.clientWidth"),
                "long code in the result wraps instead of widening the lesson pane");
        screenshot("12-lesson-check-failed-1280x800-light");

        clickInLessonPane("lesson-load-solution");
        clickInLessonPane("lesson-confirm-yes");
        waitFor("the solution in the editor", () -> lesson.get("solution").equals(source()), Duration.ofSeconds(10));
        // The attached program is the start code: Check runs the editor's text again before grading it.
        clickInLessonPane("lesson-check");
        String passed = checkResult("true");
        assertTrue(driver.findElements(By.cssSelector("#lesson-check-result li[data-met='false']")).isEmpty(), passed);
        int passedStep = last;
        waitFor("a ✓ on the step", () -> driver.findElement(By.cssSelector("#lesson-steps li[data-step='" + passedStep
                + "'] .step-mark")).getText().contains("✓"), Duration.ofSeconds(5));
        screenshot("13-lesson-check-passed-1280x800-light");

        new Select(driver.findElement(By.id("lesson-lang"))).selectByValue("es");
        waitFor("the Spanish title", () -> ((Map<?, ?>) lesson.get("title")).get("es")
                .equals(driver.findElement(By.id("lesson-title")).getText()), Duration.ofSeconds(5));
        driver.findElement(By.id("stop")).click();
        waitForPhase("stopped");

        driver.findElement(By.id("share")).click();
        String url = waitFor("the share link", () -> {
            String value = driver.findElement(By.id("share-url")).getAttribute("value");
            return value == null || value.isEmpty() ? null : value;
        }, Duration.ofSeconds(10));
        driver.get(root + "favicon.svg");
        js("localStorage.clear()");
        driver.get(url);
        waitFor("the shared solution in the editor", () -> lesson.get("solution").equals(source()), Duration.ofSeconds(20));
        waitFor("the lesson open at the shared step, its check passed", () -> {
            List<WebElement> current = driver.findElements(By.cssSelector("#lesson-steps li[aria-current='step'], "
                    + "#lesson-steps li:has([aria-current='step'])"));
            return !current.isEmpty() && String.valueOf(passedStep).equals(current.get(0).getAttribute("data-step"))
                    && current.get(0).findElement(By.cssSelector(".step-mark")).getText().contains("✓");
        }, Duration.ofSeconds(20));
        screenshot("14-lesson-shared-1280x800-light");
    }

    @Test
    @Order(8)
    void aBrowserInSpanishOpensTheLessonsInSpanish() {
        // The talk is in Spanish: a learner whose browser prefers Spanish gets the lessons in Spanish without choosing.
        // Headless Chromium ignores --lang, so the browser's language is emulated the way DevTools does it.
        String userAgent = (String) js("return navigator.userAgent");
        driver.executeCdpCommand("Network.setUserAgentOverride", Map.of("userAgent", userAgent, "acceptLanguage", "es-AR,es"));
        try {
            openPage(1280, 800);
            assertEquals("es-AR", js("return navigator.language"), "the emulated browser language");
            Map<String, Object> lesson = openLesson("01-kernel-syscalls");
            assertEquals("es", new Select(driver.findElement(By.id("lesson-lang"))).getFirstSelectedOption().getAttribute("value"));
            waitFor("the Spanish title", () -> ((Map<?, ?>) lesson.get("title")).get("es")
                    .equals(driver.findElement(By.id("lesson-title")).getText()), Duration.ofSeconds(5));
            screenshot("15-lesson-spanish-browser-1280x800-light");
        } finally {
            driver.executeCdpCommand("Network.setUserAgentOverride", Map.of("userAgent", userAgent, "acceptLanguage", "en-US"));
        }
    }

    @Test
    @Order(9)
    void aMissingNullCheckComesWithItsHintInTheListAndOnHoverInTheLessonsLanguage() {
        openPage(1280, 800);
        Hint hint = DiagnosticHints.ofKind("map-null-check").orElseThrow();
        js("window.bpflab.editor.setSource(arguments[0])", NULL_DEREF);
        driver.findElement(By.id("run")).click();
        waitForPhase("failed");
        assertEquals(hint.en(), waitFor("the hint in the diagnostics list", () -> listedHint("en"), Duration.ofSeconds(10)));
        assertEquals(hint.en(), hoveredHint("en"), "the hover shows the hint under the message");
        screenshot("16-hint-english-1280x800-light");

        // The lessons' language choice is the hints' too: switched to Spanish, both follow.
        driver.findElement(By.id("lesson-toggle")).click();
        new Select(driver.findElement(By.id("lesson-lang"))).selectByValue("es");
        assertEquals(hint.es(), waitFor("the hint in Spanish in the list", () -> listedHint("es"), Duration.ofSeconds(5)));
        new Actions(driver).moveToElement(driver.findElement(By.id("run"))).perform(); // the English hover closes
        waitFor("the hover to close", () -> driver.findElements(By.cssSelector(".cm-tooltip-lint")).isEmpty(),
                Duration.ofSeconds(5));
        assertEquals(hint.es(), hoveredHint("es"));
        screenshot("17-hint-spanish-1280x800-light");
    }

    @Test
    @Order(10)
    void aPerCpuCounterShowsItsSumAndEachCpu() {
        openPage(1280, 800);
        js("window.bpflab.editor.setSource(arguments[0])", COUNT_UNLINKS
                .replace("BPF_MAP_TYPE_HASH", "BPF_MAP_TYPE_PERCPU_HASH"));
        driver.findElement(By.id("run")).click();
        waitForPhase("attached");
        driver.findElement(By.cssSelector("#workload-buttons button[data-workload='unlink-file']")).click();
        driver.findElement(By.id("tab-maps")).click();
        // A new snapshot replaces the card, so each look at it finds it afresh (waitFor retries a stale element).
        String map = ".map-card[data-map='unlinks_per_pid'] ";
        String note = waitFor("the per-CPU map as a bar chart of sums", () -> driver.findElements(By.cssSelector(map + ".bars .bar"))
                .isEmpty() ? null : driver.findElement(By.cssSelector(map + ".per-cpu-note")).getText(), Duration.ofSeconds(30));
        assertTrue(note.startsWith("per CPU ("), note);
        List<String> cpus = waitFor("each CPU's value in the table", () -> {
            WebElement toggle = driver.findElement(By.cssSelector(map + "header button:last-child"));
            if ("Table".equals(toggle.getText())) {
                toggle.click(); // the card remembers the choice across snapshots
            }
            List<String> cells = driver.findElements(By.cssSelector(map + "tbody tr:first-child td.per-cpu .cpu")).stream()
                    .map(WebElement::getText).toList();
            return cells.isEmpty() ? null : cells;
        }, Duration.ofSeconds(10));
        assertTrue(cpus.get(0).startsWith("cpu0"), "CPU 0 first: " + cpus);
        assertEquals("sum", waitFor("the table's heading", () -> driver.findElement(By.cssSelector(map + "thead th:nth-child(2)"))
                .getText(), Duration.ofSeconds(5)), "the value column is the sum over the CPUs");
        screenshot("18-per-cpu-map-1280x800-light");
        driver.findElement(By.id("stop")).click();
        waitForPhase("stopped");
    }

    /**
     * Counts system calls of the agent (which calls itself bpflab-agent) and of cat, by process and command, and by
     * who made them in a map keyed by an enum.
     */
    static final String COUNT_LAB_AND_CAT = """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>
            #include <bpf/bpf_core_read.h>

            char LICENSE[] SEC("license") = "GPL";

            struct proc { u32 pid; char comm[16]; };
            enum who { WHO_AGENT = 1, WHO_CAT = 2 };

            struct {
                __uint(type, BPF_MAP_TYPE_HASH);
                __uint(max_entries, 256);
                __type(key, struct proc);
                __type(value, u64);
            } calls SEC(".maps");

            struct {
                __uint(type, BPF_MAP_TYPE_HASH);
                __uint(max_entries, 4);
                __type(key, enum who);
                __type(value, u64);
            } by_who SEC(".maps");

            static __always_inline bool named(const char *comm, const char *name, int len)
            {
                for (int i = 0; i <= len; i++)
                    if (comm[i] != name[i])
                        return false;
                return true;
            }

            static __always_inline void add(void *map, void *key)
            {
                u64 one = 1, *n = bpf_map_lookup_elem(map, key);
                if (n)
                    __sync_fetch_and_add(n, 1);
                else
                    bpf_map_update_elem(map, key, &one, BPF_NOEXIST);
            }

            SEC("tracepoint/raw_syscalls/sys_enter")
            int count(void *ctx)
            {
                struct task_struct *task = (struct task_struct *)bpf_get_current_task();
                struct proc key = {};
                enum who who;

                BPF_CORE_READ_STR_INTO(&key.comm, task, group_leader, comm);
                if (named(key.comm, "cat", 3))
                    who = WHO_CAT;
                else if (named(key.comm, "bpflab-agent", 12))
                    who = WHO_AGENT;
                else
                    return 0;
                key.pid = bpf_get_current_pid_tgid() >> 32;
                add(&calls, &key);
                add(&by_who, &who);
                return 0;
            }
            """;

    @Test
    @Order(11)
    void theLabsOwnProcessesAreLeftOutOfTheChartUntilShownAndEnumKeysShowTheirNames() {
        openPage(1280, 800);
        js("window.bpflab.editor.setSource(arguments[0])", COUNT_LAB_AND_CAT);
        driver.findElement(By.id("run")).click();
        waitForPhase("attached");
        driver.findElement(By.cssSelector("#workload-buttons button[data-workload='read-file']")).click();
        driver.findElement(By.id("tab-maps")).click();
        String calls = ".map-card[data-map='calls'] ";
        // The agent reads the maps every second, so it is in "calls" from the first snapshot on: hidden, and counted.
        List<String> bars = waitFor("cat's bar, with the agent's entry hidden", () -> {
            List<String> labels = barLabels(calls);
            return labels.stream().anyMatch(l -> l.contains("comm=cat"))
                    && !driver.findElements(By.cssSelector(calls + "header .lab-toggle")).isEmpty() ? labels : null;
        }, Duration.ofSeconds(30));
        assertTrue(bars.stream().noneMatch(l -> l.contains("bpflab-agent")), "the agent's own entry is hidden: " + bars);
        assertTrue(String.valueOf(js("return document.querySelector(arguments[0])?.innerText", calls + ".lab-note"))
                .contains("bpflab\u2019s own processes hidden"));
        screenshot("19-lab-hidden-1280x800-light");

        String label = waitFor("the toggle's label", () -> (String) js("return document.querySelector(arguments[0])?.innerText",
                calls + "header .lab-toggle"), Duration.ofSeconds(5));
        assertTrue(label.startsWith("Show bpflab\u2019s own ("), label);
        setLabShown(calls, true);
        List<String> withLab = waitFor("the agent's bar once shown", () -> {
            List<String> labels = barLabels(calls);
            return labels.stream().anyMatch(l -> l.contains("comm=bpflab-agent")) ? labels : null;
        }, Duration.ofSeconds(10));
        assertTrue(withLab.stream().anyMatch(l -> l.contains("comm=cat")), "cat stays: " + withLab);
        screenshot("19-lab-shown-1280x800-light");
        setLabShown(calls, false);
        waitFor("the agent's bar hidden again", () -> barLabels(calls).stream().noneMatch(l -> l.contains("bpflab-agent")),
                Duration.ofSeconds(10));

        List<String> who = waitFor("the enum-keyed map's bars", () -> {
            List<String> labels = barLabels(".map-card[data-map='by_who'] ");
            return labels.contains("WHO_CAT (2)") ? labels : null;
        }, Duration.ofSeconds(10));
        assertTrue(who.contains("WHO_AGENT (1)"), "each key is its enumerator's name and number, in number order: " + who);
        assertEquals(List.of("WHO_AGENT (1)", "WHO_CAT (2)"), who);
        driver.findElement(By.id("stop")).click();
        waitForPhase("stopped");
    }

    /**
     * Presses a map card's "bpflab's own" toggle until it says {@code shown}. Each snapshot (every second here) replaces
     * the card, so the toggle is found afresh on each try.
     */
    void setLabShown(String card, boolean shown) {
        waitFor("the lab's own entries " + (shown ? "shown" : "hidden"), () -> {
            WebElement toggle = driver.findElement(By.cssSelector(card + "header .lab-toggle"));
            if (!String.valueOf(shown).equals(toggle.getAttribute("aria-pressed"))) {
                toggle.click();
            }
            return String.valueOf(shown).equals(driver.findElement(By.cssSelector(card + "header .lab-toggle"))
                    .getAttribute("aria-pressed"));
        }, Duration.ofSeconds(10));
    }

    /**
     * The labels of a map card's bars, top to bottom; empty while it has none. Read in one script: the Maps tab
     * redraws every snapshot (each second), so bars found by one call can be gone by the next, and a found-then-read
     * loop can keep meeting stale elements.
     */
    @SuppressWarnings("unchecked")
    List<String> barLabels(String card) {
        return (List<String>) js("return [...document.querySelectorAll(arguments[0])].map(e => e.innerText)",
                card + ".bars .key");
    }

    /** The hint under the first item of the diagnostics list, when it is in {@code lang}; else null. */
    String listedHint(String lang) {
        List<WebElement> hints = driver.findElements(By.cssSelector("#diag-list .diag .hint"));
        return hints.isEmpty() || !lang.equals(hints.get(0).getAttribute("lang")) ? null : hints.get(0).getAttribute("textContent");
    }

    /** Hovers the first underlined error in the editor and returns the hint its tooltip shows, in {@code lang}. */
    String hoveredHint(String lang) {
        new Actions(driver).moveToElement(driver.findElement(By.cssSelector(".cm-lintRange-error"))).perform();
        return waitFor("the hover's hint in " + lang, () -> driver.findElements(
                By.cssSelector(".cm-tooltip-lint .bpflab-hint[lang='" + lang + "']")).stream()
                .map(e -> e.getAttribute("textContent")).filter(t -> !t.isBlank()).findFirst().orElse(null), Duration.ofSeconds(10));
    }

    @Test
    @Order(12)
    void theContainersLessonTellsThePodsApartOnlyOnceTheProgramReadsTheirHostnameAndCgroup() {
        openPage(1280, 800);
        Map<String, Object> lesson = openLesson("09-containers");
        waitFor("the lesson's start code in the editor", () -> lesson.get("start").equals(source()), Duration.ofSeconds(20));
        driver.findElement(By.cssSelector("#lesson-steps li[data-step='1'] button")).click();
        waitFor("the Check button", () -> driver.findElement(By.id("lesson-check")).isDisplayed(), Duration.ofSeconds(5));

        // The start code sees both pods' files go, but not which pod removed them.
        clickInLessonPane("lesson-check");
        String failed = checkResult("false");
        assertTrue(failed.contains("hostname") && failed.contains("cgroup_id"), "says what the events lack: " + failed);

        clickInLessonPane("lesson-load-solution");
        clickInLessonPane("lesson-confirm-yes");
        waitFor("the solution in the editor", () -> lesson.get("solution").equals(source()), Duration.ofSeconds(10));
        clickInLessonPane("lesson-check");
        checkResult("true");
        // The events table names each pod, as the kernel does.
        driver.findElement(By.id("tab-events")).click();
        String table = driver.findElement(By.id("events-table")).getText();
        assertTrue(table.contains("pod-alpha") && table.contains("pod-beta"), table);
        screenshot("16-lesson-containers-passed-1280x800-light");
    }

    /** Opens the lesson pane and picks lesson {@code id} from its list; returns the lesson as GET /api/lessons/{id} has it. */
    Map<String, Object> openLesson(String id) {
        @SuppressWarnings("unchecked")
        Map<String, Object> lesson = (Map<String, Object>) driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/lessons/' + arguments[0]).then(r => r.json()).then(done)""", id);
        driver.findElement(By.id("lesson-toggle")).click();
        waitFor("the lesson list", () -> driver.findElements(By.cssSelector("#lesson-select option")).size() >= 8,
                Duration.ofSeconds(20));
        new Select(driver.findElement(By.id("lesson-select"))).selectByValue(id);
        return lesson;
    }

    /** Clicks a control of the lesson pane, scrolled to the middle: its top rows (lesson, language) stay in view. */
    void clickInLessonPane(String id) {
        WebElement element = driver.findElement(By.id(id));
        js("arguments[0].scrollIntoView({block: 'center'})", element);
        element.click();
    }

    /** Waits for the lesson check's verdict to be {@code passed} ("true" or "false"); returns the result's text. */
    String checkResult(String passed) {
        WebElement result = driver.findElement(By.id("lesson-check-result"));
        try {
            waitFor("the check's verdict " + passed, () -> passed.equals(result.getAttribute("data-passed")),
                    Duration.ofSeconds(150));
        } catch (AssertionError e) {
            throw new AssertionError("the check did not end with passed=" + passed + ": " + result.getText(), e);
        }
        return result.getText();
    }

    // ---------- helpers ----------

    void openPage(int width, int height) {
        page.open(width, height);
    }

    void resize(int width, int height) {
        page.resize(width, height);
    }

    void setTheme(String theme) {
        for (int i = 0; i < 3 && !theme.equals(js("return document.documentElement.dataset.theme || 'auto'")); i++) {
            driver.findElement(By.id("theme-toggle")).click();
        }
        assertEquals(theme, js("return document.documentElement.dataset.theme || 'auto'"));
    }

    int eventRows() {
        return driver.findElements(By.cssSelector("#events-table tbody tr")).size();
    }

    int eventTotal() {
        String count = driver.findElement(By.id("events-count")).getText();
        return Integer.parseInt(count.replaceAll("^(\\d+).*$", "$1"));
    }

    String source() {
        return page.source();
    }

    Object js(String script, Object... args) {
        return page.js(script, args);
    }

    List<Long> errorMarkerLines() {
        return page.errorMarkerLines();
    }

    void waitForPhase(String phase) {
        page.waitForPhase(phase);
    }

    <T> T waitFor(String what, Supplier<T> condition, Duration timeout) {
        return page.waitFor(what, condition, timeout);
    }

    void screenshot(String name) {
        page.screenshot(name);
    }

    static String optionTexts(Select select) {
        return select.getOptions().stream().map(o -> o.getAttribute("value") + "=" + o.getText()).toList().toString();
    }

    static int lineOf(String text, String needle) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(needle)) {
                return i + 1;
            }
        }
        throw new AssertionError("'" + needle + "' not in:\n" + text);
    }

    /** The last absolute path in a workload's detail, e.g. "rm -f /tmp/bpflab-1/workload/victim" → the file. */
    static String lastPath(String detail) {
        Matcher m = Pattern.compile("(/[^\\s'\"]+)").matcher(detail);
        String path = null;
        while (m.find()) {
            path = m.group(1);
        }
        if (path == null) {
            throw new AssertionError("no path in the workload's answer: " + detail);
        }
        return path;
    }
}
