package dev.bpflab.sandbox;

import dev.bpflab.support.threads.Daemons;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 *
 * <p>Places are not kept beyond a fair share while others wait for one. When every place is taken and runs wait whose
 * clients hold less than a fair share ({@code capacity} divided by the clients holding or waiting, at least one), the
 * places of clients holding more than that share are reclaimed for them: the oldest place of the client furthest over
 * its share first, once it has been held for the grace period. A reclaimed place's holder is told why
 * ({@link Slot#served}); its run ends and the place goes to the next waiting run as usual. Without this, a client
 * that fills an idle lab with half-hour runs before a class arrives keeps the class waiting for half an hour. A run
 * whose place was given but whose sandbox is not there 2 s later ({@link Slot#served} not called: its VM is still being
 * restored) waits too: under TCG every live VM costs CPU, idle or not, and the restore it waits for competes with them.
 */
public final class AdmissionQueue {
    /** How long a place over its client's fair share is kept while others wait, unless a test sets another. */
    public static final Duration OVER_SHARE_GRACE = Duration.ofSeconds(30);
    /** A run admitted this long ago without its sandbox is waiting for one (a restore), not just being handed one. */
    private static final long UNSERVED_AFTER_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Runs reclaim callbacks (they end runs: processes, VMs) and the later looks for places to reclaim. */
    private static final ScheduledExecutorService RECLAIMS =
            Executors.newSingleThreadScheduledExecutor(Daemons.factory("admission-reclaim"));

    private final int capacity;
    // All guarded by this:
    private long graceNanos;
    private final List<Ticket> waiting = new ArrayList<>(); // in the order they asked
    private final Map<Object, Integer> held = new HashMap<>(); // places held, by client; clients holding none left out
    private final List<Slot> holding = new ArrayList<>(); // the places taken (live runs), in the order they were taken
    private long asked;
    private long lookAgainAt = Long.MAX_VALUE; // System.nanoTime() of the next scheduled look for places to reclaim

    /** A waiting run: its client, when it asked, and what it was last computed to be. */
    private static final class Ticket {
        final Object owner;
        final long order;
        int turn; // places its client holds, plus its client's runs waiting ahead of it
        int place;
        Slot slot; // set when admitted

        Ticket(Object owner, long order) {
            this.owner = owner;
            this.order = order;
        }
    }

    /** A place taken by {@link #acquire}: {@link #release} gives it back (once; later calls do nothing). */
    public final class Slot {
        private final Object owner;
        private final long takenAt = System.nanoTime();
        // Guarded by the queue:
        private boolean released;
        private boolean reclaiming;
        private boolean served;
        private boolean compensated; // unserved, and a place over someone's share was reclaimed for it already
        private boolean forUnserved; // reclaimed for an unserved run (not for one in the waiting list)
        private Consumer<String> reclaim;

        private Slot(Object owner) {
            this.owner = owner;
        }

        public void release() {
            synchronized (AdmissionQueue.this) {
                if (!released) {
                    released = true;
                    giveBack(this);
                }
            }
        }

        /**
         * The run has its sandbox now (until then it counts as waiting for one, see the class comment), and
         * {@code reclaim} is what to do if this place is reclaimed for a client holding less: end the run that holds
         * it, telling its learner the reason given, then {@link #release}. {@code reclaim} is called at most once, on
         * another thread; a place served without one (null) is never reclaimed.
         */
        public void served(Consumer<String> reclaim) {
            synchronized (AdmissionQueue.this) {
                served = true;
                this.reclaim = reclaim;
                reorder(); // it may be over its share already
            }
        }
    }

    /** A queue of {@code capacity} places; places over a fair share are reclaimed after {@link #OVER_SHARE_GRACE}. */
    public AdmissionQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.graceNanos = OVER_SHARE_GRACE.toNanos();
    }

    /**
     * How long a place over its client's fair share is kept while others wait for one
     * ({@code bpflab.sandbox.over-share-grace}); set once, before runs arrive.
     *
     * @throws IllegalArgumentException a negative duration
     */
    public synchronized void overShareGrace(Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("bpflab.sandbox.over-share-grace cannot be negative, was " + grace);
        }
        graceNanos = grace.toNanos();
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
                while (ticket.slot == null) {
                    if (ticket.place != lastTold) {
                        lastTold = ticket.place;
                        position.accept(lastTold);
                    }
                    wait();
                }
            } catch (InterruptedException e) {
                if (ticket.slot != null) {
                    ticket.slot.release(); // admitted just as it was interrupted: the place goes to the next
                } else {
                    waiting.remove(ticket);
                    reorder();
                }
                throw e;
            }
        }
        position.accept(0);
        return ticket.slot;
    }

    /** For a caller that is a client of its own: {@code acquire(null, position)}. */
    public Slot acquire(IntConsumer position) throws InterruptedException {
        return acquire(null, position);
    }

    private void giveBack(Slot slot) {
        holding.remove(slot);
        held.computeIfPresent(slot.owner, (o, n) -> n == 1 ? null : n - 1);
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
        int admit = Math.max(0, Math.min(capacity - holding.size(), waiting.size()));
        for (int i = 0; i < waiting.size(); i++) {
            Ticket t = waiting.get(i);
            if (i < admit) {
                t.slot = new Slot(t.owner);
                holding.add(t.slot);
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
        reclaimOverShare();
        notifyAll();
    }

    /**
     * While runs wait whose clients hold less than a fair share, reclaims as many places from clients over their
     * share (the client furthest over first, its oldest place first) as have been held past the grace; if the only
     * candidates are younger, looks again when the first of them comes of age. Called with the lock held (from
     * {@link #reorder}, after admitting): the actions run on another thread.
     */
    private void reclaimOverShare() {
        Set<Object> clients = new HashSet<>(held.keySet());
        waiting.forEach(t -> clients.add(t.owner));
        if (clients.isEmpty()) {
            return;
        }
        int share = Math.max(1, capacity / clients.size());
        // Runs whose place was given and whose sandbox is not there yet, each owed one reclaim (once) while its client
        // holds no more than a share.
        ArrayDeque<Slot> unserved = new ArrayDeque<>();
        Map<Object, Integer> keeping = new HashMap<>(); // places per client that are not being reclaimed already
        int freeing = 0; // places being reclaimed for runs in the waiting list: those runs take them when freed
        long now = System.nanoTime();
        long comesOfAge = Long.MAX_VALUE; // when a run now being handed its sandbox would count as waiting for one
        for (Slot s : holding) {
            if (!s.served && !s.compensated && held.getOrDefault(s.owner, 0) <= share) {
                if (now - s.takenAt >= UNSERVED_AFTER_NANOS) {
                    unserved.add(s);
                } else {
                    comesOfAge = Math.min(comesOfAge, s.takenAt + UNSERVED_AFTER_NANOS);
                }
            }
            if (s.reclaiming) {
                freeing += s.forUnserved ? 0 : 1;
            } else {
                keeping.merge(s.owner, 1, Integer::sum);
            }
        }
        // Each waiting run's turn counts its client's places and its client's runs waiting ahead of it.
        long owedWaiting = Math.max(0, waiting.stream().filter(t -> t.turn < share).count() - freeing);
        while (owedWaiting > 0 || !unserved.isEmpty()) {
            Slot oldest = null;
            int most = share;
            for (Slot s : holding) { // holding is in the order taken: the first found of a client is its oldest
                int count = keeping.getOrDefault(s.owner, 0);
                if (!s.reclaiming && s.served && s.reclaim != null && count > most) {
                    if (now - s.takenAt >= graceNanos) {
                        oldest = s;
                        most = count;
                    } else {
                        comesOfAge = Math.min(comesOfAge, s.takenAt + graceNanos);
                    }
                }
            }
            if (oldest == null) {
                break;
            }
            oldest.reclaiming = true;
            if (!unserved.isEmpty()) {
                unserved.poll().compensated = true;
                oldest.forUnserved = true;
            } else {
                owedWaiting--;
            }
            keeping.merge(oldest.owner, -1, Integer::sum);
            Consumer<String> action = oldest.reclaim;
            String why = reason(oldest, most, share, now);
            RECLAIMS.execute(() -> action.accept(why));
        }
        if (comesOfAge < lookAgainAt) { // a place or a run that comes of age later: look again then
            lookAgainAt = comesOfAge;
            RECLAIMS.schedule(this::lookAgain, Math.max(0, comesOfAge - now) + 1_000_000L, TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void lookAgain() {
        lookAgainAt = Long.MAX_VALUE;
        reorder();
    }

    private String reason(Slot slot, int heldByClient, int share, long now) {
        return "this run was ended after " + TimeUnit.NANOSECONDS.toSeconds(now - slot.takenAt) + " s to give its "
                + "sandbox to someone waiting: you held " + heldByClient + " of the lab's " + capacity + " sandboxes "
                + "while others waited with fewer than their fair share (" + share + " each now). Runs beyond a fair "
                + "share keep their sandbox " + TimeUnit.NANOSECONDS.toSeconds(graceNanos) + " s while others wait; "
                + "press Run again to take your turn";
    }

    public synchronized int live() {
        return holding.size();
    }

    public synchronized int waiting() {
        return waiting.size();
    }

    public int capacity() {
        return capacity;
    }
}
