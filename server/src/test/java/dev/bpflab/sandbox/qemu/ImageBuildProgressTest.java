package dev.bpflab.sandbox.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.PreparationStage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image build's stages reach the backend's preparation: {@code build-image.sh} says each stage it enters, in
 * order, and {@link ImageBuild} reads them from its log while the build runs (what is not a marker, or names a stage
 * that is not the image's, is not progress).
 */
class ImageBuildProgressTest {
    private static final Path SCRIPT = Path.of("server/src/main/guest/build-image.sh");

    @Test
    void theBuildScriptSaysEveryImageStageInOrder() throws IOException {
        List<PreparationStage> said = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*stage (\\S+)\\s*$").matcher(Files.readString(SCRIPT));
        while (m.find()) {
            said.add(PreparationStage.fromWire(m.group(1)).orElseThrow(() -> new AssertionError("not a stage: " + m.group())));
        }
        assertEquals(List.copyOf(BuildProgress.IMAGE_STAGES), said, "the stages build-image.sh says, in order");
    }

    @Test
    void aBuildsStagesAreHeardWhileItRuns(@TempDir Path dir) throws Exception {
        // Stands in for build-image.sh: the same marker lines, among other output, with time between them.
        Path script = dir.resolve("fake-build.sh");
        Files.writeString(script, """
                echo "build-image: building the Debian base 0123 (kernel, root filesystem, initramfs)"
                echo "build-image: stage image-kernel"
                sleep 0.7
                echo "build-image: stage image-packages"
                echo "build-image: stage saved-vm"
                echo "apt: stage image-agent is not said like this"
                printf 'build-image: stage image-pa'
                sleep 0.7
                printf 'ck\\n'
                echo "build-image: stage knitting"
                sleep 0.7
                echo "build-image: stage image-agent"
                echo "build-image: built $3/image-0123 in 3 s (kernel $2)"
                """);
        List<PreparationStage> heard = new CopyOnWriteArrayList<>();
        List<Long> when = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        String last = new ImageBuild(script, dir.resolve("guest"), dir, "debian13", dir.resolve("build.log")).run(stage -> {
            heard.add(stage);
            when.add(System.nanoTime() - start);
        });
        assertTrue(last.startsWith("build-image: built " + dir.resolve("guest")) && last.endsWith("(kernel debian13)"), last);
        assertEquals(List.of(PreparationStage.IMAGE_KERNEL, PreparationStage.IMAGE_PACKAGES, PreparationStage.IMAGE_PACK,
                PreparationStage.IMAGE_AGENT), heard);
        assertTrue(when.get(1) - when.get(0) > 300_000_000L,
                "stages are heard as the build says them, not all at its end: " + when);
    }
}
