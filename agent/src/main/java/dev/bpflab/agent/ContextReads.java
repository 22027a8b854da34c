package dev.bpflab.agent;

import dev.bpflab.agent.bpf.AttachException;
import dev.bpflab.agent.bpf.BpfException;
import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.DiagnosticHints;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tracepoint program that reads past the end of its context loads (the verifier only bounds a tracepoint's context
 * by a generous maximum) and is refused at attach, with no log: EACCES for {@code tracepoint/}, EINVAL for
 * {@code raw_tp/}, where the kernel compares the furthest context byte the program reads with what that tracepoint
 * gives. The furthest read is found in the verifier's walk of the program (a level-2 log, where each instruction
 * shows the registers it used) and put on its source line.
 */
final class ContextReads {
    /** A load "N: (79) r4 = *(u64 *)(r1 +56)   ; R1=ctx() R4=scalar()": instruction, size, base register, offset. */
    private static final Pattern LOAD = Pattern.compile(
            "^\\s*(\\d+): \\([0-9a-f]{2}\\) r\\d+ = \\*\\([us](8|16|32|64) \\*\\)\\(r(\\d+) ([+-]\\d+)\\)(.*)$");
    /** A register's type in a state the verifier prints: "R6_w=ctx()", "R1=ctx(off=0,imm=0)", "R0=scalar()". */
    private static final Pattern REGISTER = Pattern.compile("\\bR(\\d+)(?:_[a-zA-Z]+)?=(\\S+)");
    private static final Pattern TRACEPOINT = Pattern.compile("^(?:tracepoint|tp)/([^/]+)/([^/]+)$");
    private static final Pattern RAW_TRACEPOINT = Pattern.compile("^(?:raw_tracepoint|raw_tp)/([^/]+)$");

    /** Gives the level-2 verifier log of the failed program. */
    interface LogSource {
        String verboseLog() throws BpfException;
    }

    /** A read of {@code size} bytes at {@code offset} of the context, by instruction {@code instruction}. */
    record Read(int instruction, int offset, int size) {
        int end() {
            return offset + size;
        }
    }

    private ContextReads() {
    }

    /**
     * The diagnostic for an attach refused because the program reads past its context, on the line of that read;
     * empty when {@code failure} is of another kind (other errno, other program type, no such read).
     */
    static Optional<Diagnostic> diagnostic(AttachException failure, String source, LogSource logs) {
        Matcher tracepoint = TRACEPOINT.matcher(failure.section());
        Matcher raw = RAW_TRACEPOINT.matcher(failure.section());
        boolean isTracepoint = tracepoint.matches() && failure.errno() == AttachException.EACCES;
        if (!isTracepoint && !(raw.matches() && failure.errno() == AttachException.EINVAL)) {
            return Optional.empty();
        }
        TracepointFormat format = isTracepoint
                ? TracepointFormat.of(tracepoint.group(1), tracepoint.group(2)).orElse(null) : null;
        String log;
        try {
            log = logs.verboseLog();
        } catch (BpfException e) {
            return Optional.empty();
        }
        Read read = furthest(log).orElse(null);
        if (read == null || format != null && read.end() <= format.size()) {
            return Optional.empty(); // the program stays inside its context: refused for another reason
        }
        String[] sourceLines = source.split("\n", -1);
        int line = VerifierLogMapper.map(log, source).lines().getOrDefault(read.instruction(), 0);
        String gives;
        if (isTracepoint) {
            String name = tracepoint.group(1) + "/" + tracepoint.group(2);
            gives = format == null ? "tracepoint " + name + " gives fewer bytes"
                    : "tracepoint " + name + " gives " + format.size() + " bytes (" + format.describe() + ")";
        } else {
            gives = "raw tracepoint " + raw.group(1) + " passes fewer arguments";
        }
        String argument = !isTracepoint && read.offset() % 8 == 0 ? " (ctx->args[" + read.offset() / 8 + "])" : "";
        String message = "program '" + failure.program() + "' reads " + read.size() + " bytes at offset " + read.offset()
                + " of its context" + argument + ", past its end: " + gives + ", so the kernel refused to attach it: "
                + failure.errnoText();
        int column = line > 0 ? VerifierLogMapper.columnOf(sourceLines, line, null) : 0;
        return Optional.of(DiagnosticHints.withHint(new Diagnostic(line, column, "error", message)));
    }

    /**
     * The context read that reaches furthest in a level-2 verifier log: the one that makes the kernel refuse the
     * attach. Registers are followed through the states the log prints, so a context pointer copied to another
     * register (r6 = r1) is still known as one.
     */
    static Optional<Read> furthest(String log) {
        Set<Integer> context = new HashSet<>();
        Read furthest = null;
        for (String line : log.split("\n")) {
            if (line.startsWith(";")) {
                continue; // a source line: the learner's text, no register states
            }
            Matcher load = LOAD.matcher(line);
            String states = line;
            if (load.matches()) {
                if (context.contains(Integer.parseInt(load.group(3)))) {
                    Read read = new Read(Integer.parseInt(load.group(1)), Integer.parseInt(load.group(4)),
                            Integer.parseInt(load.group(2)) / 8);
                    if (furthest == null || read.end() > furthest.end()) {
                        furthest = read;
                    }
                }
                states = load.group(5);
            }
            Matcher register = REGISTER.matcher(states);
            while (register.find()) {
                int number = Integer.parseInt(register.group(1));
                if (register.group(2).startsWith("ctx")) {
                    context.add(number);
                } else {
                    context.remove(number);
                }
            }
        }
        return Optional.ofNullable(furthest);
    }
}
