package dev.bpflab.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The capacity rule on given hosts: how many runs at once, VMs pooled and restores at once an operator gets. */
class CapacityTest {
    static final OptionalInt UNSET = OptionalInt.empty();

    /** /proc/meminfo as Linux writes it (only the first lines; the rest does not matter). */
    static String meminfo(long totalKiB, long availableKiB) {
        return "MemTotal:       " + totalKiB + " kB\n"
                + "MemFree:        " + (availableKiB - 1000) + " kB\n"
                + "MemAvailable:   " + availableKiB + " kB\n"
                + "Buffers:           1234 kB\n"
                + "HugePages_Total:       0\n";
    }

    static Capacity.Host host(long totalMiB, long availableMiB, int cores) throws IOException {
        return Capacity.Host.parse(meminfo(totalMiB * 1024, availableMiB * 1024), cores);
    }

    @Test
    void aTcgHostWithPlentyOfMemoryIsBoundByItsCores() throws IOException {
        // This project's 2-core, 24 GiB machine: 16 idle TCG guests per core (a class of 30 is live at once), a pool
        // as large, a restore per core (restores for the pool yield to live runs).
        Capacity c = Capacity.forQemu(host(24_105, 23_666, 2), true, 768, UNSET, UNSET, UNSET);
        assertEquals(32, c.live());
        assertEquals(32, c.pool());
        assertEquals(2, c.restoresAtOnce());
        assertEquals("capacity: 32 live runs (23.5 GiB, 23.1 GiB available, 2 cores; 320 MiB per VM; bound by cores, "
                + "TCG), 32 VMs ready ahead, 2 restores at once", c.describe("VM"));
    }

    @Test
    void aSmallHostIsBoundByMemoryAndKeepsAVmPooled() throws IOException {
        // usable = 3417 - (512 + 768 + 3933 / 20) = 1941 MiB: 6 VMs of 320 MiB, 4 of them live.
        Capacity c = Capacity.forQemu(host(3_933, 3_417, 2), true, 768, UNSET, UNSET, UNSET);
        assertEquals(4, c.live());
        assertEquals(2, c.pool());
        assertEquals("memory", c.bound());
    }

    @Test
    void aLargeKvmHostRestoresWithHalfItsCores() throws IOException {
        // usable = 62000 - (512 + 768 + 3200) = 57520 MiB: 179 VMs; 3/4 of them live, the rest pooled.
        Capacity c = Capacity.forQemu(host(64_000, 62_000, 16), false, 768, UNSET, UNSET, UNSET);
        assertEquals(134, c.live());
        assertEquals(45, c.pool());
        assertEquals(8, c.restoresAtOnce());
        assertEquals("memory", c.bound());
        assertTrue(c.live() * 320L + c.pool() * 320L <= 57_520, "live and pooled VMs fit in the usable memory");
    }

    @Test
    void moreCoresUnderKvmAllowMoreRunsThanUnderTcg() throws IOException {
        Capacity.Host eightCores = host(256_000, 250_000, 8);
        assertEquals(128, Capacity.forQemu(eightCores, true, 768, UNSET, UNSET, UNSET).live());
        assertEquals(256, Capacity.forQemu(eightCores, false, 768, UNSET, UNSET, UNSET).live());
    }

    @Test
    void aBiggerGuestLeavesLessForTheVms() throws IOException {
        // the saved VM's memory file is in the reserve: 4 GiB guests on the small host leave no usable memory
        Capacity c = Capacity.forQemu(host(3_933, 3_417, 2), true, 4096, UNSET, UNSET, UNSET);
        assertEquals(1, c.live(), "even a host without room runs one VM at a time");
        assertEquals(1, c.pool());
    }

    @Test
    void settingsWin() throws IOException {
        Capacity c = Capacity.forQemu(host(24_105, 23_666, 2), true, 768, OptionalInt.of(5), OptionalInt.of(0),
                OptionalInt.of(3));
        assertEquals(5, c.live());
        assertEquals(0, c.pool());
        assertEquals(3, c.restoresAtOnce());
        assertEquals("bpflab.sandbox.max-live", c.bound());
    }

    @Test
    void localAgentsAreBoundByCoresOrMemory() throws IOException {
        Capacity roomy = Capacity.forLocal(host(24_105, 23_666, 2), UNSET, 1);
        assertEquals(64, roomy.live());
        assertEquals(1, roomy.pool());
        assertEquals("capacity: 64 live runs (23.5 GiB, 23.1 GiB available, 2 cores; 160 MiB per agent; bound by "
                + "cores), 1 agent ready ahead", roomy.describe("agent"));
        // usable = 2000 - (512 + 2048 / 20) = 1386 MiB: 8 agents of 160 MiB
        assertEquals(8, Capacity.forLocal(host(2_048, 2_000, 4), UNSET, 1).live());
        assertEquals(3, Capacity.forLocal(host(2_048, 2_000, 4), OptionalInt.of(3), 1).live());
    }

    @Test
    void meminfoWithoutMemAvailableOrWithGarbageIsRefused() {
        IOException missing = assertThrows(IOException.class,
                () -> Capacity.Host.parse("MemTotal: 1000 kB\nMemFree: 10 kB\n", 2));
        assertEquals("/proc/meminfo has no MemAvailable", missing.getMessage());
        IOException garbage = assertThrows(IOException.class,
                () -> Capacity.Host.parse("MemTotal: lots kB\nMemAvailable: 10 kB\n", 2));
        assertTrue(garbage.getMessage().contains("unreadable MemTotal"), garbage.getMessage());
    }

    @Test
    void thisHostCanBeRead() throws IOException {
        Capacity.Host here = Capacity.Host.read();
        assertTrue(here.memTotalKiB() >= here.memAvailableKiB(), here.toString());
        assertEquals(Runtime.getRuntime().availableProcessors(), here.cores());
    }
}
