package dev.bpflab.runs;

import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.kernels.KernelFeatures;
import dev.bpflab.limits.ClientLimits;
import dev.bpflab.metrics.RunMetrics;
import dev.bpflab.sandbox.SandboxBackend;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every run session shares: where runs execute and compile, what their kernels can do, their limits, the threads
 * they use.
 */
record RunServices(SandboxBackend backend, HostCompiler compiler, RunMetrics metrics, RunSettings settings,
        ExecutorService workers, ScheduledExecutorService timers, SourceResolver sources, CheckResolver checks,
        ClientLimits limits, KernelFeatures kernels) {
}
