package dev.bpflab.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Randomness read from the kernel at the moment it is needed. In the qemu backend every VM is restored from one
 * snapshot taken after the agent started: whatever the agent drew before then, and the state of the JVM's generators,
 * is the same in every VM. The host reseeds each guest kernel's RNG when it wakes a VM, before the run starts, so
 * what is read from /dev/urandom from then on differs from VM to VM.
 */
final class FreshRandomness {
    private static final Path URANDOM = Path.of("/dev/urandom");

    private FreshRandomness() {
    }

    /** {@code count} bytes from /dev/urandom, now. */
    static byte[] read(int count) throws IOException {
        byte[] bytes = new byte[count];
        try (InputStream in = Files.newInputStream(URANDOM)) {
            int read = 0;
            while (read < count) {
                int n = in.read(bytes, read, count - read);
                if (n < 0) {
                    throw new IOException("/dev/urandom ended");
                }
                read += n;
            }
        }
        return bytes;
    }

    /**
     * Mixes fresh kernel randomness into the JVM's SecureRandom: on Linux every default {@code SecureRandom}
     * (NativePRNG) shares one mixing generator, which {@code setSeed} on any of them adds to (the JDK's temp-file
     * names and the process-tree marks draw from it). Nothing else in the agent draws random numbers.
     */
    static void reseedJvm() throws IOException {
        new SecureRandom().setSeed(read(32));
    }
}
