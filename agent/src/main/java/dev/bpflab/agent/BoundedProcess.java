package dev.bpflab.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program with a wall-clock limit and a cap on how much of its output is kept. */
public final class BoundedProcess {

    public record Result(int exitCode, String output, boolean timedOut, boolean truncated) {
    }

    private BoundedProcess() {
    }

    public static Result run(List<String> argv, Path workingDir, Duration timeout, int maxOutputBytes) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        Process process = builder.start();
        process.getOutputStream().close();
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        boolean[] truncated = new boolean[1];
        Thread reader = new Thread(() -> drain(process.getInputStream(), kept, maxOutputBytes, truncated), "output-reader");
        reader.setDaemon(true);
        reader.start();
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + argv.get(0));
        }
        String output;
        synchronized (kept) {
            output = kept.toString(StandardCharsets.UTF_8);
        }
        return new Result(finished ? process.exitValue() : -1, output, !finished, truncated[0]);
    }

    private static void drain(InputStream in, ByteArrayOutputStream kept, int max, boolean[] truncated) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (kept) {
                    int room = max - kept.size();
                    if (room > 0) {
                        kept.write(buffer, 0, Math.min(room, n));
                    }
                    if (n > room) {
                        truncated[0] = true;
                    }
                }
            }
        } catch (IOException ignored) {
            // the process went away; what was read is kept
        }
    }
}
