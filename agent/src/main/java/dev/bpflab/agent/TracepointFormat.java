package dev.bpflab.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a tracepoint hands its programs as their context, from tracefs ({@code events/<category>/<name>/format}):
 * its fields and its size in bytes.
 *
 * @param fields the tracepoint's own fields (the {@code common_*} header left out), in order
 * @param size   bytes of context, header included: a program may read below this offset only
 */
record TracepointFormat(List<Field> fields, int size) {
    private static final Path EVENTS = TracePipe.TRACEFS.resolve("events");
    private static final Pattern FIELD = Pattern.compile("field:(.*?);\\s*offset:(\\d+);\\s*size:(\\d+);");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

    /** One field: its name (array brackets dropped), offset and size in bytes. */
    record Field(String name, int offset, int size) {
    }

    /** The format of tracepoint {@code category/name}; empty when tracefs does not have it. */
    static Optional<TracepointFormat> of(String category, String name) {
        if (!NAME.matcher(category).matches() || !NAME.matcher(name).matches()) {
            return Optional.empty(); // from a SEC() name the learner wrote: never a path of its own
        }
        try {
            return Optional.of(parse(Files.readString(EVENTS.resolve(category).resolve(name).resolve("format"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static TracepointFormat parse(String format) {
        List<Field> fields = new ArrayList<>();
        int size = 0;
        Matcher m = FIELD.matcher(format);
        while (m.find()) {
            String declaration = m.group(1).replaceAll("\\[.*$", "").strip();
            String fieldName = declaration.substring(declaration.lastIndexOf(' ') + 1).replace("*", "");
            Field field = new Field(fieldName, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            size = Math.max(size, field.offset() + field.size());
            if (!fieldName.startsWith("common_")) {
                fields.add(field);
            }
        }
        return new TracepointFormat(List.copyOf(fields), size);
    }

    /** "dfd at 16, pathname at 24, flag at 32". */
    String describe() {
        return String.join(", ", fields.stream().map(f -> f.name() + " at " + f.offset()).toList());
    }
}
