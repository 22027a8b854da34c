package dev.bpflab.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.protocol.MapEntry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lab's own processes, as a learner's program sees them: the agent (every thread of it), the processes named in
 * {@value #PIDS_ENV} (in a VM: its init, control daemon and input relay; on the local backend: the server), and a
 * process the agent started while it has not yet run its workload's program (it still has the name of the agent's
 * thread that started it). A workload's program itself ({@code rm}, {@code cat}, …) is what the learner watches and
 * never counts as the lab's.
 *
 * <p>A record or map entry is the lab's when a {@code pid}, {@code tgid} or {@code tid} field holds one of those
 * processes' ids, or a {@code comm} field (or a key that is a string, as a map keyed by command name has) one of the
 * agent's thread names. A bare number is never taken for a pid: it could as well be an index or a port. On the local
 * backend other JVMs on the host have the same thread names and are labelled too.
 *
 * <p>Checking costs no system call except once per id not seen before (one {@code stat} of /proc), so labelling does not
 * add to the noise it labels.
 */
final class LabProcesses {
    /** What the agent calls itself in the kernel's task list: what a program keyed by command name shows for it. */
    static final String AGENT_COMM = "bpflab-agent";
    /** Ids of other processes of the lab, separated by spaces or commas. */
    static final String PIDS_ENV = "BPFLAB_LAB_PIDS";
    private static final int MAX_OTHER_PIDS = 64;
    private static final int MAX_CACHED_IDS = 4096;
    private static final Set<String> ID_FIELDS = Set.of("pid", "tgid", "tid");
    private static final Path PROC = Path.of("/proc");

    private final long ownPid;
    private final Set<Long> otherPids;
    private final Map<Long, Boolean> threads = new ConcurrentHashMap<>();
    private volatile Set<String> threadNames = Set.of(AGENT_COMM);

    LabProcesses(long ownPid, Set<Long> otherPids) {
        this.ownPid = ownPid;
        this.otherPids = Set.copyOf(otherPids);
    }

    /** This process, and the ids in {@code pidsEnv} (the value of {@value #PIDS_ENV}, or null). */
    static LabProcesses current(String pidsEnv) {
        return new LabProcesses(ProcessHandle.current().pid(), parsePids(pidsEnv));
    }

    /** Positive ids separated by spaces or commas; anything else in the list is ignored, and at most 64 are kept. */
    static Set<Long> parsePids(String text) {
        Set<Long> pids = new LinkedHashSet<>();
        if (text == null) {
            return pids;
        }
        for (String word : text.split("[\\s,]+")) {
            if (word.matches("[1-9][0-9]{0,9}") && pids.size() < MAX_OTHER_PIDS) {
                pids.add(Long.parseLong(word));
            }
        }
        return pids;
    }

    /**
     * Names the agent's process and the calling thread {@value #AGENT_COMM} (instead of "java"), so a program that
     * counts by command name shows the agent under a name that says what it is. Threads started later by the JVM
     * take names of their own. Does nothing where /proc cannot be written.
     */
    static void nameThisProcess() {
        for (String comm : new String[] {"/proc/self/comm", "/proc/thread-self/comm"}) {
            try {
                Files.writeString(Path.of(comm), AGENT_COMM);
            } catch (IOException | UnsupportedOperationException e) {
                // the agent works the same under its old name; programs then show it as "java"
            }
        }
    }

    /**
     * Reads the names of the agent's threads again (about 30 files of /proc): at attach, and after each workload,
     * which may have started threads.
     */
    void refreshThreadNames() {
        Set<String> names = new HashSet<>();
        names.add(AGENT_COMM);
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve("self/task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    if (!name.isEmpty()) {
                        names.add(name);
                    }
                } catch (IOException gone) {
                    // the thread ended while we listed them
                }
            }
        } catch (IOException e) {
            return; // keep the names we had
        }
        threadNames = Set.copyOf(names);
    }

    /** Whether a decoded record, key or value names one of the lab's processes (see the class comment). */
    boolean names(JsonNode decoded) {
        if (decoded == null) {
            return false;
        }
        if (decoded.isTextual()) {
            return isLabComm(decoded.asText());
        }
        if (!decoded.isObject()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> field : decoded.properties()) {
            JsonNode value = field.getValue();
            if (ID_FIELDS.contains(field.getKey()) && value.isIntegralNumber() && isLabPid(value.asLong())) {
                return true;
            }
            if (field.getKey().equals("comm") && value.isTextual() && isLabComm(value.asText())) {
                return true;
            }
        }
        return false;
    }

    /** The entry, labelled when its key or value names one of the lab's processes. */
    MapEntry label(MapEntry entry) {
        return names(entry.key()) || names(entry.value()) ? entry.asLab() : entry;
    }

    /** A printk line's process: {@code pid} is the thread's id as the kernel's trace gives it. */
    boolean isLab(long pid, String comm) {
        return isLabPid(pid) || isLabComm(comm);
    }

    boolean isLabComm(String comm) {
        return comm != null && threadNames.contains(comm);
    }

    /** The agent's process or one of its threads, or one of the other lab processes or one of their threads. */
    boolean isLabPid(long id) {
        if (id <= 0) {
            return false;
        }
        if (id == ownPid || otherPids.contains(id)) {
            return true;
        }
        Boolean known = threads.get(id);
        if (known != null) {
            return known;
        }
        boolean ours = Files.isDirectory(PROC.resolve(ownPid + "/task/" + id));
        for (long other : otherPids) {
            ours = ours || Files.isDirectory(PROC.resolve(other + "/task/" + id));
        }
        if (threads.size() >= MAX_CACHED_IDS) {
            threads.clear(); // ids are mostly new ones (pids grow): start over rather than track age
        }
        threads.put(id, ours);
        return ours;
    }
}
