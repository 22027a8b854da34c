package dev.bpflab.share;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * How many shares a directory keeps, for how long, and how much free disk a new one must leave: the count is kept in
 * memory (counted from the directory at start), a share's age is its file's modification time (the moment it was
 * written), and the free space is that of the directory's file system when a share is about to be written.
 */
final class ShareQuota {
    private static final Logger LOG = Logger.getLogger(ShareQuota.class);
    private static final Pattern SHARE_FILE = Pattern.compile("[A-Za-z0-9_-]{22}\\.json");
    private static final long MIB = 1024 * 1024;

    /** A new share would break a limit; the message says which and what to do. */
    static final class Refusal extends Exception {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    private final Path dir;
    private final ShareStore.Limits limits;
    private final LongSupplier clock;
    private final AtomicInteger count = new AtomicInteger();

    ShareQuota(Path dir, ShareStore.Limits limits, LongSupplier clock) {
        this.dir = dir;
        this.limits = limits;
        this.clock = clock;
        count.set(countFiles());
    }

    /**
     * Takes a place for a share of {@code bytes} bytes, or refuses: the file system would be left with less than the
     * free-disk floor, or the directory holds its most shares even after the expired ones are deleted. A place taken
     * and not used must be given back with {@link #release()}.
     */
    void admit(long bytes) throws Refusal, IOException {
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free - bytes < limits.minFreeBytes()) {
            throw new Refusal("The server's disk is nearly full (" + free / MIB + " MiB free; shares stop below "
                    + limits.minFreeBytes() / MIB + " MiB, bpflab.shares.min-free-mib), so this share was not saved. "
                    + "Keep a copy of your code yourself for now, and tell whoever runs this server.");
        }
        if (!reserve()) {
            sweep(); // the expired ones make room first
            if (!reserve()) {
                throw new Refusal("This server already keeps " + count.get() + " shares, the most it may "
                        + "(bpflab.shares.max-count), so this one was not saved." + (limits.maxAgeMillis() > 0
                                ? " Shares are deleted " + days(limits.maxAgeMillis()) + " after they were made; try "
                                        + "again later, or keep a copy of your code yourself."
                                : " Keep a copy of your code yourself."));
            }
        }
    }

    void release() {
        count.decrementAndGet();
    }

    /** Whether the share in {@code file} is older than the limit. */
    boolean expired(Path file) throws IOException {
        return limits.maxAgeMillis() > 0
                && clock.getAsLong() - Files.getLastModifiedTime(file).toMillis() > limits.maxAgeMillis();
    }

    /** Deletes {@code file} (an expired share); true if this call deleted it. */
    boolean delete(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            count.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Deletes every expired share; returns how many. Unreadable entries are logged and left. */
    int sweep() {
        if (limits.maxAgeMillis() <= 0 || !Files.isDirectory(dir)) {
            return 0;
        }
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (!SHARE_FILE.matcher(file.getFileName().toString()).matches()) {
                    continue;
                }
                try {
                    if (expired(file) && delete(file)) {
                        deleted++;
                    }
                } catch (NoSuchFileException e) {
                    // deleted meanwhile (a reader found it expired)
                } catch (IOException e) {
                    LOG.warnf("could not expire the share %s: %s", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.errorf("cannot list the shares directory %s: %s", dir, e.getMessage());
        }
        if (deleted > 0) {
            LOG.infof("%d share(s) older than %s deleted", deleted, days(limits.maxAgeMillis()));
        }
        return deleted;
    }

    boolean expires() {
        return limits.maxAgeMillis() > 0;
    }

    /** "90 days", "12 hours": the age limit for a message. */
    String age() {
        return days(limits.maxAgeMillis());
    }

    private boolean reserve() {
        while (true) {
            int now = count.get();
            if (now >= limits.maxShares()) {
                return false;
            }
            if (count.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private int countFiles() {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (SHARE_FILE.matcher(file.getFileName().toString()).matches()) {
                    n++;
                }
            }
        } catch (IOException e) {
            LOG.errorf("cannot list the shares directory %s: %s", dir, e.getMessage());
        }
        return n;
    }

    private static String days(long millis) {
        long hours = millis / 3_600_000;
        if (hours >= 48 && hours % 24 == 0) {
            return hours / 24 + " days";
        }
        return hours >= 1 ? hours + " hours" : millis / 60_000 + " minutes";
    }
}
