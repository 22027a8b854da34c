package dev.bpflab.compile;

import dev.bpflab.catalog.TemplateCatalog;
import dev.bpflab.catalog.TemplateInfo;
import dev.bpflab.compiler.CompileException;
import dev.bpflab.compiler.CompileResult;
import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.compiler.TargetKernel;
import dev.bpflab.lessons.Lesson;
import dev.bpflab.lessons.LessonCatalog;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import dev.bpflab.support.threads.Daemons;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Compiles the programs a class starts from before anyone presses Run: every lesson's start and solution and every
 * template with its default parameters, for the sandbox backend's kernel, into the compile cache. The moment an
 * instructor says "now run it", thirty learners send the same start program; without this the first of them waits for
 * clang (and, after an image changed, for the kernel headers' precompiled header) and the others wait behind it.
 *
 * <p>One program at a time on a thread of its own, once the backend knows its kernel (a VM backend after its image is
 * checked): it holds at most one of the compiler's slots, so learners who press Run meanwhile are compiled beside it.
 * {@code bpflab.compile.precompile-catalog=false} turns it off (the test profile does, to keep start-up light).
 */
@ApplicationScoped
public class CatalogPrecompile {
    private static final Logger LOG = Logger.getLogger(CatalogPrecompile.class);

    @ConfigProperty(name = "bpflab.compile.precompile-catalog", defaultValue = "true")
    boolean enabled;
    @Inject
    HostCompiler compiler;
    @Inject
    SandboxBackend backend;
    @Inject
    LessonCatalog lessons;
    @Inject
    TemplateCatalog templates;

    private volatile Thread worker;
    private volatile int compiled;

    void onStart(@Observes StartupEvent started) {
        if (enabled) {
            worker = Daemons.start(this::precompileAll, "catalog-precompile");
        }
    }

    void onStop(@Observes ShutdownEvent stopping) {
        Thread running = worker;
        if (running != null) {
            running.interrupt();
        }
    }

    /** How many catalogue programs compiled so far (they are in the compile cache), for tests and the log. */
    public int compiled() {
        return compiled;
    }

    /** The sources a class starts from, by a name for the log: lesson starts first, the moment a class runs. */
    Map<String, String> sources() {
        Map<String, String> sources = new LinkedHashMap<>();
        List<Lesson> all = new ArrayList<>(lessons.list());
        for (Lesson lesson : all) {
            sources.put("lesson " + lesson.id() + " start", lesson.start());
        }
        for (Lesson lesson : all) {
            sources.put("lesson " + lesson.id() + " solution", lesson.solution());
        }
        for (TemplateInfo template : templates.list()) {
            try {
                sources.put("template " + template.id(), templates.render(template.id(), Map.of()));
            } catch (RuntimeException e) {
                LOG.warnf("template %s does not render with its defaults: %s", template.id(), e.getMessage());
            }
        }
        return sources;
    }

    private void precompileAll() {
        TargetKernel target;
        try {
            target = backend.targetKernel();
        } catch (SandboxException e) {
            LOG.infof("catalogue programs not compiled ahead: %s", e.getMessage());
            return;
        } catch (InterruptedException e) {
            return;
        }
        long started = System.nanoTime();
        Map<String, String> sources = sources();
        for (Map.Entry<String, String> program : sources.entrySet()) {
            try {
                CompileResult result = compiler.compile(program.getValue(), target).get();
                if (result.succeeded()) {
                    compiled++;
                } else {
                    LOG.warnf("%s does not compile: %s", program.getKey(), result.diagnostics().isEmpty() ? result.log()
                            : result.diagnostics().get(0).message());
                }
            } catch (ExecutionException e) {
                CompileException why = HostCompiler.unwrap(e.getCause());
                LOG.warnf("%s could not be compiled ahead: %s", program.getKey(), why.getMessage());
            } catch (InterruptedException e) {
                return; // shutting down
            }
        }
        LOG.infof("%d of %d lesson and template programs compiled ahead for kernel %s in %d s", compiled,
                sources.size(), target.release(), (System.nanoTime() - started) / 1_000_000_000L);
    }
}
