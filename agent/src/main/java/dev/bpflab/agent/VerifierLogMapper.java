package dev.bpflab.agent;

import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, in a verifier log, the instruction the verifier stopped at, the reason it gave, and the learner's source
 * line behind it. With BTF line info the verifier prints "; <source text> @ file.c:LINE" before the instructions of
 * each line (kernels ≥ 6.x print the "@ file:line" part; older ones only the text, which is matched back).
 */
final class VerifierLogMapper {
    private static final Pattern INSTRUCTION = Pattern.compile("^\\s*(\\d+): \\([0-9a-f]{2}\\).*");
    private static final Pattern SOURCE_LINE = Pattern.compile("^; (.*?)(?: @ (\\S+):(\\d+))?$");
    private static final Pattern STATISTICS = Pattern.compile(
            "^(verification time|stack depth|processed \\d+ insns|-- END PROG LOAD LOG|Live regs before insn|func#).*");

    record Finding(int line, int column, String message, int instruction) {
    }

    private VerifierLogMapper() {
    }

    static Finding map(String log, String source) {
        String[] logLines = log.split("\n");
        String[] sourceLines = source.split("\n", -1);
        int lastInstructionAt = -1;
        int instruction = -1;
        int line = 0;
        String sourceText = null;
        int searchFrom = 0;
        for (int i = 0; i < logLines.length; i++) {
            String l = logLines[i];
            Matcher insn = INSTRUCTION.matcher(l);
            if (insn.matches() && !l.startsWith("      ")) {
                lastInstructionAt = i;
                instruction = Integer.parseInt(insn.group(1));
                continue;
            }
            Matcher src = SOURCE_LINE.matcher(l);
            if (src.matches()) {
                if (src.group(3) != null && src.group(2).endsWith(AgentCommand.SOURCE_FILE)) {
                    int n = Integer.parseInt(src.group(3));
                    if (n > 0) {
                        line = n;
                        sourceText = src.group(1);
                    }
                } else if (src.group(3) == null && !src.group(1).isBlank()) {
                    int found = findLine(sourceLines, src.group(1).strip(), searchFrom);
                    if (found > 0) {
                        line = found;
                        searchFrom = found - 1;
                        sourceText = src.group(1);
                    }
                }
            }
        }
        String message = reason(logLines, lastInstructionAt);
        int column = 1;
        if (line > 0 && line <= sourceLines.length) {
            String text = sourceLines[line - 1];
            int at = sourceText == null ? -1 : text.indexOf(sourceText.strip());
            column = at >= 0 ? at + 1 : firstNonBlank(text) + 1;
        }
        return new Finding(line, column, message, instruction);
    }

    static Diagnostic diagnostic(String log, String source) {
        Finding f = map(log, source);
        return new Diagnostic(f.line(), f.column(), "error", f.message());
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
            if (SOURCE_LINE.matcher(l).matches() || INSTRUCTION.matcher(l).matches()) {
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

    private static int firstNonBlank(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return 0;
    }
}
