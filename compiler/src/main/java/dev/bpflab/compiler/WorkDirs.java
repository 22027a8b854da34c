package dev.bpflab.compiler;

import dev.bpflab.support.files.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where compiles write: {@code CACHE/work/<pid>/compile-*}, one directory per server process. Several servers (a
 * test run beside a running service, two versions side by side) may share a cache directory, and one process may hold
 * several compilers (tests do); a compiler starting removes only what processes that are gone left behind.
 */
final class WorkDirs {
    private WorkDirs() {
    }

    /** This process's work directory under {@code cacheRoot} (not created here). */
    static Path ofThisProcess(Path cacheRoot) {
        return cacheRoot.resolve("work").resolve(String.valueOf(ProcessHandle.current().pid()));
    }

    /**
     * Removes what processes that no longer run left under {@code cacheRoot/work} (learners' sources): everything but
     * the directories of live processes, this one's included (another compiler in it may be compiling now).
     */
    static void removeAbandoned(Path cacheRoot) throws IOException {
        Path work = cacheRoot.resolve("work");
        if (!Files.isDirectory(work)) {
            return;
        }
        List<Path> entries;
        try (Stream<Path> list = Files.list(work)) {
            entries = list.toList();
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            boolean live = name.matches("\\d{1,10}")
                    && ProcessHandle.of(Long.parseLong(name)).map(ProcessHandle::isAlive).orElse(false);
            if (!live) {
                FileTrees.delete(entry);
            }
        }
    }
}
