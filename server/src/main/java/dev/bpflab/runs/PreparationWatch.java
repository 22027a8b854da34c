package dev.bpflab.runs;

import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.Preparation;
import java.util.function.Consumer;

/**
 * Says a new run's first phase. Normally that is {@code compiling}. While the lab itself still prepares (a fresh qemu
 * host builds its guest image and boots the VM runs are restored from: minutes) the program cannot even be compiled,
 * as the guest kernel's headers are part of that; the run then says {@code queued} with {@code preparing} (the stage,
 * step k of n, for how long), again at each new stage, and {@code compiling} once the lab is ready. When preparing
 * failed, it says nothing: the run's wait for the guest kernel fails with the preparation's problem, which the run
 * gets as its {@code error} before {@code failed}.
 */
final class PreparationWatch implements Consumer<Preparation.Status> {
    private final Preparation preparation;
    private final RunAttempt attempt;
    private final RunSession session;

    private PreparationWatch(Preparation preparation, RunAttempt attempt, RunSession session) {
        this.preparation = preparation;
        this.attempt = attempt;
        this.session = session;
    }

    /** Sends {@code attempt}'s first phase now, and follows the preparation for it while the lab prepares. */
    static void start(Preparation preparation, RunAttempt attempt, RunSession session) {
        preparation.follow(new PreparationWatch(preparation, attempt, session));
    }

    /** Called on the thread that changed the preparation (see {@link Preparation}); sends, never blocks. */
    @Override
    public void accept(Preparation.Status status) {
        if (attempt.finished) {
            preparation.unfollow(this); // stopped or replaced while it waited
            return;
        }
        switch (status.state()) {
            case PREPARING -> preparation.preparing().ifPresent(p -> session.control(ServerMessage.Phase.preparing(p)));
            case READY -> session.sendPhase(RunPhase.COMPILING);
            case FAILED -> {
                // the run's error says it (see the class comment)
            }
        }
    }
}
