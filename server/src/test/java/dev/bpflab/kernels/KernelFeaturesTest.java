package dev.bpflab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.compiler.TargetKernel;
import dev.bpflab.protocol.KernelFeature;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.AgentListener;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.sandbox.Preparation;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * How probes are made and kept, against a backend whose sandboxes answer what the test scripts: one probe of a kernel
 * at a time, a failure said and tried again, an agent's bad answer not believed.
 */
class KernelFeaturesTest {
    private static final String FEATURES = "{\"type\":\"features\",\"features\":{\"kprobe\":true,\"fentry\":true,"
            + "\"lsm\":false,\"ringbuf\":true,\"kfuncs\":false,\"open-coded-iterators\":false},"
            + "\"notes\":{\"lsm\":\"the active LSMs do not include bpf\"}}";
    private static final Kernel BOOKWORM = new Kernel("debian12", "Debian 12 (bookworm)", "6.1.0-40-amd64", null,
            Preparation.READY);

    /** Each acquire takes the next script: a SandboxException to throw, or the line its agent answers a probe with. */
    private static final class ScriptedBackend implements SandboxBackend {
        final ConcurrentLinkedDeque<Object> scripts = new ConcurrentLinkedDeque<>();
        final AtomicInteger acquired = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean holdFirst;

        @Override
        public AgentChannel acquire(Object client, IntConsumer queuePosition) throws SandboxException, InterruptedException {
            if (acquired.incrementAndGet() == 1 && holdFirst) {
                release.await(10, TimeUnit.SECONDS);
            }
            Object script = scripts.poll();
            if (script instanceof SandboxException e) {
                throw e;
            }
            return new AnsweringChannel((String) script);
        }

        @Override
        public List<Kernel> kernels() {
            return List.of(BOOKWORM);
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public TargetKernel targetKernel() {
            return TargetKernel.running();
        }

        @Override
        public String status() {
            return "scripted";
        }

        @Override
        public Load load() {
            return new Load(0, 1, 0, 0);
        }
    }

    private record AnsweringChannel(String answer, AgentListener[] listener) implements AgentChannel {
        AnsweringChannel(String answer) {
            this(answer, new AgentListener[1]);
        }

        @Override
        public String describe() {
            return "scripted agent";
        }

        @Override
        public void listen(AgentListener l) {
            listener[0] = l;
        }

        @Override
        public void send(String jsonLine) {
            if (jsonLine.equals("{\"type\":\"probe\"}")) {
                listener[0].onLine(answer);
                listener[0].onExit("exited with status 0");
            }
        }

        @Override
        public void close() {
        }
    }

    private static void awaitProbed(KernelFeatures features) throws InterruptedException {
        for (int i = 0; i < 100 && features.current(BOOKWORM).isEmpty(); i++) {
            Thread.sleep(50);
        }
    }

    @Test
    void aKernelIsProbedOnceAndItsAnswerKeptForItsRelease() throws Exception {
        ScriptedBackend backend = new ScriptedBackend();
        backend.holdFirst = true;
        backend.scripts.add(FEATURES);
        KernelFeatures features = new KernelFeatures(backend, Duration.ofSeconds(5), Duration.ofSeconds(60));
        features.request("debian12");
        features.request("debian12"); // while the first probe waits for its sandbox
        backend.release.countDown();
        awaitProbed(features);
        assertEquals(1, backend.acquired.get(), "one probe at a time");
        KernelFeatures.Probe probe = features.current(BOOKWORM).orElseThrow();
        assertTrue(probe.features().has(KernelFeature.FENTRY));
        assertEquals("the active LSMs do not include bpf", probe.features().notes().get("lsm"));
        features.request("debian12");
        Thread.sleep(200);
        assertEquals(1, backend.acquired.get(), "probed for this release: not again");
        Kernel rebuilt = new Kernel("debian12", BOOKWORM.name(), "6.1.0-41-amd64", null, Preparation.READY);
        assertTrue(features.current(rebuilt).isEmpty(), "a new release is not the probed one");
    }

    @Test
    void aFailedProbeIsSaidAndTriedAgain() throws Exception {
        ScriptedBackend backend = new ScriptedBackend();
        backend.scripts.add(new SandboxException("the VM pool is empty"));
        backend.scripts.add("{\"type\":\"features\",\"features\":{\"kprobe\":true}}"); // not all features: not believed
        backend.scripts.add(FEATURES);
        KernelFeatures features = new KernelFeatures(backend, Duration.ofSeconds(5), Duration.ofMillis(300));
        features.request("debian12");
        for (int i = 0; i < 100 && features.problem("debian12") == null; i++) {
            Thread.sleep(20);
        }
        assertEquals("no sandbox to probe in: the VM pool is empty", features.problem("debian12"));
        assertTrue(features.probing("debian12"), "waits to be tried again");
        for (int i = 0; i < 100 && (features.problem("debian12") == null
                || !features.problem("debian12").contains("refused")); i++) {
            Thread.sleep(20);
        }
        assertTrue(features.problem("debian12").startsWith("the agent's answer was refused: features: \"features\" "
                + "lacks \"fentry\""), features.problem("debian12"));
        awaitProbed(features);
        assertTrue(features.current(BOOKWORM).isPresent(), "the third try answered");
        assertEquals(null, features.problem("debian12"));
        assertEquals(3, backend.acquired.get());
    }
}
