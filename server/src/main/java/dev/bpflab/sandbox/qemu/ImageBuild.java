package dev.bpflab.sandbox.qemu;

import dev.bpflab.sandbox.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code build-image.sh} for a guest directory: builds the image, or finds it up to date. */
final class ImageBuild {
    private static final long LIMIT_MINUTES = 30;

    private final Path script;
    private final Path guestDir;
    private final Path agentDir;
    private final Path log;

    /** {@code log} receives the script's output; {@code guestDir} is its OUT_DIR. */
    ImageBuild(Path script, Path guestDir, Path agentDir, Path log) {
        this.script = script.toAbsolutePath().normalize();
        this.guestDir = guestDir.toAbsolutePath().normalize();
        this.agentDir = agentDir.toAbsolutePath().normalize();
        this.log = log;
    }

    /**
     * Builds the image, or finds it up to date, and returns the script's last line.
     *
     * @throws SandboxException the script failed (its last line and the log's path say why) or took longer than 30
     *                          minutes
     */
    String run() throws SandboxException, InterruptedException {
        List<String> command = List.of("bash", script.toString(), guestDir.toString(), agentDir.toString());
        try {
            Process build = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            build.getOutputStream().close();
            if (!build.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES)) {
                build.destroyForcibly();
                throw new SandboxException("building the guest image took more than " + LIMIT_MINUTES
                        + " minutes (log: " + log + ")");
            }
            List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
            String last = output.isEmpty() ? "" : output.get(output.size() - 1);
            if (build.exitValue() != 0) {
                throw new SandboxException("building the guest image failed: " + last + " (log: " + log + ")");
            }
            return last;
        } catch (IOException e) {
            throw new SandboxException("cannot run " + script + ": " + e.getMessage(), e);
        }
    }
}
