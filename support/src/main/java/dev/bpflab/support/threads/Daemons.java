package dev.bpflab.support.threads;

import java.util.concurrent.ThreadFactory;

/** Daemon threads: background work that must never keep the JVM from exiting. */
public final class Daemons {
    private Daemons() {
    }

    /** A daemon thread named {@code name} that runs {@code task}, not yet started. */
    public static Thread thread(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Starts {@code task} on a new daemon thread named {@code name}; returns the thread. */
    public static Thread start(Runnable task, String name) {
        Thread thread = thread(task, name);
        thread.start();
        return thread;
    }

    /** For executors: every thread it makes is a daemon named {@code name}. */
    public static ThreadFactory factory(String name) {
        return task -> thread(task, name);
    }
}
