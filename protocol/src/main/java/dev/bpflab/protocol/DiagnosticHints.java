package dev.bpflab.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The catalogue of hints, read once from the data file {@value #RESOURCE} (kinds, patterns, sample messages and texts
 * in es and en): a hint is added by editing that file, not this class. A message gets the hint of the first entry
 * whose pattern is found in it.
 */
public final class DiagnosticHints {
    public static final String RESOURCE = "/dev/bpflab/protocol/hints.json";
    private static final List<Entry> ENTRIES = load();

    /** One kind of message: its pattern, the real messages it must match, and its hint. */
    public record Entry(String kind, Pattern pattern, List<String> samples, Hint hint) {
    }

    private record FileEntry(String kind, String pattern, List<String> samples, String es, String en) {
    }

    private record File(String about, List<FileEntry> hints) {
    }

    private DiagnosticHints() {
    }

    /** Every entry, in the order they are tried. */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    /** The hint for {@code message}, or empty when it is of no known kind. */
    public static Optional<Hint> find(String message) {
        if (message == null) {
            return Optional.empty();
        }
        for (Entry entry : ENTRIES) {
            if (entry.pattern().matcher(message).find()) {
                return Optional.of(entry.hint());
            }
        }
        return Optional.empty();
    }

    /** The catalogue's hint of kind {@code kind}, or empty when the catalogue has no such kind. */
    public static Optional<Hint> ofKind(String kind) {
        return ENTRIES.stream().filter(e -> e.kind().equals(kind)).map(Entry::hint).findFirst();
    }

    /**
     * {@code diagnostic} with its hint's texts taken from this catalogue by the hint's kind, whatever texts it came
     * with; without a hint when its kind is not in the catalogue. For diagnostics from where no text is trusted (a
     * sandbox's agent): only the kind is believed.
     */
    public static Diagnostic withCatalogueTexts(Diagnostic diagnostic) {
        if (diagnostic.hint() == null) {
            return diagnostic;
        }
        return diagnostic.withHint(ofKind(diagnostic.hint().kind()).orElse(null));
    }

    /** {@code diagnostic} with the hint for its message, unless it has one already or its message is of no known kind. */
    public static Diagnostic withHint(Diagnostic diagnostic) {
        if (diagnostic.hint() != null) {
            return diagnostic;
        }
        return find(diagnostic.message()).map(diagnostic::withHint).orElse(diagnostic);
    }

    /** {@link #withHint(Diagnostic)} over a list. */
    public static List<Diagnostic> withHints(List<Diagnostic> diagnostics) {
        return diagnostics.stream().map(DiagnosticHints::withHint).toList();
    }

    private static List<Entry> load() {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try (InputStream in = DiagnosticHints.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            File file = mapper.readValue(in, File.class);
            return file.hints().stream().map(e -> new Entry(e.kind(), Pattern.compile(e.pattern()),
                    List.copyOf(e.samples()), new Hint(e.kind(), e.es(), e.en()))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the hint catalogue " + RESOURCE, e);
        }
    }
}
