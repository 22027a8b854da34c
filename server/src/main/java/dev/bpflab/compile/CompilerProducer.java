package dev.bpflab.compile;

import dev.bpflab.compiler.CompileLimits;
import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.metrics.RunMetrics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The one {@link HostCompiler} of this server: learners' programs are compiled here, on the host, for the kernel
 * of the sandbox backend, and the sandbox only loads the object.
 */
@ApplicationScoped
public class CompilerProducer {
    private static final Logger LOG = Logger.getLogger(CompilerProducer.class);

    @ConfigProperty(name = "bpflab.cache-dir", defaultValue = "/var/cache/bpflab")
    Path cacheDir;
    /** Compiles at once; 0: one per core. */
    @ConfigProperty(name = "bpflab.compile.concurrency", defaultValue = "0")
    int concurrency;
    @ConfigProperty(name = "bpflab.compile.cache-mib", defaultValue = "256")
    long cacheMiB;

    private HostCompiler compiler;

    @Produces
    @ApplicationScoped
    HostCompiler compiler(RunMetrics metrics) {
        int threads = concurrency > 0 ? concurrency : Runtime.getRuntime().availableProcessors();
        try {
            compiler = new HostCompiler(cacheDir, CompileLimits.defaults(), threads, cacheMiB * CompileLimits.MIB,
                    metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + cacheDir + " for compiles (set bpflab.cache-dir to a "
                    + "writable directory): " + e.getMessage(), e);
        }
        LOG.infof("compiling on this host: %d at once, results cached in %s (up to %d MiB)", threads,
                cacheDir.resolve("objects"), cacheMiB);
        return compiler;
    }

    @PreDestroy
    void close() {
        if (compiler != null) {
            compiler.close();
        }
    }
}
