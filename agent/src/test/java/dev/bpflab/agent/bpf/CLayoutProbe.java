package dev.bpflab.agent.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Asks the machine's C compiler where a struct's members are: writes a probe that prints {@code offsetof} and
 * {@code sizeof} of each named member (and of the struct, and its alignment), compiles it with clang against the
 * installed headers, runs it and parses what it printed.
 */
final class CLayoutProbe {
    /** Offset and width in bytes of one member. */
    record Member(long offset, long size) {
    }

    /** sizeof and _Alignof of the struct, and its members by name. */
    record Layout(long size, long alignment, Map<String, Member> members) {
    }

    private CLayoutProbe() {
    }

    static Layout probe(Path workDir, String include, String struct, List<String> members)
            throws IOException, InterruptedException {
        StringBuilder c = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n#include <" + include + ">\n")
                .append("#define MEMBER(m) printf(\"%s %zu %zu\\n\", #m, offsetof(struct ").append(struct)
                .append(", m), sizeof(((struct ").append(struct).append(" *)0)->m))\n")
                .append("int main(void) {\n")
                .append("    printf(\"struct %zu %zu\\n\", sizeof(struct ").append(struct).append("), _Alignof(struct ")
                .append(struct).append("));\n");
        for (String member : members) {
            c.append("    MEMBER(").append(member).append(");\n");
        }
        c.append("    return 0;\n}\n");
        Path source = workDir.resolve("probe.c");
        Path binary = workDir.resolve("probe");
        Files.writeString(source, c, StandardCharsets.US_ASCII);
        String compiled = run(List.of("clang", "-std=gnu11", "-Wall", "-Werror", "-o", binary.toString(),
                source.toString()), workDir);
        assertTrue(Files.isExecutable(binary), "clang compiled the layout probe:\n" + compiled + "\n" + c);
        String printed = run(List.of(binary.toString()), workDir);
        Map<String, Member> found = new HashMap<>();
        long size = -1;
        long alignment = -1;
        for (String line : printed.strip().split("\n")) {
            String[] words = line.split(" ");
            assertEquals(3, words.length, "probe line: " + line);
            if (words[0].equals("struct")) {
                size = Long.parseLong(words[1]);
                alignment = Long.parseLong(words[2]);
            } else {
                found.put(words[0], new Member(Long.parseLong(words[1]), Long.parseLong(words[2])));
            }
        }
        assertTrue(size > 0 && found.keySet().containsAll(members), "the probe printed every member:\n" + printed);
        return new Layout(size, alignment, found);
    }

    private static String run(List<String> argv, Path dir) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", argv) + " finishes");
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), String.join(" ", argv) + " failed:\n" + text);
        return text;
    }
}
