package dev.bpflab.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * A global cap on live sandboxes, shared by every backend so the cap means the same everywhere. When runs wait, the
 * next free place goes to the waiting run whose client holds the fewest places now; among equals, to the one that
 * asked first. A client with nothing live therefore always goes before one that already holds runs, and one client
 * asking for many runs cannot keep a class waiting behind them.
 *
 * <p>Waiters are told their 1-based place as it changes, and 0 when they are admitted. A place is where the run
 * stands if places free one at a time and nobody else comes or goes: it can move back when a run of a client holding
 * less arrives, or when a run of another client ends and that client's waiting run now holds less than this one's.
 */
public final class AdmissionQueue {
    private final int capacity;
    // All guarded by this:
    private final List<Ticket> waiting = new ArrayList<>(); // in the order they asked
    private final Map<Object, Integer> held = new HashMap<>(); // places held, by client; clients holding none left out
    private int live;
    private long asked;

    /** A waiting run: its client, when it asked, and what it was last computed to be. */
    private static final class Ticket {
        final Object owner;
        final long order;
        int turn; // places its client holds, plus its client's runs waiting ahead of it
        int place;
        boolean admitted;

        Ticket(Object owner, long order) {
            this.owner = owner;
            this.order = order;
        }
    }

    /** A place taken by {@link #acquire}: {@link #release} gives it back (once; later calls do nothing). */
    public final class Slot {
        private final Object owner;
        private boolean released; // guarded by the queue

        private Slot(Object owner) {
            this.owner = owner;
        }

        public void release() {
            synchronized (AdmissionQueue.this) {
                if (!released) {
                    released = true;
                    giveBack(owner);
                }
            }
        }
    }

    public AdmissionQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Blocks until a place is free and it is this run's turn, then holds the place for {@code owner} until the
     * returned slot is released.
     *
     * @param owner    who the run is for: equal owners ({@link Object#equals}) are one client, whose places are counted
     *                 together; null for a client of its own that holds nothing
     * @param position told the run's 1-based place while it waits, as it changes, and 0 when it is admitted
     * @throws InterruptedException interrupted while waiting: the run left the queue and holds nothing
     */
    public Slot acquire(Object owner, IntConsumer position) throws InterruptedException {
        Ticket ticket;
        int lastTold = -1;
        synchronized (this) {
            ticket = new Ticket(owner == null ? new Object() : owner, asked++);
            waiting.add(ticket);
            reorder();
            try {
                while (!ticket.admitted) {
                    if (ticket.place != lastTold) {
                        lastTold = ticket.place;
                        position.accept(lastTold);
                    }
                    wait();
                }
            } catch (InterruptedException e) {
                if (ticket.admitted) {
                    giveBack(ticket.owner); // admitted just as it was interrupted: the place goes to the next
                } else {
                    waiting.remove(ticket);
                    reorder();
                }
                throw e;
            }
        }
        position.accept(0);
        return new Slot(ticket.owner);
    }

    /** For a caller that is a client of its own: {@code acquire(null, position)}. */
    public Slot acquire(IntConsumer position) throws InterruptedException {
        return acquire(null, position);
    }

    private void giveBack(Object owner) {
        live--;
        held.computeIfPresent(owner, (o, n) -> n == 1 ? null : n - 1);
        reorder();
    }

    /**
     * Puts the waiting runs in turn order, admits as many as there are free places, and notes the others' places.
     * Handing places out one at a time, each to the client holding fewest (first asked among equals), gives a
     * client's k-th waiting run (k from 0) the turn key (places it holds + k, when it asked); sorting by that key is
     * the same order, computed at once.
     */
    private void reorder() {
        Map<Object, Integer> ahead = new HashMap<>();
        for (Ticket t : waiting) {
            t.turn = held.getOrDefault(t.owner, 0) + ahead.merge(t.owner, 1, Integer::sum) - 1;
        }
        waiting.sort(Comparator.<Ticket>comparingInt(t -> t.turn).thenComparingLong(t -> t.order));
        int admit = Math.max(0, Math.min(capacity - live, waiting.size()));
        for (int i = 0; i < waiting.size(); i++) {
            Ticket t = waiting.get(i);
            if (i < admit) {
                t.admitted = true;
                live++;
                held.merge(t.owner, 1, Integer::sum);
            } else {
                t.place = i - admit + 1;
            }
        }
        if (admit > 0) {
            waiting.subList(0, admit).clear();
        }
        // After an admission the order of the rest stays as it was (an admitted run's client holds one more and has
        // one fewer waiting), so the places computed above hold.
        waiting.sort(Comparator.comparingLong(t -> t.order)); // back to the order they asked, for the next round
        notifyAll();
    }

    public synchronized int live() {
        return live;
    }

    public synchronized int waiting() {
        return waiting.size();
    }

    public int capacity() {
        return capacity;
    }
}
