package dev.bpflab.support.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutablesTest {

    @Test
    void findsProgramsOnPath(@TempDir Path dir) throws Exception {
        Path tool = executable(dir.resolve("bpflab-tool"));
        assertEquals(Optional.of(tool), Executables.find("bpflab-tool", "/nonexistent:" + dir));
        assertTrue(Executables.find("sh").isPresent(), "sh is on this machine's PATH");
    }

    @Test
    void skipsWhatIsNotAnExecutableFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("plain"), "not executable");
        Files.createDirectories(dir.resolve("folder"));
        assertEquals(Optional.empty(), Executables.find("plain", dir.toString()));
        assertEquals(Optional.empty(), Executables.find("folder", dir.toString()));
        assertEquals(Optional.empty(), Executables.find("bpflab-no-such-program", dir.toString()));
    }

    @Test
    void aNameWithASlashIsOnlyChecked(@TempDir Path dir) throws Exception {
        Path tool = executable(dir.resolve("tool"));
        assertEquals(Optional.of(tool), Executables.find(tool.toString(), "/nonexistent"));
        assertEquals(Optional.empty(), Executables.find(dir.resolve("missing").toString(), dir.toString()));
    }

    @Test
    void relativePathEntriesAreIgnored(@TempDir Path dir) throws Exception {
        executable(dir.resolve("tool"));
        String relative = Path.of("").toAbsolutePath().relativize(dir).toString();
        assertEquals(Optional.empty(), Executables.find("tool", relative + "::."));
    }

    @Test
    void sbinIsSearchedEvenWhenPathLacksIt() {
        for (String sbin : Executables.ALWAYS_SEARCHED) {
            try (var tools = Files.list(Path.of(sbin))) {
                Optional<Path> any = tools.filter(Files::isRegularFile).filter(Files::isExecutable).findFirst();
                if (any.isPresent()) {
                    String name = any.get().getFileName().toString();
                    assertTrue(Executables.find(name, "/nonexistent").isPresent(), name + " in " + sbin);
                    return;
                }
            } catch (java.io.IOException ignored) {
                // not on this machine; try the next
            }
        }
    }

    private static Path executable(Path path) throws Exception {
        Files.writeString(path, "#!/bin/sh\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }
}
