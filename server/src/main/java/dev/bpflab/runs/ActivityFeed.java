package dev.bpflab.runs;

import dev.bpflab.protocol.ServerMessage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * What one connection's runs do, for whoever watches learners ({@link RunActivity}): each Run press, each control
 * message, and the event count: at most every {@link #EVENT_REPORT_MS} while events flow, always once more at most
 * {@link #EVENT_REPORT_MS} after the last event (so a watcher's count converges on what the learner saw even when the
 * program stays attached and events stop), and once more when a run ends.
 */
final class ActivityFeed {
    private static final Logger LOG = Logger.getLogger(ActivityFeed.class);
    private static final long EVENT_REPORT_MS = 500;
    /** Numbers connections in the order they opened ({@link RunActivity#connection}). */
    private static final AtomicLong CONNECTIONS = new AtomicLong();

    private final long id = CONNECTIONS.incrementAndGet();
    private final String learner;
    private final Consumer<RunActivity> listener;
    private final ScheduledExecutorService timers;
    private final AtomicLong eventCount = new AtomicLong();
    /** A trailing report is scheduled and has not read the count yet. */
    private final AtomicBoolean trailing = new AtomicBoolean();
    private volatile long lastEventReport;
    private volatile Future<?> trailingReport;

    /**
     * Made when the connection opens, which gives it its number.
     *
     * @param timers runs the trailing count report after a burst of events
     */
    ActivityFeed(String learner, Consumer<RunActivity> listener, ScheduledExecutorService timers) {
        this.learner = learner;
        this.listener = listener;
        this.timers = timers;
    }

    /** Run was pressed for {@code source} on {@code kernel} (an id of the backend's kernels). */
    void runPressed(String source, String kernel) {
        eventCount.set(0);
        publish(RunActivity.run(id, learner, source, kernel));
    }

    void control(ServerMessage message) {
        publish(RunActivity.message(id, learner, message, eventCount.get()));
    }

    void event() {
        eventCount.incrementAndGet();
        long now = System.currentTimeMillis();
        long since = now - lastEventReport;
        if (since >= EVENT_REPORT_MS) {
            lastEventReport = now;
            runEnded();
        } else if (trailing.compareAndSet(false, true)) {
            // The flag is cleared before the count is read: an event counted after that read finds it clear and
            // schedules (or sends) a report of its own, so the last count always goes out.
            try {
                trailingReport = timers.schedule(() -> {
                    trailing.set(false);
                    lastEventReport = System.currentTimeMillis();
                    runEnded();
                }, EVENT_REPORT_MS - since, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                trailing.set(false); // shutting down: the run's end reports the count
            }
        }
    }

    /** The event count now (the final one of a run, when it ends). */
    void runEnded() {
        publish(RunActivity.events(id, learner, eventCount.get()));
    }

    void closed() {
        Future<?> pending = trailingReport;
        if (pending != null) {
            pending.cancel(false);
        }
        publish(RunActivity.closed(id, learner));
    }

    private void publish(RunActivity what) {
        try {
            listener.accept(what);
        } catch (RuntimeException e) {
            LOG.debugf(e, "a run activity listener failed");
        }
    }
}
