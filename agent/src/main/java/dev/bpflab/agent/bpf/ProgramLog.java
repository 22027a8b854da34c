package dev.bpflab.agent.bpf;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

    /**
     * Loads the object again, every program it loads by itself, each asking the verifier only for its statistics
     * (BPF_LOG_STATS: verification time, stack depth, processed instructions, total and peak states; a few hundred
     * bytes): what {@code bpf_prog_info} does not hold. One open and one load for all programs; nothing is attached,
     * and the object (its maps too) is closed before this returns. Arguments as for {@link #verbose}.
     *
     * @param logBytes each program's log buffer; the kernel (before 6.4) fails a load whose log does not fit
     * @return program name → its statistics' log, for the programs the load reached (all, when it succeeds)
     * @throws BpfException when the object does not open or load again (the message says why)
     */
    public static Map<String, String> statistics(byte[] elf, Path coreBtf, Map<String, JsonNode> globals, int logBytes)
            throws BpfException {
        try (BpfObject object = BpfObject.open(elf, "prog", logBytes, coreBtf)) {
            if (!globals.isEmpty()) {
                object.setGlobals(globals);
            }
            Map<String, Memory> logs = new LinkedHashMap<>();
            for (BpfProgram p : object.programs()) {
                if (p.autoload()) {
                    Memory log = new Memory(logBytes);
                    log.setByte(0, (byte) 0);
                    logs.put(p.name(), log);
                    LibBpf.INSTANCE.bpf_program__set_log_buf(p.pointer(), log, logBytes);
                    LibBpf.INSTANCE.bpf_program__set_log_level(p.pointer(), LOG_LEVEL_STATS_ONLY);
                }
            }
            Map<String, String> texts = new LinkedHashMap<>();
            try {
                object.load();
            } finally {
                // The buffers are the kernel's to write until load returns; read and freed only then.
                logs.forEach((name, log) -> {
                    texts.put(name, log.getString(0, StandardCharsets.UTF_8.name()));
                    log.close();
                });
            }
            return texts;
        }
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
