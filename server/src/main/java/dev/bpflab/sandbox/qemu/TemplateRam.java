package dev.bpflab.sandbox.qemu;

import dev.bpflab.support.process.ProcessTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The saved VM's RAM as every clone maps it: a copy in a sealed memfd that no process can write, not even root, so
 * that a VM whose QEMU is taken over cannot plant anything in the RAM later VMs start from.
 *
 * <p>Clones map their RAM private (copy-on-write), which needs only read access, but QEMU 7.2 opens the RAM file
 * read-write unless told {@code readonly=on}, and that also makes the guest's RAM read-only (8.2 separates the two
 * with {@code rom=off}). Opened as root before dropping privileges, the on-disk file would stay writable through
 * that descriptor; opened by the VM's own uid it cannot be opened at all (it belongs to root). A sealed memfd can be
 * opened read-write by anyone, while every write, resize and shared writable mapping fails.
 *
 * <p>Java cannot make a memfd, so a small Perl process (part of Debian's base system) copies the file into one
 * (zero pages stay holes), seals it and holds it while the backend lives; it exits when its input ends, so it dies
 * with the server. A clone gets the copy as its standard input ({@link #handle}), which QEMU maps through
 * {@code /proc/self/fd/0}.
 */
final class TemplateRam implements AutoCloseable {
    private static final Duration COPY_TIMEOUT = Duration.ofMinutes(3); // 768 MiB on a busy machine

    private final ProcessTree holder;
    private final Path handle;

    private TemplateRam(ProcessTree holder, Path handle) {
        this.holder = holder;
        this.handle = handle;
    }

    /**
     * Copies {@code memoryFile} into a sealed memfd.
     *
     * @throws IOException the copy could not be made (the message has the holder's words)
     */
    static TemplateRam seal(Path memoryFile) throws IOException {
        String script;
        try (InputStream in = TemplateRam.class.getResourceAsStream("seal-ram.pl")) {
            if (in == null) {
                throw new IOException("seal-ram.pl is missing from the server: rebuild it");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ProcessTree holder = ProcessTree.start(new ProcessBuilder("perl", "-e", script, memoryFile.toString())
                .redirectErrorStream(true));
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.process().getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<String> said = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String line = said.get(COPY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            String[] words = line == null ? new String[0] : line.split(" ");
            if (words.length != 3 || !words[0].equals("ready")) {
                throw new IOException("cannot make the read-only copy of the saved VM's RAM: "
                        + (line == null ? "the copier ended without a word" : line));
            }
            return new TemplateRam(holder, Path.of("/proc", words[1], "fd", words[2]));
        } catch (IOException e) {
            holder.kill();
            throw e;
        } catch (ExecutionException | TimeoutException e) {
            holder.kill();
            throw new IOException("copying the saved VM's RAM took longer than " + COPY_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            holder.kill();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while copying the saved VM's RAM");
        }
    }

    /**
     * Where the sealed copy can be opened: {@code /proc/PID/fd/N} of the holder (readable by root only).
     *
     * @throws IOException the holder is gone, and with it the copy
     */
    Path handle() throws IOException {
        if (!holder.process().isAlive()) {
            throw new IOException("the read-only copy of the saved VM's RAM is gone: its holder exited with status "
                    + holder.process().exitValue());
        }
        return handle;
    }

    /** Lets the copy go (VMs that map it keep their mapping). */
    @Override
    public void close() {
        try {
            holder.process().getOutputStream().close(); // its input ends: it exits
            if (!holder.process().waitFor(5, TimeUnit.SECONDS)) {
                holder.kill();
            }
        } catch (IOException e) {
            holder.kill();
        } catch (InterruptedException e) {
            holder.kill();
            Thread.currentThread().interrupt();
        }
    }
}
