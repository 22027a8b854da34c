package dev.bpflab.kernels;

import dev.bpflab.protocol.KernelFeature;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What kernel features a program's source needs ({@link KernelFeature}), each where it is needed: calls of the
 * open-coded iterator macros and kfuncs, sections of program kinds ({@code SEC("fentry/…")}), map types. Comments
 * and string literals are not read, except the section name inside {@code SEC("…")}. This reads words, not C: a
 * macro that hides one of them is not seen (the verifier then says what it says).
 */
public final class KernelNeeds {
    /** One need: {@code what} (the word as written, e.g. "bpf_for" or "SEC(\"fentry/…\")") at a 1-based line and column. */
    public record Need(KernelFeature feature, String what, int line, int column) {
    }

    private record Rule(Pattern pattern, KernelFeature feature, String what) {
    }

    private static final List<Rule> RULES = List.of(
            call("bpf_for", KernelFeature.OPEN_CODED_ITERATORS),
            call("bpf_for_each", KernelFeature.OPEN_CODED_ITERATORS),
            call("bpf_repeat", KernelFeature.OPEN_CODED_ITERATORS),
            new Rule(Pattern.compile("\\bbpf_iter_num_\\w*"), KernelFeature.OPEN_CODED_ITERATORS, null),
            section("fentry|fexit|fmod_ret", "(?:\\.s)?", KernelFeature.FENTRY),
            section("lsm", "(?:\\.s)?", KernelFeature.LSM),
            section("kprobe|kretprobe|ksyscall|kretsyscall", "", KernelFeature.KPROBE),
            new Rule(Pattern.compile("\\bBPF_MAP_TYPE_RINGBUF\\b"), KernelFeature.RINGBUF, null));

    private KernelNeeds() {
    }

    private static Rule call(String name, KernelFeature feature) {
        return new Rule(Pattern.compile("\\b" + name + "\\s*\\("), feature, name);
    }

    /** {@code SEC("kind/…")}: group 1 is the kind as written (with ".s" when sleepable). */
    private static Rule section(String kinds, String sleepable, KernelFeature feature) {
        return new Rule(Pattern.compile("\\bSEC\\s*\\(\\s*\"((?:" + kinds + ")" + sleepable + ")/"), feature, null);
    }

    /** Every need of {@code source}, in the order they are written. */
    public static List<Need> of(String source) {
        String code = SourceMask.codeOnly(source);
        int[] lineStarts = lineStarts(code);
        List<Need> needs = new ArrayList<>();
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(code);
            while (m.find()) {
                String what = rule.what() != null ? rule.what()
                        : m.groupCount() >= 1 ? "SEC(\"" + m.group(1) + "/…\")" : m.group();
                int line = lineOf(lineStarts, m.start());
                needs.add(new Need(rule.feature(), what, line + 1, m.start() - lineStarts[line] + 1));
            }
        }
        needs.sort(Comparator.comparingInt(Need::line).thenComparingInt(Need::column));
        return needs;
    }

    /** The offset where each line of {@code text} starts, the first at 0. */
    static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The 0-based line holding {@code offset}. */
    static int lineOf(int[] lineStarts, int offset) {
        int found = java.util.Arrays.binarySearch(lineStarts, offset);
        return found >= 0 ? found : -found - 2;
    }
}
