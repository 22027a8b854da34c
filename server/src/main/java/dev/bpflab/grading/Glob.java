package dev.bpflab.grading;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Expectation globs: {@code *} stands for any run of characters (newlines too); everything else is literal. */
final class Glob {
    private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

    private Glob() {
    }

    static boolean matches(String glob, String text) {
        return COMPILED.computeIfAbsent(glob, g -> Pattern.compile(Stream.of(g.split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*")), Pattern.DOTALL)).matcher(text).matches();
    }
}
