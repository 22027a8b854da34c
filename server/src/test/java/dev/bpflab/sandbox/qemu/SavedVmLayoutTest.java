package dev.bpflab.sandbox.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A guest directory of a server from before the rename (saved VMs in templates/) keeps its saved VMs. */
class SavedVmLayoutTest {
    @TempDir
    Path guestDir;

    @Test
    void completeSavedVmsMoveToTheNewDirectoryAndTheOldOneGoes() throws Exception {
        Path old = Files.createDirectories(guestDir.resolve("templates"));
        Path complete = Files.createDirectories(old.resolve("template-0123456789abcdef"));
        Files.writeString(complete.resolve("state"), "device state");
        Files.createFile(complete.resolve("complete"));
        Files.createDirectories(old.resolve("template-fedcba9876543210")); // a boot that never finished
        Files.createDirectories(old.resolve("template-0011223344556677.tmp"));
        Files.writeString(old.resolve("kvm-probe"), "boot-id hash\nTCG\ntcg (no /dev/kvm)\n");
        Path savedVms = guestDir.resolve("saved-vms");
        Files.createDirectories(savedVms);

        assertEquals(1, SavedVm.adoptOldLayout(savedVms));

        Path moved = savedVms.resolve("vm-0123456789abcdef");
        assertEquals("device state", Files.readString(moved.resolve("state")));
        assertTrue(Files.isRegularFile(moved.resolve("complete")));
        assertFalse(Files.exists(old), "the old directory is gone, unfinished boots with it");
        try (var left = Files.list(savedVms)) {
            assertEquals(1, left.count(), "only the complete saved VM came over");
        }
        assertEquals(0, SavedVm.adoptOldLayout(savedVms), "a second start has nothing to move");
    }

    @Test
    void aSavedVmAlreadyInTheNewDirectoryIsKept() throws Exception {
        Path old = Files.createDirectories(guestDir.resolve("templates/template-0123456789abcdef"));
        Files.writeString(old.resolve("state"), "old");
        Files.createFile(old.resolve("complete"));
        Path current = Files.createDirectories(guestDir.resolve("saved-vms/vm-0123456789abcdef"));
        Files.writeString(current.resolve("state"), "new");

        assertEquals(0, SavedVm.adoptOldLayout(guestDir.resolve("saved-vms")));
        assertEquals("new", Files.readString(current.resolve("state")));
        assertFalse(Files.exists(guestDir.resolve("templates")));
    }
}
