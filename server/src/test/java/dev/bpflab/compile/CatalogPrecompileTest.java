package dev.bpflab.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.support.files.FileTrees;
import dev.bpflab.testing.KernelTest;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.Scrape;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The class moment: the server compiled every lesson's start program before anyone pressed Run, so the first learner
 * to run one is answered from the compile cache instead of waiting for clang.
 */
@KernelTest
@QuarkusTest
@TestProfile(CatalogPrecompileTest.Precompiling.class)
class CatalogPrecompileTest {
    private static final Duration PRECOMPILE = Duration.ofMinutes(5);

    /** Precompiling on, into a compile cache of its own that starts empty (the shared one may hold them already). */
    public static class Precompiling implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                // World-readable, as /var/cache/bpflab is: the compile jail's uid reads the headers made under it.
                Path cache = Files.createTempDirectory("bpflab-precompile-cache-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                return Map.of("bpflab.compile.precompile-catalog", "true", "bpflab.cache-dir", cache.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @TestHTTPResource("/")
    URI root;
    @Inject
    CatalogPrecompile precompile;
    @Inject
    dev.bpflab.lessons.LessonCatalog lessons;
    @ConfigProperty(name = "bpflab.cache-dir")
    Path cacheDir;

    @AfterEach
    void removeTheCache() throws IOException {
        FileTrees.delete(cacheDir); // its precompiled header alone is tens of MiB
    }

    @Test
    void aLessonsStartProgramIsAlreadyCompiledWhenTheFirstLearnerPressesRun() throws InterruptedException {
        int all = precompile.sources().size();
        assertTrue(all >= 2 * lessons.list().size(), "every lesson's start and solution is on the list: " + all);
        long deadline = System.nanoTime() + PRECOMPILE.toNanos();
        while (precompile.compiled() < all && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(all, precompile.compiled(), "every lesson and template program compiles with its defaults");

        List<Scrape.Sample> before = Scrape.scrape();
        try (RunClient run = new RunClient(root)) {
            run.run(lessons.find("02-watch-syscalls").orElseThrow().start());
            run.awaitPhase("attached", Duration.ofSeconds(60));
            run.stop();
            run.awaitPhase("stopped", Duration.ofSeconds(30));
        }
        List<Scrape.Sample> after = Scrape.scrape();
        assertEquals(1, Scrape.delta(before, after, "bpflab_compile_cache_total", "result", "hit"),
                "the first run of the lesson's start program came from the cache");
        assertEquals(0, Scrape.delta(before, after, "bpflab_compile_cache_total", "result", "miss"));
    }
}
