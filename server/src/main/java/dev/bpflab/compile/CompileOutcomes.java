package dev.bpflab.compile;

import dev.bpflab.compiler.CompileCache;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** How compile requests were answered (cache hit, joined a compile in flight, compiled), counted since start. */
@ApplicationScoped
public class CompileOutcomes implements CompileCache.Listener {
    private final Map<CompileCache.Outcome, AtomicLong> counts = new EnumMap<>(CompileCache.Outcome.class);

    public CompileOutcomes() {
        for (CompileCache.Outcome outcome : CompileCache.Outcome.values()) {
            counts.put(outcome, new AtomicLong());
        }
    }

    @Override
    public void answered(CompileCache.Outcome outcome) {
        counts.get(outcome).incrementAndGet();
    }

    /** Requests answered with {@code outcome} since the server started. */
    public long count(CompileCache.Outcome outcome) {
        return counts.get(outcome).get();
    }
}
