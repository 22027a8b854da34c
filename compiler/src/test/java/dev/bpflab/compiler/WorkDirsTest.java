package dev.bpflab.compiler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two servers on one cache directory: starting one must not pull the source from under the other's compile. */
class WorkDirsTest {
    @Test
    void aStartingCompilerRemovesOnlyWhatNoRunningProcessUses(@TempDir Path cache) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path otherServer = Files.createDirectories(cache.resolve("work/1/compile-1/"));
        Files.writeString(otherServer.resolve("prog.bpf.c"), "int x;");
        Path deadServer = Files.createDirectories(cache.resolve("work/" + gone.pid() + "/compile-2"));
        Path olderLayout = Files.createDirectories(cache.resolve("work/compile-3"));
        Path mine = Files.createDirectories(WorkDirs.ofThisProcess(cache).resolve("compile-4"));

        WorkDirs.removeAbandoned(cache);

        assertTrue(Files.exists(otherServer.resolve("prog.bpf.c")), "a live server's compile keeps its source");
        assertFalse(Files.exists(deadServer.getParent()), "a gone server's leftovers are removed");
        assertFalse(Files.exists(olderLayout), "and so is what an older server left directly in work/");
        assertTrue(Files.exists(mine), "another compiler of this process may be compiling there now");
    }
}
