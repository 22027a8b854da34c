package dev.bpflab.agent;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rejections whose line is not the one the verifier stopped at. A leaked reference is reported at the exit, but the
 * learner must look at where it was taken (the reserve or lookup) and at the path that leaves without releasing it.
 * A CO-RE relocation libbpf could not resolve is poisoned into an instruction the verifier trips on; the line that
 * matters is the field access, and the message names the field and this kernel.
 */
final class VerifierReasons {
    private static final Pattern UNRELEASED = Pattern.compile("Unreleased reference id=\\d+ alloc_insn=(\\d+)");
    /** libbpf rewrites the poisoned call in the log as "failed to resolve CO-RE relocation <kind> [id] struct a.b.c (…)". */
    private static final Pattern CORE_FAILED = Pattern.compile(
            "failed to resolve CO-RE relocation <([a-z_]+)> \\[\\d+\\] (?:struct|union|typedef|enum)? ?([\\w.]+?)(?: \\(.*)?$",
            Pattern.MULTILINE);
    /** libbpf's names of the relocation kinds about a field (the others are about types and enum values). */
    private static final java.util.Set<String> FIELD_KINDS =
            java.util.Set.of("byte_off", "byte_sz", "field_exists", "signed", "lshift_u64", "rshift_u64");
    private static final Pattern BACK_EDGE = Pattern.compile("back-edge from insn|infinite loop detected|loop detected");
    private static final Pattern LOOP = Pattern.compile("^\\s*(?:#pragma unroll|for\\s*\\(|while\\s*\\(|do\\s*\\{?\\s*$)");
    private static final Pattern CORE_POISON = Pattern.compile("invalid func unknown#195896080|<invalid CO-RE relocation>");

    private VerifierReasons() {
    }

    static VerifierLogMapper.Finding refine(VerifierLogMapper.Finding f, String[] sourceLines, String kernelRelease) {
        Matcher unreleased = UNRELEASED.matcher(f.message());
        if (unreleased.find()) {
            return unreleased(f, Integer.parseInt(unreleased.group(1)), sourceLines);
        }
        if (CORE_POISON.matcher(f.message()).find() || CORE_FAILED.matcher(f.message()).find()) {
            return coreRelocation(f, sourceLines, kernelRelease);
        }
        if (f.line() == 0 && BACK_EDGE.matcher(f.message()).find()) {
            // The control-flow check runs before the walk, so its log has no source lines: point at the loop.
            for (int i = 0; i < sourceLines.length; i++) {
                if (LOOP.matcher(sourceLines[i]).find()) {
                    return f.at(i + 1, sourceLines, f.message());
                }
            }
        }
        return f;
    }

    private static VerifierLogMapper.Finding unreleased(VerifierLogMapper.Finding f, int allocInsn, String[] sourceLines) {
        Integer taken = f.lines().get(allocInsn);
        if (taken == null) {
            return f;
        }
        Integer branch = f.lastBranch() >= 0 ? f.lines().get(f.lastBranch()) : null;
        StringBuilder message = new StringBuilder("the reference taken on line ").append(taken)
                .append(" (a ring buffer reservation or a lookup that must be released) is still held when the program "
                        + "exits");
        // The exit's own line, as first shown: a later walk may reach it without the log repeating its line.
        Integer exit = f.lines().get(f.instruction());
        if (exit != null) {
            message.append(" at line ").append(exit);
        }
        if (branch != null && !branch.equals(taken)) {
            message.append(", on the path that branches at line ").append(branch);
            int early = exit == null ? returnAfter(sourceLines, branch) : 0;
            if (early > 0) {
                message.append(" and returns at line ").append(early);
            }
        }
        message.append(": submit, discard or release it before that return\n").append(f.message());
        return f.at(taken, sourceLines, message.toString());
    }

    /**
     * The return a branch at {@code line} leads to when the log does not show it (the compiler merges returns into one
     * exit, and the verifier does not repeat a line it printed before): the next line that is a return statement,
     * when it comes before the function's closing brace.
     */
    private static int returnAfter(String[] sourceLines, int line) {
        for (int i = line; i < sourceLines.length; i++) {
            String code = sourceLines[i].strip();
            if (code.startsWith("return") || code.matches("^(?:if|else).*\\breturn\\b.*")) {
                return i + 1;
            }
            if (code.startsWith("}") && sourceLines[i].startsWith("}")) {
                return 0;
            }
        }
        return 0;
    }

    private static VerifierLogMapper.Finding coreRelocation(VerifierLogMapper.Finding f, String[] sourceLines,
            String kernelRelease) {
        Matcher failed = CORE_FAILED.matcher(f.message());
        String original = f.message().replaceAll("(?m)^\\d+: <invalid CO-RE relocation>\\n?", "").strip();
        if (!failed.find()) {
            return f.at(f.line(), sourceLines, "a CO-RE relocation could not be resolved against this kernel ("
                    + kernelRelease + ")\n" + original);
        }
        String path = failed.group(2);
        String field = path.substring(path.lastIndexOf('.') + 1);
        boolean fieldAccess = path.contains(".") && FIELD_KINDS.contains(failed.group(1));
        String what = fieldAccess ? "field " + path : failed.group(1).replace('_', ' ') + " of " + path;
        int line = fieldAccess ? accessLine(sourceLines, field, f.line()) : 0;
        if (line == 0) {
            line = f.line();
        }
        String message = "this kernel (" + kernelRelease + ") has no " + what
                + (line > 0 ? ", which line " + line + " reads" : "")
                + (fieldAccess ? "; check it with bpf_core_field_exists() first" : "") + "\n" + original;
        return f.at(line, sourceLines, message);
    }

    /**
     * The line that reads {@code field}: "->field", ".field" or a BPF_CORE_READ(…, field) argument, looked for from
     * the last line the verifier walked (the poisoned instruction comes after it), then from the top.
     */
    static int accessLine(String[] sourceLines, String field, int from) {
        Pattern access = Pattern.compile("(->|\\.)\\s*" + Pattern.quote(field) + "\\b|,\\s*" + Pattern.quote(field)
                + "\\s*[,)]");
        for (int pass = 0; pass < 2; pass++) {
            for (int i = pass == 0 ? Math.max(0, from - 1) : 0; i < sourceLines.length; i++) {
                String code = sourceLines[i].strip();
                if (!code.startsWith("//") && !code.startsWith("*") && access.matcher(sourceLines[i]).find()) {
                    return i + 1;
                }
            }
        }
        return 0;
    }
}
