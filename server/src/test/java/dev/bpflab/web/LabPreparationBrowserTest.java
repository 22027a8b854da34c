package dev.bpflab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.PreparationStage;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.testing.BrowserTest;
import dev.bpflab.testing.PreparingBackend;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * A first start, as the page shows it: while the lab prepares (here a backend whose stages the test moves; the qemu
 * backend's come from its image build and boot) the phase box says what the lab is doing, which step of how many and
 * for how long, instead of "Ready"; a Run pressed meanwhile says the same while it waits, and runs once the lab is
 * ready. A failed preparation says so, and what to do. Screenshots go to target/screenshots/preparing-*.png.
 */
@QuarkusTest
@BrowserTest
class LabPreparationBrowserTest extends LabPageTestBase {
    /** "Preparing the lab (step 1 of 4, 1 min 10 s): what": the step, the stage's time and what, as the page says them. */
    static final Pattern SAID = Pattern.compile("Preparing the lab \\(step (\\d) of 4, ((?:\\d+ min ?)?(?:\\d+ s)?)\\): (.+)");

    @Inject
    SandboxBackend backend;

    PreparingBackend preparing;

    @BeforeEach
    void aLabThatPrepares() {
        preparing = new PreparingBackend(ClientProxy.unwrap(backend), PreparationStage.IMAGE_CHECK);
        QuarkusMock.installMockForType(preparing, SandboxBackend.class);
    }

    @Test
    void thePageAndAQueuedRunSayWhatTheLabPreparesAndHowFarItIs() {
        preparing.enter(PreparationStage.IMAGE_PACKAGES);
        page.open(1280, 800);
        String said = page.waitFor("the page saying the image is being built",
                () -> says(1, "building the guest image: Debian packages") ? phaseText() : null, SHORT);
        page.screenshot("preparing-1-page");
        String later = page.waitFor("the stage's time going on", () -> !phaseText().equals(said) ? phaseText() : null, SHORT);
        Matcher first = SAID.matcher(said);
        Matcher next = SAID.matcher(later);
        assertTrue(first.matches() && next.matches(), said + " / " + later);
        assertNotEquals(first.group(2), next.group(2), "the time counts on between the server's words");

        driver.findElement(By.id("run")).click();
        page.waitFor("the queued run saying the same", () -> "queued".equals(phaseAttr())
                && says(1, "building the guest image: Debian packages"), SHORT);
        preparing.enter(PreparationStage.SAVED_VM);
        page.waitFor("the queued run told of the next stage", () -> says(4, "booting the VM runs start from"), SHORT);
        page.screenshot("preparing-2-queued-run");
        assertEquals("", driver.findElement(By.id("sandbox-load")).getText(), "no sandbox counts while none exists yet");

        preparing.ready();
        page.waitForPhase("attached");
        driver.findElement(By.id("stop")).click();
        page.waitForPhase("stopped");
        page.screenshot("preparing-3-ready");
    }

    @Test
    void aFailedPreparationSaysSoAndWhatToDo() {
        preparing.enter(PreparationStage.ACCELERATOR);
        preparing.fail("the probe guest did not boot");
        page.open(1280, 800);
        page.waitFor("the phase box saying the lab is not ready",
                () -> phaseText().equals("The lab could not get ready"), SHORT);
        String banner = page.waitFor("the reason", () -> page.shown("banner") ? page.text("banner-text") : null, SHORT);
        assertTrue(banner.contains("while checking for KVM: the probe guest did not boot"), banner);
        assertTrue(banner.contains("What to do:"), banner);
        page.screenshot("preparing-4-failed");

        driver.findElement(By.id("run")).click();
        page.waitForPhase("failed");
        assertTrue(page.text("banner-text").contains("the probe guest did not boot"), page.text("banner-text"));
    }

    /** Whether the phase box says the lab prepares, at {@code step} of 4, doing {@code what}. */
    boolean says(int step, String what) {
        Matcher m = SAID.matcher(phaseText());
        return m.matches() && m.group(1).equals(String.valueOf(step)) && m.group(3).equals(what);
    }

    String phaseText() {
        return page.text("phase-text");
    }

    String phaseAttr() {
        return driver.findElement(By.id("phase")).getAttribute("data-phase");
    }
}
