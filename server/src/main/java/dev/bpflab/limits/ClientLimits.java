package dev.bpflab.limits;

import dev.bpflab.api.RateLimiter;
import dev.bpflab.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Counts what each client (an address, and a learner token when there is one: {@link Client#keys}) holds: open
 * connections, queued runs, live runs, and the runs it started a minute. Connections, queued runs and the run rate
 * are refused beyond their caps ({@link LimitException}); live runs beyond theirs wait, without a thread, for one of
 * the client's own runs to end, while other clients' runs go by ({@link RunPass#awaitLiveSlot}). A client that holds
 * nothing is forgotten.
 */
public final class ClientLimits {
    private final LimitSettings settings;
    private final RateLimiter addressRuns;
    private final RateLimiter learnerRuns;
    private final Map<String, Usage> usage = new HashMap<>(); // guarded by this
    private final List<RunPass> waiting = new ArrayList<>(); // guarded by this, in the order they began to wait

    /** What one key holds now. */
    public record Usage(int connections, int queued, int live) {
        boolean unused() {
            return connections == 0 && queued == 0 && live == 0;
        }
    }

    public ClientLimits(LimitSettings settings) {
        this.settings = settings;
        this.addressRuns = new RateLimiter(settings.perAddress().runsPerMinute());
        this.learnerRuns = new RateLimiter(settings.perLearner().runsPerMinute());
    }

    public LimitSettings settings() {
        return settings;
    }

    /** Counts a new connection of {@code client}, or refuses it (the client should then be told and disconnected). */
    public synchronized void openConnection(Client client) throws LimitException {
        for (String key : client.keys()) {
            int cap = caps(key).connections();
            if (get(key).connections() >= cap) {
                throw new LimitException(ErrorCode.TOO_MANY_CONNECTIONS, Map.of("most", cap), !Client.isLearner(key)
                        ? "too many connections from your address (at most " + cap + " at once): close other bpflab "
                                + "tabs, then try again"
                        : "too many connections with your learner token (at most " + cap + " at once): close other "
                                + "bpflab tabs, then try again");
            }
        }
        change(client, 1, 0, 0);
    }

    /** A connection counted by {@link #openConnection} closed. */
    public synchronized void closeConnection(Client client) {
        change(client, -1, 0, 0);
    }

    /**
     * A new run of {@code client}, counted as queued from now; {@code replacing} is the run of the same connection that
     * the new one replaces (it does not count against the new one), or null.
     *
     * @throws LimitException too many of the client's runs are queued, or it started too many this minute
     */
    public synchronized RunPass startRun(Client client, RunPass replacing) throws LimitException {
        boolean freed = replacing != null && !replacing.ended && replacing.queued;
        for (String key : client.keys()) {
            int cap = caps(key).queuedRuns();
            if (get(key).queued() - (freed ? 1 : 0) >= cap) {
                throw new LimitException(ErrorCode.TOO_MANY_WAITING, Map.of("most", cap), !Client.isLearner(key)
                        ? "too many runs from your address are waiting already (at most " + cap + "): stop one, or "
                                + "wait until one starts"
                        : "you have " + cap + " runs waiting already, the most one learner may: stop one, or wait "
                                + "until one starts");
            }
        }
        long wait = addressRuns.acquire(client.address());
        if (wait > 0) {
            throw new LimitException(ErrorCode.TOO_MANY_RUNS, Map.of("most", addressRuns.perMinute(), "wait", wait),
                    "too many runs from your address (at most " + addressRuns.perMinute()
                    + " a minute): try again in " + wait + " s");
        }
        if (client.learner() != null && (wait = learnerRuns.acquire(client.learner())) > 0) {
            throw new LimitException(ErrorCode.TOO_MANY_RUNS, Map.of("most", learnerRuns.perMinute(), "wait", wait),
                    "too many runs for one learner (at most " + learnerRuns.perMinute()
                    + " a minute): try again in " + wait + " s");
        }
        change(client, 0, 1, 0);
        return new RunPass(this, client);
    }

    /**
     * One more sandbox for the press {@code first} was started for (a matrix of kernels, {@code run_all}): it counts
     * against the client's live runs like any run ({@link RunPass#awaitLiveSlot}), but neither as a run started nor as
     * one waiting (the press counted once, in {@link #startRun}); its {@link RunPass#sandboxTaken} changes nothing.
     */
    public synchronized RunPass alongside(RunPass first) {
        RunPass pass = new RunPass(this, first.client);
        pass.queued = false;
        return pass;
    }

    /** What the address holds now (all zero when it holds nothing). */
    public synchronized Usage usage(String address) {
        return get(Client.addressKey(address));
    }

    /** Runs waiting because their client is at its live cap. */
    public synchronized int waitingForLiveSlot() {
        return waiting.size();
    }

    void await(RunPass pass, IntConsumer position, Runnable admitted) {
        List<Runnable> calls = new ArrayList<>();
        synchronized (this) {
            if (pass.ended || pass.slot != RunPass.Slot.NONE) {
                return;
            }
            pass.position = position;
            pass.admitted = admitted;
            pass.slot = RunPass.Slot.WAITING;
            waiting.add(pass);
            admitWaiting(calls);
        }
        calls.forEach(Runnable::run);
    }

    synchronized void sandboxTaken(RunPass pass) {
        if (!pass.ended && pass.queued) {
            pass.queued = false;
            change(pass.client, 0, -1, 0);
        }
    }

    void end(RunPass pass) {
        List<Runnable> calls = new ArrayList<>();
        synchronized (this) {
            if (pass.ended) {
                return;
            }
            pass.ended = true;
            change(pass.client, 0, pass.queued ? -1 : 0, pass.slot == RunPass.Slot.ADMITTED ? -1 : 0);
            if (pass.slot != RunPass.Slot.NONE) {
                waiting.remove(pass);
                admitWaiting(calls);
            }
        }
        calls.forEach(Runnable::run);
    }

    /**
     * Admits, in order, every waiting run whose client has room now; tells the others their place among their
     * client's waiting runs when it changed. Called with the lock held; {@code calls} run after it is released.
     */
    private void admitWaiting(List<Runnable> calls) {
        Map<String, Integer> ahead = new HashMap<>();
        for (Iterator<RunPass> it = waiting.iterator(); it.hasNext(); ) {
            RunPass pass = it.next();
            if (hasRoom(pass.client)) {
                it.remove();
                pass.slot = RunPass.Slot.ADMITTED;
                change(pass.client, 0, 0, 1);
                calls.add(pass.admitted);
                continue;
            }
            int place = 1;
            for (String key : pass.client.keys()) {
                int before = ahead.merge(key, 1, Integer::sum) - 1;
                place = Math.max(place, before + 1);
            }
            if (place != pass.told) {
                pass.told = place;
                IntConsumer tell = pass.position;
                int said = place;
                calls.add(() -> tell.accept(said));
            }
        }
    }

    private boolean hasRoom(Client client) {
        for (String key : client.keys()) {
            if (get(key).live() >= caps(key).liveRuns()) {
                return false;
            }
        }
        return true;
    }

    private LimitSettings.Caps caps(String key) {
        return Client.isLearner(key) ? settings.perLearner()
                : Client.isWithoutLearner(key) ? settings.withoutLearner() : settings.perAddress();
    }

    private Usage get(String key) {
        return usage.getOrDefault(key, new Usage(0, 0, 0));
    }

    private void change(Client client, int connections, int queued, int live) {
        for (String key : client.keys()) {
            Usage now = get(key);
            Usage next = new Usage(now.connections() + connections, now.queued() + queued, now.live() + live);
            if (next.unused()) {
                usage.remove(key);
            } else {
                usage.put(key, next);
            }
        }
    }
}
