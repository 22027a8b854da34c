package dev.bpflab.agent;

import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.DiagnosticHints;
import dev.bpflab.support.system.RunningKernel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, in a verifier log, the instruction the verifier stopped at, the reason it gave, and the learner's source
 * line behind it. With BTF line info the verifier prints "; <source text> @ file.c:LINE" before the instructions of
 * each line (kernels ≥ 6.x print the "@ file:line" part; older ones only the text, which is matched back). Some
 * rejections are about another line than the last one walked; {@link VerifierReasons} moves those.
 */
final class VerifierLogMapper {
    private static final Pattern INSTRUCTION = Pattern.compile("^\\s*(\\d+): \\([0-9a-f]{2}\\).*");
    private static final Pattern SOURCE_LINE = Pattern.compile("^; (.*?)(?: @ (\\S+):(\\d+))?$");
    private static final Pattern STATISTICS = Pattern.compile(
            "^(verification time|stack depth|processed \\d+ insns|-- END PROG LOAD LOG|Live regs before insn|func#).*");
    /** Lines of the walk that are not the reason: register states ("9: R0=…"), precision tracking, path starts. */
    private static final Pattern WALK = Pattern.compile("^(\\d+: R\\d.*|mark_precise: .*|from \\d+ to \\d+: .*|\\d+: .*=.*)$");
    private static final Pattern PATH = Pattern.compile("^from (\\d+) to (\\d+): .*");
    private static final Pattern PROCESSED = Pattern.compile("(?m)^processed \\d+ insns");
    /** A conditional jump ("10: (15) if r0 == 0x0 goto pc-8"): where the verifier pushes the path it walks later. */
    private static final Pattern CONDITIONAL = Pattern.compile("^\\s*\\d+: \\([0-9a-f]{2}\\) if .*");
    /** Said at the conditional jump whose other path no longer fits the verifier's stack of paths to walk. */
    private static final Pattern TOO_MANY_JUMPS = Pattern.compile("The sequence of \\d+ jumps is too complex");

    /**
     * @param line        1-based line of the learner's source; 0 when unknown
     * @param instruction the instruction the verifier stopped at, -1 when unknown
     * @param lines       instruction → line, for the instructions the log shows under a source line of their own
     * @param lastBranch  the last jump the walk took into the failing path (a "from X to Y", or a goto followed by
     *                    its target), or -1
     */
    record Finding(int line, int column, String message, int instruction, Map<Integer, Integer> lines, int lastBranch) {
        Finding at(int newLine, String[] sourceLines, String newMessage) {
            return new Finding(newLine, columnOf(sourceLines, newLine, null), newMessage, instruction, lines, lastBranch);
        }
    }

    private VerifierLogMapper() {
    }

    static Finding map(String log, String source) {
        String[] logLines = log.split("\n");
        String[] sourceLines = source.split("\n", -1);
        Map<Integer, Integer> lines = new HashMap<>();
        int lastInstructionAt = -1;
        int instruction = -1;
        int lastBranch = -1;
        int line = 0;
        String sourceText = null;
        int searchFrom = 0;
        boolean lineKnown = true;
        boolean printedSinceInstruction = false;
        int lastConditionalLine = 0;
        String lastConditionalText = null;
        for (int i = 0; i < logLines.length; i++) {
            String l = logLines[i];
            Matcher insn = INSTRUCTION.matcher(l);
            if (insn.matches() && !l.startsWith("      ")) {
                int next = Integer.parseInt(insn.group(1));
                boolean wide = lastInstructionAt >= 0 && logLines[lastInstructionAt].contains(": (18) ");
                if (instruction >= 0 && next != instruction + 1 && !(wide && next == instruction + 2)) {
                    // A jump taken: the verifier prints a line only when it changes from the last it printed, so
                    // until the next one, where these instructions come from is not known.
                    lastBranch = instruction;
                    lineKnown = printedSinceInstruction;
                }
                printedSinceInstruction = false;
                lastInstructionAt = i;
                instruction = next;
                if (line > 0 && lineKnown) {
                    lines.putIfAbsent(instruction, line);
                    if (CONDITIONAL.matcher(l).matches()) {
                        lastConditionalLine = line;
                        lastConditionalText = sourceText;
                    }
                }
                continue;
            }
            Matcher path = PATH.matcher(l);
            if (path.matches()) {
                lastBranch = Integer.parseInt(path.group(1));
                instruction = -1;
                lineKnown = false;
                continue;
            }
            Matcher src = SOURCE_LINE.matcher(l);
            if (src.matches()) {
                if (src.group(3) != null && src.group(2).endsWith(AgentCommand.SOURCE_FILE)) {
                    int n = Integer.parseInt(src.group(3));
                    if (n > 0) {
                        line = n;
                        sourceText = src.group(1);
                        lineKnown = true;
                        printedSinceInstruction = true;
                    }
                } else if (src.group(3) == null && !src.group(1).isBlank()) {
                    int found = findLine(sourceLines, src.group(1).strip(), searchFrom);
                    if (found > 0) {
                        line = found;
                        searchFrom = found - 1;
                        sourceText = src.group(1);
                        lineKnown = true;
                        printedSinceInstruction = true;
                    }
                }
            }
        }
        String message = reason(logLines, lastInstructionAt);
        if (TOO_MANY_JUMPS.matcher(message).find() && lastConditionalLine > 0) {
            line = lastConditionalLine;
            sourceText = lastConditionalText;
        }
        int column = columnOf(sourceLines, line, sourceText);
        return VerifierReasons.refine(new Finding(line, column, message, instruction, lines, lastBranch), sourceLines,
                RunningKernel.release());
    }

    /** Whether the log goes on to the verifier's closing statistics: it was not cut before its reason. */
    static boolean hasStatistics(String log) {
        return PROCESSED.matcher(log).find();
    }

    /**
     * A walk cut short by a full buffer (its last, partial line dropped), followed by {@code reasonLog}: the
     * complaint and statistics of the same program loaded again with a stats-only log. The walk still places the
     * complaint; {@code walk} alone when {@code reasonLog} is blank.
     */
    static String withReason(String walk, String reasonLog) {
        if (reasonLog == null || reasonLog.isBlank()) {
            return walk;
        }
        int lastBreak = walk.lastIndexOf('\n');
        String complete = lastBreak < 0 ? "" : walk.substring(0, lastBreak);
        return complete + "\n" + reasonLog.strip();
    }

    /** The one diagnostic for a rejection, with the hint for its kind when it is of a known kind. */
    static Diagnostic diagnostic(String log, String source) {
        Finding f = map(log, source);
        return DiagnosticHints.withHint(new Diagnostic(f.line(), f.column(), "error", f.message()));
    }

    private static String reason(String[] logLines, int lastInstructionAt) {
        List<String> reason = new ArrayList<>();
        int start = lastInstructionAt + 1;
        for (int i = start; i < logLines.length; i++) {
            String l = logLines[i].strip();
            if (l.isEmpty() || STATISTICS.matcher(l).matches()) {
                if (!reason.isEmpty()) {
                    break;
                }
                continue;
            }
            if (SOURCE_LINE.matcher(l).matches() || INSTRUCTION.matcher(l).matches() || WALK.matcher(l).matches()) {
                continue;
            }
            reason.add(l);
        }
        if (reason.isEmpty()) {
            for (int i = logLines.length - 1; i >= 0; i--) {
                String l = logLines[i].strip();
                if (!l.isEmpty() && !STATISTICS.matcher(l).matches()) {
                    return l;
                }
            }
            return "the verifier rejected the program";
        }
        return String.join("\n", reason);
    }

    private static int findLine(String[] sourceLines, String text, int from) {
        for (int pass = 0; pass < 2; pass++) {
            for (int i = pass == 0 ? from : 0; i < sourceLines.length; i++) {
                if (sourceLines[i].strip().equals(text)) {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    /** 1-based column of {@code sourceText} on {@code line}, else of its first non-blank character; 1 when unknown. */
    static int columnOf(String[] sourceLines, int line, String sourceText) {
        if (line <= 0 || line > sourceLines.length) {
            return 1;
        }
        String text = sourceLines[line - 1];
        int at = sourceText == null || sourceText.isBlank() ? -1 : text.indexOf(sourceText.strip());
        return at >= 0 ? at + 1 : firstNonBlank(text) + 1;
    }

    private static int firstNonBlank(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return 0;
    }
}
