package dev.bpflab.web;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds the places in a page module's text where a run phase or a run message type is spelled as a string literal
 * where the page should name it from {@code web/src/protocol.js}: compared with ({@code phase === 'attached'},
 * {@code message.type === 'event'}), switched on ({@code case 'phase':}), listed ({@code new Set(['queued', …])},
 * {@code setPhase('failed')}), used as the type of a message ({@code {type: 'run'}}) or as the keys of a table of
 * phases ({@code {failed: 0, queued: 1}}). Other strings that happen to be the same words (a CSS class 'error', a
 * text key {@code loading:}, a room message {@code type === 'push'}) are left alone.
 */
final class ContractLiterals {
    private static final String Q = "['\"`]";

    private final List<Rule> rules;
    private final Pattern phaseKey;

    /** A finding: 1-based line, which rule, and the line's text. */
    record Finding(int line, String rule, String text) {
        @Override
        public String toString() {
            return line + ": " + rule + ": " + text.strip();
        }
    }

    private record Rule(String name, Pattern pattern) {
    }

    ContractLiterals(Collection<String> phases, Collection<String> messageTypes) {
        String phase = alternatives(phases);
        String type = alternatives(messageTypes);
        String both = alternatives(concat(phases, messageTypes));
        String compare = "[!=]==?";
        rules = List.of(
                new Rule("a message type compared with a literal", Pattern.compile(
                        "\\btype\\s*" + compare + "\\s*" + Q + type + Q
                                + "|" + Q + type + Q + "\\s*" + compare + "\\s*[\\w.$]*\\btype\\b")),
                new Rule("a message built with a literal type", Pattern.compile(
                        "\\btype\\s*:\\s*" + Q + type + Q)),
                new Rule("a case on a literal phase or message type", Pattern.compile(
                        "\\bcase\\s+" + Q + both + Q + "\\s*:")),
                new Rule("a phase compared with a literal", Pattern.compile(
                        compare + "\\s*" + Q + phase + Q + "|" + Q + phase + Q + "\\s*" + compare)),
                new Rule("a literal phase in a list or as an argument", Pattern.compile(
                        "[\\[(,]\\s*" + Q + phase + Q + "\\s*[,)\\]]")));
        phaseKey = Pattern.compile("(?:^|[{,])\\s*" + phase + "\\s*:(?!:)");
    }

    /** Every finding in {@code source}, in line order. */
    List<Finding> scan(String source) {
        List<Finding> findings = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        int previousKeys = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            for (Rule rule : rules) {
                if (rule.pattern().matcher(line).find()) {
                    findings.add(new Finding(i + 1, rule.name(), line));
                }
            }
            // A table keyed by phases: two phase names as keys on one line, or on two lines in a row.
            int keys = count(phaseKey.matcher(line));
            if (keys >= 2 || (keys >= 1 && previousKeys >= 1)) {
                findings.add(new Finding(i + 1, "phases as the keys of a table", line));
            }
            previousKeys = keys;
        }
        return findings;
    }

    private static int count(Matcher matcher) {
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }

    private static String alternatives(Collection<String> words) {
        return words.stream().distinct().map(Pattern::quote).collect(Collectors.joining("|", "(?:", ")"));
    }

    private static List<String> concat(Collection<String> a, Collection<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
