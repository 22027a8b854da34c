package dev.bpflab.runs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.testing.KernelTest;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Programs from the wild against the local backend: the agent as a child process on this machine's kernel. */
@QuarkusTest
@KernelTest
class LocalWildProgramsTest extends WildProgramsContract {
    private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)");

    @Override
    protected Optional<String> cannotAnswer(Row row) {
        if (row.program().equals("core_inode_atime.bpf.c") && atLeast(6, 11)) {
            return Optional.of("this machine's kernel " + release() + " has struct inode.i_atime_sec (since 6.11): the "
                    + "read relocates and the program loads; the qemu backend's 6.1 guest refuses it");
        }
        return Optional.empty();
    }

    @Override
    protected String kernelRelease(JsonNode sandboxMessage) {
        return release(); // the local backend runs on this machine's kernel
    }

    private static boolean atLeast(int major, int minor) {
        Matcher m = MAJOR_MINOR.matcher(release());
        if (!m.find()) {
            throw new IllegalStateException("not a kernel release: " + release());
        }
        int haveMajor = Integer.parseInt(m.group(1));
        return haveMajor > major || haveMajor == major && Integer.parseInt(m.group(2)) >= minor;
    }

    private static String release() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
