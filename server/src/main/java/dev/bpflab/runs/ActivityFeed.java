package dev.bpflab.runs;

import dev.bpflab.protocol.ServerMessage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * What one connection's runs do, for whoever watches learners ({@link RunActivity}): each Run press, each control
 * message, the event count at most every {@link #EVENT_REPORT_MS} while events flow and once more when a run ends.
 */
final class ActivityFeed {
    private static final Logger LOG = Logger.getLogger(ActivityFeed.class);
    private static final long EVENT_REPORT_MS = 500;

    private final String id;
    private final String learner;
    private final Consumer<RunActivity> listener;
    private final AtomicLong eventCount = new AtomicLong();
    private volatile long lastEventReport;

    ActivityFeed(String id, String learner, Consumer<RunActivity> listener) {
        this.id = id;
        this.learner = learner;
        this.listener = listener;
    }

    void runPressed(String source) {
        eventCount.set(0);
        publish(RunActivity.run(id, learner, source));
    }

    void control(ServerMessage message) {
        publish(RunActivity.message(id, learner, message, eventCount.get()));
    }

    void event() {
        eventCount.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastEventReport >= EVENT_REPORT_MS) {
            lastEventReport = now;
            runEnded();
        }
    }

    /** The final event count of a run. */
    void runEnded() {
        publish(RunActivity.events(id, learner, eventCount.get()));
    }

    void closed() {
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
