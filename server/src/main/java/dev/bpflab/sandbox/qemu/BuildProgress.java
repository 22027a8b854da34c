package dev.bpflab.sandbox.qemu;

import dev.bpflab.protocol.PreparationStage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Follows {@code build-image.sh}'s progress lines in its log as the build writes it: a line
 * {@code build-image: stage <stage>} (a {@link PreparationStage} of the image, e.g. {@code image-packages}) says the
 * build entered that stage. Other lines, and stages that are not the image's, are not progress. Not thread-safe: one
 * reader, polled by the thread that waits for the build.
 */
final class BuildProgress {
    static final String MARKER = "build-image: stage ";
    /** The stages an image build may say it is in; the later ones are the backend's own. */
    static final Set<PreparationStage> IMAGE_STAGES = EnumSet.of(PreparationStage.IMAGE_KERNEL,
            PreparationStage.IMAGE_PACKAGES, PreparationStage.IMAGE_PACK, PreparationStage.IMAGE_AGENT);
    /** The most read per poll: the log is the build's, and a poll must stay cheap whatever it holds. */
    private static final int MAX_READ = 64 * 1024;
    /** A longer line is not a marker; it is skipped up to its end. */
    private static final int MAX_LINE = 200;

    private final Path log;
    private final Consumer<PreparationStage> stages;
    private final StringBuilder line = new StringBuilder();
    private long offset;
    private boolean skipping;

    BuildProgress(Path log, Consumer<PreparationStage> stages) {
        this.log = log;
        this.stages = stages;
    }

    /** Reads what the log gained since the last poll and reports the stages its complete lines name. */
    void poll() {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_READ);
        try (FileChannel in = FileChannel.open(log, StandardOpenOption.READ)) {
            if (in.size() < offset) {
                offset = 0; // a new log (the build started over)
            }
            int read = in.read(buffer, offset);
            if (read <= 0) {
                return;
            }
            offset += read;
        } catch (IOException e) {
            return; // not there yet: the build has not written anything
        }
        buffer.flip();
        // The markers are ASCII, so bytes of another encoding at worst make a line that is not a marker.
        for (char c : StandardCharsets.ISO_8859_1.decode(buffer).array()) {
            if (c == '\n') {
                if (!skipping) {
                    stage(line.toString().strip());
                }
                line.setLength(0);
                skipping = false;
            } else if (!skipping) {
                line.append(c);
                if (line.length() > MAX_LINE) {
                    skipping = true;
                    line.setLength(0);
                }
            }
        }
    }

    private void stage(String text) {
        if (text.startsWith(MARKER)) {
            PreparationStage.fromWire(text.substring(MARKER.length())).filter(IMAGE_STAGES::contains)
                    .ifPresent(stages);
        }
    }
}
