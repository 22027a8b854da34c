package dev.bpflab.agent;

import dev.bpflab.agent.bpf.BpfProgram;
import dev.bpflab.agent.bpf.ProgramInfo;
import dev.bpflab.protocol.LoadedProgram;
import dev.bpflab.protocol.ProgramInstructions;
import dev.bpflab.protocol.ServerMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The attached object as the kernel holds it after load, for a {@code read_loaded}: per program, what
 * {@code bpf_prog_info} says (id, xlated and JIT sizes, instructions verified), the rewritten instructions
 * ({@link XlatedListing}), and the verifier's statistics from a stats-only log of a second load. Read only when asked:
 * a Run pays nothing for it. What a read costs, measured with unlink_events.bpf.c (one program, 31 instructions): on
 * the qemu backend under TCG (2 shared cores) 3.5 to 4.2 s from request to answer, of which bpftool's dump is about
 * 3 s (it reads the whole /proc/kallsyms to name the helpers called) and the statistics' second load 0.14 s; on the
 * local backend (this host's kernel) 0.6 to 2.8 s, depending on the host's load.
 */
final class LoadedView {
    /** {@code verification time 27 usec} (BPF_LOG_STATS only). */
    private static final Pattern TIME = Pattern.compile("verification time (\\d+) usec");
    /** {@code processed 21 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 1}. */
    private static final Pattern PROCESSED = Pattern.compile(
            "processed (\\d+) insns \\(limit \\d+\\) max_states_per_insn \\d+ total_states (\\d+) peak_states (\\d+)");

    /** What was read of one live program while the run's object was held. */
    record Live(String name, ProgramInfo info, XlatedListing.Listing listing) {
    }

    /** The verifier's statistics of one program; a figure its log did not give is null. */
    record Stats(Long processed, Long totalStates, Long peakStates, Long micros) {
        static final Stats NONE = new Stats(null, null, null, null);
    }

    private LoadedView() {
    }

    /**
     * Reads the loaded programs' info and rewritten instructions (at most {@value ProgramInstructions#MAX_PER_PROGRAM}
     * each, {@value ProgramInstructions#MAX_TOTAL} in all). What could not be read is added to {@code problems}.
     */
    static List<Live> read(List<BpfProgram> programs, List<String> problems) {
        Optional<Path> bpftool = XlatedListing.bpftool();
        if (bpftool.isEmpty()) {
            problems.add("bpftool is not installed in the sandbox, so the rewritten instructions cannot be listed "
                    + "(apt-get install bpftool); the sizes and statistics are the kernel's");
        }
        List<Live> live = new ArrayList<>();
        int budget = ProgramInstructions.MAX_TOTAL;
        for (BpfProgram program : programs) {
            ProgramInfo info = program.info();
            if (info == null || info.id() < 1 || live.size() == ProgramInstructions.MAX_PROGRAMS) {
                continue; // not loaded (autoload off), or past what one answer lists
            }
            XlatedListing.Listing listing = new XlatedListing.Listing(List.of(), false);
            if (bpftool.isPresent()) {
                try {
                    listing = XlatedListing.dump(bpftool.get(), info.id(),
                            Math.min(budget, ProgramInstructions.MAX_PER_PROGRAM));
                    budget -= listing.instructions().size();
                } catch (IOException e) {
                    problems.add(program.name() + ": " + e.getMessage());
                }
            }
            live.add(new Live(program.name(), info, listing));
        }
        return live;
    }

    /** Parses a BPF_LOG_STATS log ({@link dev.bpflab.agent.bpf.ProgramLog#statistics}). */
    static Stats stats(String log) {
        if (log == null) {
            return Stats.NONE;
        }
        Matcher time = TIME.matcher(log);
        Matcher processed = PROCESSED.matcher(log);
        boolean counted = processed.find();
        return new Stats(counted ? Long.valueOf(processed.group(1)) : null,
                counted ? Long.valueOf(processed.group(2)) : null, counted ? Long.valueOf(processed.group(3)) : null,
                time.find() ? Long.valueOf(time.group(1)) : null);
    }

    /** The answer: each live program with its statistics ({@code logs}: program name → stats-only log). */
    static ServerMessage.LoadedPrograms answer(List<Live> live, Map<String, String> logs, List<String> problems) {
        List<LoadedProgram> programs = new ArrayList<>();
        boolean truncated = false;
        for (Live p : live) {
            Stats stats = stats(logs.get(p.name()));
            ProgramInfo info = p.info();
            // verified_insns is the live program's own count; a kernel before 5.16 leaves it 0, and the log says it.
            Long processed = info.verifiedInsns() > 0 ? Long.valueOf(info.verifiedInsns()) : stats.processed();
            programs.add(new LoadedProgram(p.name(), info.id(), (int) Math.min(Integer.MAX_VALUE, info.xlatedBytes() / 8),
                    info.jitedBytes() > 0 ? (int) Math.min(Integer.MAX_VALUE, info.jitedBytes()) : null, processed,
                    stats.totalStates(), stats.peakStates(), stats.micros(), p.listing().instructions(),
                    p.listing().truncated()));
            truncated |= p.listing().truncated();
        }
        return new ServerMessage.LoadedPrograms(programs, truncated,
                problems.isEmpty() ? null : String.join("; ", problems));
    }
}
