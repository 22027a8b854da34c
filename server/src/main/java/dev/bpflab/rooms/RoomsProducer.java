package dev.bpflab.rooms;

import dev.bpflab.runs.RunActivity;
import dev.bpflab.support.threads.Daemons;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Makes {@link Rooms} (saved under {@code <bpflab.data-dir>/rooms/}) and {@link RoomViews} injectable, and feeds
 * {@link Rooms} every learner's run activity. Runs fire activity synchronously on their own threads;
 * {@link Rooms#onActivity} only updates memory.
 */
@ApplicationScoped
public class RoomsProducer {
    private final ScheduledExecutorService saver = Executors.newSingleThreadScheduledExecutor(Daemons.factory("rooms-save"));

    @Produces
    @Singleton
    Rooms rooms(@ConfigProperty(name = "bpflab.data-dir", defaultValue = "data") String dataDir,
            @ConfigProperty(name = "bpflab.rooms.max-rooms", defaultValue = "200") int maxRooms,
            @ConfigProperty(name = "bpflab.rooms.max-students", defaultValue = "300") int maxStudents,
            @ConfigProperty(name = "bpflab.rooms.save-delay-millis", defaultValue = "1000") long saveDelayMillis,
            @ConfigProperty(name = "bpflab.rooms.expire-after-idle", defaultValue = "12h") Duration expireAfterIdle,
            @ConfigProperty(name = "bpflab.limits.rooms-per-address", defaultValue = "20") int roomsPerAddress) {
        long expireMillis = expireAfterIdle.toMillis();
        Rooms rooms = new Rooms(new RoomStore(Path.of(dataDir).resolve("rooms")),
                new Rooms.Settings(maxRooms, maxStudents, saveDelayMillis, expireMillis, roomsPerAddress), saver,
                System::currentTimeMillis);
        // Looked for a twelfth of the idle time apart (a 12 h room goes within 13 h), from once a minute to hourly.
        long every = Math.max(60_000, Math.min(3_600_000, expireMillis / 12));
        saver.scheduleWithFixedDelay(rooms::expireIdle, every, every, TimeUnit.MILLISECONDS);
        return rooms;
    }

    @Produces
    @Singleton
    RoomViews views() {
        return new RoomViews(System::currentTimeMillis);
    }

    void close(@Disposes Rooms rooms) throws InterruptedException {
        saver.shutdown();
        saver.awaitTermination(5, TimeUnit.SECONDS);
        rooms.close(); // whatever changed within the last save delay
    }

    void onRunActivity(@Observes RunActivity activity, Rooms rooms) {
        rooms.onActivity(activity);
    }
}
