package dev.bpflab.support.threads;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A fixed number of daemon threads running tasks that belong to clients, the clients taking turns: each client's tasks
 * wait in their own queue, in the order given, and a free thread takes the next task of the client whose turn came
 * longest ago. A client that queues a hundred tasks therefore delays another client's one task by at most one task per
 * thread, where a first-come-first-served queue would make it wait for all hundred.
 *
 * <pre>{@code
 * RoundRobinExecutor compiles = new RoundRobinExecutor(2, "compile");
 * CompletableFuture.supplyAsync(() -> clang(source), compiles.forClient(learnerAddress));
 * }</pre>
 */
public final class RoundRobinExecutor implements AutoCloseable {
    // Guarded by this: clients with queued tasks, the one whose turn came longest ago first.
    private final Map<Object, ArrayDeque<Runnable>> queues = new LinkedHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private boolean closed;

    /** Starts {@code threads} daemon threads named {@code name}-1, {@code name}-2, … */
    public RoundRobinExecutor(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("at least one thread, not " + threads);
        }
        for (int i = 1; i <= threads; i++) {
            this.threads.add(Daemons.start(this::work, name + "-" + i));
        }
    }

    /**
     * Queues {@code task} behind {@code client}'s earlier tasks. Clients are equal when {@link Object#equals} says so;
     * a null client is a client of its own.
     *
     * @throws RejectedExecutionException the executor is closed
     */
    public synchronized void execute(Object client, Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("the executor is closed");
        }
        queues.computeIfAbsent(client == null ? new Object() : client, c -> new ArrayDeque<>()).addLast(task);
        notify();
    }

    /** An {@link Executor} whose tasks are {@code client}'s. */
    public Executor forClient(Object client) {
        return task -> execute(client, task);
    }

    /** Tasks queued and not yet started, all clients together. */
    public synchronized int queued() {
        return queues.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    private void work() {
        while (true) {
            Runnable task;
            synchronized (this) {
                while (!closed && queues.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                Iterator<Map.Entry<Object, ArrayDeque<Runnable>>> first = queues.entrySet().iterator();
                Map.Entry<Object, ArrayDeque<Runnable>> turn = first.next();
                task = turn.getValue().pollFirst();
                first.remove();
                if (!turn.getValue().isEmpty()) {
                    queues.put(turn.getKey(), turn.getValue()); // to the back: every other waiting client goes first
                }
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                // A task reports its own failure (e.g. through its future); the thread serves the next one.
            }
        }
    }

    /** Stops the threads once their running tasks end; queued tasks are dropped, new ones refused. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            queues.clear();
            notifyAll();
        }
        threads.forEach(Thread::interrupt);
    }
}
