package dev.bpflab.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * How many runs this host holds at once, how many VMs it keeps ready and how many it restores at once, when the
 * settings do not say ({@code bpflab.sandbox.max-live}, {@code bpflab.qemu.pool-size},
 * {@code bpflab.qemu.restores-at-once}: a setting always wins). Read once at start-up from {@code /proc/meminfo} and
 * the cores this JVM may use.
 *
 * <p>The rule, in MiB ({@code /} rounds down):
 * <pre>
 *   usable   = MemAvailable - reserve;  reserve = 512 (this server) + guest memory (qemu: the saved VM's memory
 *              file, which every clone maps, in the page cache) + MemTotal / 20 (the host)
 *   qemu:    vms     = max(2, usable / 320)                        VMs the memory holds, live or pooled
 *            live    = max(1, min(cores × perCore, vms × 3 / 4))   perCore = 16 under TCG, 32 with KVM
 *            pool    = max(1, min(live, vms - live))
 *            restore = max(1, cores) under TCG, max(1, cores / 2) with KVM
 *   local:   live    = max(1, min(cores × 32, usable / 160))
 * </pre>
 *
 * <p>Where the figures come from (measured on a 2-core, 24 GiB TCG host, guest of 768 MiB, smaps_rollup of each QEMU):
 * a paused, prewarmed pooled VM has Rss 420 MiB, Pss 247–273 MiB, of it 217–222 MiB private (dirty anonymous: the
 * pages the restore and warm-up wrote, copy-on-write from the saved memory file, and TCG's translated code); the rest,
 * about 200 MiB, is the memory file's page cache, shared by every clone. A live VM with a run attached and its first
 * event streamed has Rss 454–458 MiB, Pss 281–291 MiB, 250–256 MiB private. So a VM costs its private memory plus a
 * share of a file that is counted once (in the reserve): 256 MiB measured, budgeted at 320 MiB for what a learner's
 * program adds (its maps and buffers are guest kernel memory, private once written). A run can make its guest use all
 * of {@code bpflab.qemu.memory-mib}; the budget is for typical runs, the guest's memory size is the hard cap.
 * A paused VM uses no CPU; an attached, idle VM under TCG kept 5.2% of a core busy while the agent polled its ring
 * buffer every 50 ms, 2.9% with a poll every 250 ms, and 1.0% since nothing in the guest wakes on a timer (the
 * poller sleeps until a record comes, the JVM's periodic threads are off, see guest-init), so 16 of them per core take
 * well under the core and leave the rest to runs that are busy and to restores: a class of 30 is live at once on
 * 2 cores. With KVM an idle guest sleeps in the host kernel; the 32 per core there is an estimate (this host has no
 * KVM to measure on).
 *
 * <p>A restore plus warm-up under TCG took 5.8–6.3 s of one core then (1.4–2.3 s now that the VM compiles nothing):
 * 4 VMs took 22.9 s one at a time and 13.5 s two at a time. Restores for the pool run at a lower priority than live
 * runs (nice 10), so under TCG as many restore at once as there are cores: with one at a time, a class of 12 learners
 * on this 2-core host waited for VMs while a core stood idle (honest Run → first event p95 under the hostile bench:
 * 34–42 s with one restore at a time, 23.7 s with two; bench/hostile-class.sh 12 90 qemu). With KVM, where restores
 * are cheap, half the cores.
 *
 * <p>A local agent JVM with a run attached has Rss 77 MiB (peak 85 MiB), budgeted at 160 MiB. The server's JVM had Rss
 * 141 MiB idle and 210 MiB after a few hundred requests; its 512 MiB leave room for the compiles that run beside it.
 *
 * @param live           runs at once (the admission queue's capacity)
 * @param pool           sandboxes prepared ahead: paused VMs, or warm local agents
 * @param restoresAtOnce VMs the pool restores and warms up at once; 0 for a backend without VMs
 * @param perRunMiB      the memory budgeted per run (0 when the host was not read)
 * @param host           the host's figures, null when they could not be read
 * @param bound          what limited {@code live}, for the log: "memory", "cores, TCG", a setting's name, …
 */
public record Capacity(int live, int pool, int restoresAtOnce, int perRunMiB, Host host, String bound) {

    static final int SERVER_MIB = 512;
    static final int VM_MIB = 320;
    static final int LOCAL_AGENT_MIB = 160;
    static final int TCG_VMS_PER_CORE = 16;
    static final int KVM_VMS_PER_CORE = 32;
    static final int LOCAL_AGENTS_PER_CORE = 32;

    /**
     * What the host has: memory in KiB as {@code /proc/meminfo} says it, and the cores this JVM may use.
     *
     * @param memTotalKiB     MemTotal
     * @param memAvailableKiB MemAvailable: free memory plus what the kernel can reclaim without swapping
     * @param cores           {@link Runtime#availableProcessors()} (follows cgroup limits)
     */
    public record Host(long memTotalKiB, long memAvailableKiB, int cores) {
        public Host {
            if (memTotalKiB <= 0 || memAvailableKiB < 0 || cores < 1) {
                throw new IllegalArgumentException("host figures must be positive: " + memTotalKiB + " KiB total, "
                        + memAvailableKiB + " KiB available, " + cores + " cores");
            }
        }

        /** This host, now. */
        public static Host read() throws IOException {
            return parse(Files.readString(Path.of("/proc/meminfo")), Runtime.getRuntime().availableProcessors());
        }

        /**
         * Reads MemTotal and MemAvailable from the text of {@code /proc/meminfo}.
         *
         * @throws IOException a field is missing or is not a number of kB
         */
        public static Host parse(String meminfo, int cores) throws IOException {
            return new Host(field(meminfo, "MemTotal"), field(meminfo, "MemAvailable"), cores);
        }

        private static long field(String meminfo, String name) throws IOException {
            for (String line : meminfo.split("\n")) {
                if (line.startsWith(name + ":")) {
                    String[] words = line.substring(name.length() + 1).trim().split("\\s+");
                    if (words.length == 2 && words[1].equals("kB") && words[0].matches("[0-9]{1,15}")) {
                        return Long.parseLong(words[0]);
                    }
                    throw new IOException("/proc/meminfo has an unreadable " + name + " line: " + line);
                }
            }
            throw new IOException("/proc/meminfo has no " + name);
        }

        long totalMiB() {
            return memTotalKiB / 1024;
        }

        long availableMiB() {
            return memAvailableKiB / 1024;
        }
    }

    /**
     * The qemu backend's numbers.
     *
     * @param tcg          whether guests run under TCG (emulated: idle guests cost CPU, VMs are warmed up)
     * @param guestMiB     guest memory ({@code bpflab.qemu.memory-mib})
     * @param maxLive      {@code bpflab.sandbox.max-live} if set
     * @param poolSize     {@code bpflab.qemu.pool-size} if set
     * @param restores     {@code bpflab.qemu.restores-at-once} if set
     */
    public static Capacity forQemu(Host host, boolean tcg, int guestMiB, OptionalInt maxLive, OptionalInt poolSize,
            OptionalInt restores) {
        long usable = usableMiB(host, guestMiB);
        int vms = (int) Math.max(2, Math.min(Integer.MAX_VALUE, usable / VM_MIB));
        int byCores = host.cores() * (tcg ? TCG_VMS_PER_CORE : KVM_VMS_PER_CORE);
        int byMemory = Math.max(1, vms * 3 / 4);
        int live = maxLive.orElse(Math.max(1, Math.min(byCores, byMemory)));
        String bound = maxLive.isPresent() ? "bpflab.sandbox.max-live"
                : byCores <= byMemory ? "cores, " + (tcg ? "TCG" : "KVM") : "memory";
        int pool = poolSize.orElse(Math.max(1, Math.min(live, vms - live)));
        int restoresAtOnce = restores.orElse(Math.max(1, tcg ? host.cores() : host.cores() / 2));
        return new Capacity(live, pool, restoresAtOnce, VM_MIB, host, bound);
    }

    /** The local backend's numbers; its warm agents are {@code bpflab.local.warm-agents}, passed as {@code pool}. */
    public static Capacity forLocal(Host host, OptionalInt maxLive, int pool) {
        long byMemory = Math.max(1, usableMiB(host, 0) / LOCAL_AGENT_MIB);
        int byCores = host.cores() * LOCAL_AGENTS_PER_CORE;
        int live = maxLive.orElse((int) Math.max(1, Math.min(byCores, byMemory)));
        String bound = maxLive.isPresent() ? "bpflab.sandbox.max-live" : byCores <= byMemory ? "cores" : "memory";
        return new Capacity(live, pool, 0, LOCAL_AGENT_MIB, host, bound);
    }

    /** For when the host cannot be read: the settings, or the defaults bpflab had before it measured. */
    public static Capacity fallback(OptionalInt maxLive, OptionalInt poolSize, OptionalInt restores) {
        return new Capacity(maxLive.orElse(8), poolSize.orElse(2), restores.orElse(1), 0, null,
                "fixed defaults (the host's memory could not be read)");
    }

    private static long usableMiB(Host host, int sharedMiB) {
        long reserve = SERVER_MIB + sharedMiB + host.totalMiB() / 20;
        return Math.max(0, host.availableMiB() - reserve);
    }

    /**
     * For the log, e.g. "capacity: 16 live runs (23.5 GiB, 23.0 GiB available, 2 cores; 384 MiB per VM; bound by
     * cores, TCG), 16 VMs ready ahead, 1 restore at once"; {@code unit} names a sandbox ("VM", "agent").
     */
    public String describe(String unit) {
        String hostPart = host == null ? "host unknown"
                : String.format(Locale.ROOT, "%.1f GiB, %.1f GiB available, %d cores; %d MiB per %s",
                        host.totalMiB() / 1024.0, host.availableMiB() / 1024.0, host.cores(), perRunMiB, unit);
        return String.format(Locale.ROOT, "capacity: %d live runs (%s; bound by %s), %d %s ready ahead%s", live,
                hostPart, bound, pool, pool == 1 ? unit : unit + "s", restoresAtOnce == 0 ? ""
                        : ", " + restoresAtOnce + (restoresAtOnce == 1 ? " restore" : " restores") + " at once");
    }
}
