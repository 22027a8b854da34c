package dev.bpflab.agent.bpf;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The verifier's full log (level 2: every instruction with the registers it touched) of a program that loads: the
 * kernel says nothing of an accepted program, but what it later refuses at attach (reading past a tracepoint's
 * context) is found in this walk. Costs a second load of that one program, so it is only asked for after a failure.
 */
public final class ProgramLog {
    private static final int LOG_LEVEL_STATES = 2;
    /** BPF_LOG_STATS alone: the verifier's complaint and its statistics, none of the walk. */
    private static final int LOG_LEVEL_STATS_ONLY = 4;

    private ProgramLog() {
    }

    /**
     * Loads {@code program} of the object again, alone, with a level-2 log, and returns that log.
     *
     * @param coreBtf  as for {@link BpfObject#open(byte[], String, int, Path)}: null for the running kernel's BTF
     * @param globals  the run's global variables: they decide which code the verifier walks
     * @param logBytes at most this many bytes of log; a longer one is cut
     * @throws BpfException when the object does not open or load again, or has no such program
     */
    public static String verbose(byte[] elf, Path coreBtf, Map<String, JsonNode> globals, String program, int logBytes)
            throws BpfException {
        return load(elf, coreBtf, globals, program, logBytes, LOG_LEVEL_STATES);
    }

    /**
     * Loads {@code program} of the object again, alone, asking the verifier only for its complaint and statistics
     * (a few hundred bytes): what a kernel that keeps only the start of a full log (before 6.4) leaves out of a
     * walk too long for the buffer. Arguments as for {@link #verbose}.
     */
    public static String reason(byte[] elf, Path coreBtf, Map<String, JsonNode> globals, String program, int logBytes)
            throws BpfException {
        return load(elf, coreBtf, globals, program, logBytes, LOG_LEVEL_STATS_ONLY);
    }

    private static String load(byte[] elf, Path coreBtf, Map<String, JsonNode> globals, String program, int logBytes,
            int level) throws BpfException {
        try (BpfObject object = BpfObject.open(elf, "prog", logBytes, coreBtf); Memory log = new Memory(logBytes)) {
            log.setByte(0, (byte) 0);
            if (!globals.isEmpty()) {
                object.setGlobals(globals);
            }
            boolean found = false;
            for (BpfProgram p : object.programs()) {
                if (p.name().equals(program)) {
                    found = true;
                    LibBpf.INSTANCE.bpf_program__set_log_buf(p.pointer(), log, logBytes);
                    LibBpf.INSTANCE.bpf_program__set_log_level(p.pointer(), level);
                } else {
                    LibBpf.INSTANCE.bpf_program__set_autoload(p.pointer(), false);
                }
            }
            if (!found) {
                throw new BpfException("the object has no program '" + program + "'");
            }
            try {
                object.load();
            } catch (BpfException refused) {
                // Either it loaded before and only a log that did not fit fails it now (what fit is still a walk), or
                // it is the rejection whose reason is asked for: the log holds it either way.
            }
            return log.getString(0, StandardCharsets.UTF_8.name());
        }
    }
}
