package dev.bpflab.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A global cap on live sandboxes with a first-come, first-served queue. Waiters are told their 1-based place as it
 * changes, and 0 when they are admitted. Shared by every backend so the cap means the same everywhere.
 */
public final class AdmissionQueue {
    private final int capacity;
    private final List<Object> waiting = new ArrayList<>();
    private int live;

    public AdmissionQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** Blocks until a place is free; the caller must {@link #release()} exactly once afterwards. */
    public void acquire(IntConsumer position) throws InterruptedException {
        Object ticket = new Object();
        int lastTold = -1;
        synchronized (this) {
            waiting.add(ticket);
            try {
                while (true) {
                    int place = waiting.indexOf(ticket);
                    if (place == 0 && live < capacity) {
                        waiting.remove(0);
                        live++;
                        notifyAll();
                        break;
                    }
                    int ahead = place + 1;
                    if (ahead != lastTold) {
                        lastTold = ahead;
                        position.accept(ahead);
                    }
                    wait();
                }
            } catch (InterruptedException e) {
                waiting.remove(ticket);
                notifyAll();
                throw e;
            }
        }
        position.accept(0);
    }

    public synchronized void release() {
        live--;
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
