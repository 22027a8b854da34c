package dev.bpflab.support.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds programs the way a shell would, for checks ("is clang installed?") and for running them by full path. */
public final class Executables {
    /** Searched after PATH: root's tools live there, and a service's PATH often lacks them. */
    static final List<String> ALWAYS_SEARCHED = List.of("/usr/sbin", "/sbin");
    private static final String DEFAULT_PATH = "/usr/bin:/bin";

    private Executables() {
    }

    /**
     * Where {@code name} is: a name with a slash is taken as a path and only checked; otherwise each absolute directory
     * of this process's PATH ("/usr/bin:/bin" when unset), then /usr/sbin and /sbin.
     * @return the executable regular file, or empty when there is none
     */
    public static Optional<Path> find(String name) {
        return find(name, System.getenv("PATH"));
    }

    /** As {@link #find(String)}, searching {@code pathVariable} (colon-separated, null for the default) instead. */
    static Optional<Path> find(String name, String pathVariable) {
        if (name == null || name.isBlank() || name.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        try {
            if (name.contains("/")) {
                Path path = Path.of(name);
                return isExecutableFile(path) ? Optional.of(path) : Optional.empty();
            }
            for (String dir : searchPath(pathVariable)) {
                Path candidate = Path.of(dir, name);
                if (isExecutableFile(candidate)) {
                    return Optional.of(candidate);
                }
            }
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static List<String> searchPath(String pathVariable) {
        List<String> dirs = new ArrayList<>();
        // Relative entries (and the empty one, meaning ".") would make the answer depend on the working directory.
        for (String dir : (pathVariable == null ? DEFAULT_PATH : pathVariable).split(File.pathSeparator)) {
            if (dir.startsWith("/")) {
                dirs.add(dir);
            }
        }
        dirs.addAll(ALWAYS_SEARCHED);
        return dirs;
    }

    private static boolean isExecutableFile(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
