package dev.bpflab.rooms;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Writes changed rooms to their {@link RoomStore}, batched: a change marks the room, and one task
 * {@code delayMillis} later writes every marked room once, however many changes a burst held. A room that is no
 * longer open when its turn comes (deleted meanwhile) is not written back.
 */
final class RoomSaver {
    private static final Logger LOG = Logger.getLogger(RoomSaver.class);

    private final RoomStore store;
    private final ScheduledExecutorService executor;
    private final long delayMillis;
    private final Function<String, Room> openRooms;
    private final Set<String> unsaved = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean saveScheduled = new AtomicBoolean();
    /** Orders writes and deletes of room files. Taken before a room's monitor, never inside one. */
    private final Object diskLock = new Object();

    /** {@code openRooms} finds an open room by id (null once deleted); {@code executor} runs the delayed writes. */
    RoomSaver(RoomStore store, ScheduledExecutorService executor, long delayMillis, Function<String, Room> openRooms) {
        this.store = store;
        this.executor = executor;
        this.delayMillis = delayMillis;
        this.openRooms = openRooms;
    }

    /** Marks the room for saving; the write happens {@code delayMillis} later, once for a burst of changes. */
    void changed(Room room) {
        unsaved.add(room.id);
        if (saveScheduled.compareAndSet(false, true)) {
            try {
                executor.schedule(this::saveUnsaved, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                saveScheduled.set(false); // shutting down: close() flushes
            }
        }
    }

    /** Removes the room's file now; a change marked before is dropped. Failures are logged. */
    void deleted(Room room) {
        synchronized (diskLock) {
            unsaved.remove(room.id);
            try {
                store.delete(room.id);
            } catch (IOException e) {
                LOG.errorf("could not delete room file of %s: %s", room.id, e.getMessage());
            }
        }
    }

    /** Writes every room changed since the last write, now. A room that cannot be written stays marked. */
    void flush() {
        synchronized (diskLock) {
            for (String id : List.copyOf(unsaved)) {
                unsaved.remove(id);
                Room room = openRooms.apply(id);
                if (room == null) {
                    continue; // deleted
                }
                try {
                    byte[] bytes;
                    synchronized (room) {
                        bytes = store.serialize(room);
                    }
                    store.write(id, bytes);
                } catch (IOException e) {
                    LOG.errorf("could not save room %s under %s: %s", id, store.directory(), e.getMessage());
                    unsaved.add(id);
                }
            }
        }
    }

    private void saveUnsaved() {
        saveScheduled.set(false);
        flush();
    }
}
