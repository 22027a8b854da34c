package dev.bpflab.sandbox.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.testing.Prerequisites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each live VM gets a uid no other VM on the host has, from the configured range. */
class VmUsersTest {
    @TempDir
    Path locks;

    @Test
    void uidsAreHandedOutOnceUntilGivenBack() throws Exception {
        VmUsers users = new VmUsers(64180, 2, locks);
        int first = users.acquire();
        int second = users.acquire();
        assertEquals(64180, first);
        assertEquals(64181, second);
        IOException full = assertThrows(IOException.class, users::acquire);
        assertTrue(full.getMessage().contains("all 2 VM users (uids 64180-64181) are in use"), full.getMessage());
        users.release(first);
        assertEquals(64180, users.acquire(), "a uid given back is handed out again");
    }

    @Test
    void twoServersOnOneHostNeverShareAUid() throws Exception {
        VmUsers one = new VmUsers(64180, 3, locks);
        VmUsers other = new VmUsers(64180, 3, locks); // another server: its own allocator, the same lock directory
        assertEquals(64180, one.acquire());
        assertEquals(64181, other.acquire());
        assertEquals(64182, one.acquire());
        assertThrows(IOException.class, other::acquire);
    }

    @Test
    void aUidSomeProcessStillRunsAsIsSkipped() throws Exception {
        Prerequisites.require(Prerequisites.isRoot(), "starting a process as another uid needs root");
        Process leftover = new ProcessBuilder("setpriv", "--reuid=64180", "--regid=64180", "--clear-groups",
                "sleep", "60").start();
        try {
            for (int i = 0; i < 100 && !leftover.toHandle().info().user().orElse("").equals("64180"); i++) {
                Thread.sleep(20); // until setpriv has become the uid
            }
            assertEquals(64181, new VmUsers(64180, 2, locks).acquire(),
                    "a VM of a server that was just killed may still run as 64180");
        } finally {
            leftover.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRangeThatHoldsAnAccountOrTooFewUidsIsRefusedAtStart() throws Exception {
        Path passwd = locks.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0:root:/root:/bin/bash\nlibvirt-qemu:x:64055:108::/var/lib/libvirt:/usr/sbin/nologin\n"
                + "# a comment\nbob:x:64101:64101::/home/bob:/bin/sh\n");
        assertEquals(List.of("bob (64101)"), VmUsers.range("64100-64199").accountsInRange(passwd));
        assertEquals(List.of(), VmUsers.range("64200-64299").accountsInRange(passwd));

        Prerequisites.require(Prerequisites.isRoot(), "the uid range is only used by a server running as root");
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> VmIsolation.forHost(
                new VmIsolation.Settings("64100-64103", "none"), locks, 9));
        assertTrue(small.getMessage().contains("has 4 uids, but up to 9 VMs can be alive at once"), small.getMessage());
    }

    @Test
    void aRangeIsReadFromTheSetting() {
        assertEquals("uids 64100-64199", VmUsers.range("64100-64199").describe());
        assertThrows(IllegalArgumentException.class, () -> VmUsers.range("64199-64100"));
        assertThrows(IllegalArgumentException.class, () -> VmUsers.range("0-10"));
        assertThrows(IllegalArgumentException.class, () -> VmUsers.range("nobody"));
    }
}
