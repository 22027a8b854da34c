package dev.bpflab.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.PreparationStage;
import dev.bpflab.protocol.Preparing;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A preparation's stages and times as a waiting run, the page and the log hear of them, on a clock the test moves. */
class PreparationTest {
    private Instant now = Instant.parse("2026-01-01T10:00:00Z");
    private final InstantSource clock = () -> now;

    private void after(int seconds) {
        now = now.plus(Duration.ofSeconds(seconds));
    }

    @Test
    void stagesGoForwardWithTheirTimesAndFollowersHearEachOnceInOrder() {
        Preparation preparation = new Preparation(clock, PreparationStage.IMAGE_CHECK);
        List<String> heard = new ArrayList<>();
        preparation.follow(s -> heard.add(s.state() + " " + (s.stage() == null ? "-" : s.stage().wire())));
        after(2);
        preparation.enter(PreparationStage.IMAGE_PACKAGES);
        after(70);
        Preparing told = preparation.preparing().orElseThrow();
        assertEquals(PreparationStage.IMAGE_PACKAGES, told.stage());
        assertEquals(70, told.stageSeconds());
        assertEquals(72, told.seconds());
        preparation.enter(PreparationStage.IMAGE_KERNEL); // a progress line read twice, or late: not a step back
        preparation.enter(PreparationStage.IMAGE_PACKAGES);
        after(5);
        preparation.enter(PreparationStage.SAVED_VM);
        after(100);
        assertEquals("image-check 2 s, image-packages 75 s, saved-vm 100 s", preparation.timeline());
        preparation.ready();
        preparation.enter(PreparationStage.SAVED_VM);
        assertEquals(List.of("PREPARING image-check", "PREPARING image-packages", "PREPARING saved-vm", "READY -"), heard);
        assertTrue(preparation.preparing().isEmpty(), "nothing to tell once ready");
    }

    @Test
    void aFailureSaysInWhichStageAndWhatToDoAndEndsThePreparation() {
        Preparation preparation = new Preparation(clock, PreparationStage.IMAGE_CHECK);
        preparation.enter(PreparationStage.ACCELERATOR);
        String problem = preparation.fail("the probe guest did not boot");
        assertTrue(problem.startsWith("The lab could not get ready while checking for KVM: the probe guest did not boot. "
                + "What to do: "), problem);
        assertEquals(Preparation.State.FAILED, preparation.status().state());
        assertEquals(problem, preparation.status().problem());
        preparation.ready();
        assertEquals(Preparation.State.FAILED, preparation.status().state(), "a failed preparation stays failed");
        List<Preparation.State> heard = new ArrayList<>();
        preparation.follow(s -> heard.add(s.state()));
        assertEquals(List.of(Preparation.State.FAILED), heard, "a late follower is told once");
    }
}
