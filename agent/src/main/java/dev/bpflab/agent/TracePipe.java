package dev.bpflab.agent;

import dev.bpflab.support.process.Command;
import dev.bpflab.support.process.ProcessResult;
import dev.bpflab.support.threads.Daemons;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows the kernel's trace_pipe, where bpf_printk writes, and passes on its bpf_trace_printk lines.
 * The pipe is global to the kernel: in a VM it holds only this run's lines; on the local backend concurrent runs
 * share it.
 */
final class TracePipe {
    static final Path TRACEFS = Path.of("/sys/kernel/tracing");
    // "            rm-4242    [001] d..31 12.345678: bpf_trace_printk: unlink victim.txt"
    // (newer kernels name the event after the helper, e.g. "bpf_trace_printk" or "bpf_trace_vprintk")
    private static final Pattern LINE =
            Pattern.compile("^\\s*(.*?)-(\\d+)\\s+(?:\\(.*?\\)\\s+)?\\[\\d+\\].*?: bpf_trace_v?printk: (.*)$");

    record Line(String comm, int pid, String text) {
    }

    private TracePipe() {
    }

    /** Mounts tracefs if the system has not (Debian does not always at boot); returns why it failed, or null. */
    static String ensureMounted() {
        if (Files.exists(TRACEFS.resolve("trace_pipe"))) {
            return null;
        }
        try {
            ProcessResult result = Command.of("mount", "-t", "tracefs", "nodev", TRACEFS.toString())
                    .withTimeout(java.time.Duration.ofSeconds(10)).withOutputCap(4096).run();
            if (result.succeeded() && Files.exists(TRACEFS.resolve("trace_pipe"))) {
                return null;
            }
            return "tracefs is not mounted and mounting it failed: "
                    + (result.timedOut() ? "mount did not finish within 10 s" : result.output())
                    + " (run `mount -t tracefs nodev /sys/kernel/tracing` as root)";
        } catch (IOException e) {
            return "tracefs is not mounted: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while mounting tracefs";
        }
    }

    static Line parse(String raw) {
        Matcher m = LINE.matcher(raw);
        return m.matches() ? new Line(m.group(1).strip(), Integer.parseInt(m.group(2)), m.group(3)) : null;
    }

    /**
     * Starts a daemon thread that follows the pipe until the process exits. The kernel lets one reader at a time
     * open trace_pipe (EBUSY otherwise), and the agent of the previous run may still be on its way out: keep trying.
     */
    static void follow(Consumer<Line> sink) {
        Daemons.start(() -> {
            while (true) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(
                        Files.newInputStream(TRACEFS.resolve("trace_pipe")), StandardCharsets.UTF_8))) {
                    String raw;
                    while ((raw = in.readLine()) != null) {
                        Line line = parse(raw);
                        if (line != null) {
                            sink.accept(line);
                        }
                    }
                    return;
                } catch (IOException busy) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "trace-pipe");
    }
}
