package dev.bpflab.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.agent.bpf.AttachException;
import dev.bpflab.agent.bpf.BpfException;
import dev.bpflab.agent.bpf.BpfMap;
import dev.bpflab.agent.bpf.BpfObject;
import dev.bpflab.agent.bpf.BpfProgram;
import dev.bpflab.agent.bpf.EventSink;
import dev.bpflab.agent.bpf.MapSnapshot;
import dev.bpflab.agent.bpf.MapWriteException;
import dev.bpflab.agent.bpf.MapWriter;
import dev.bpflab.agent.bpf.PerfBufferStream;
import dev.bpflab.agent.bpf.ProgramLog;
import dev.bpflab.agent.bpf.RingBufferStream;
import dev.bpflab.agent.bpf.VerifierException;
import dev.bpflab.agent.workloads.VethPair;
import dev.bpflab.agent.workloads.WorkloadException;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.MapEntry;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.support.threads.Daemons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One run: load → attach → stream → stop, of an object the server compiled. Owns the BPF object and every stream; {@link #close()}
 * releases them all, so after it nothing of the run is left in the kernel.
 */
final class Run implements AutoCloseable {
    static final int MAP_SNAPSHOT_MS = 1000;
    static final int MAP_SNAPSHOT_LIMIT = 512;
    private static final int VERIFIER_LOG_BYTES = 4 * 1024 * 1024;
    /** The complaint and statistics of a stats-only log: a few hundred bytes. */
    private static final int REASON_LOG_BYTES = 64 * 1024;
    private static final int MAX_LOG_CHARS = ServerMessage.MAX_LOG_CHARS;

    private final Output output;
    private final LabProcesses lab;
    private final List<AutoCloseable> streams = new ArrayList<>();
    private final ScheduledExecutorService snapshots =
            Executors.newSingleThreadScheduledExecutor(Daemons.factory("map-snapshots"));
    private BpfObject object;
    /** What the object was loaded from, kept to load it again for the verifier's statistics ({@link #readLoaded}). */
    private Reload reload;
    private IteratorReads iterators; // null when the program has no iterator
    private boolean closed;

    /** {@code lab}: whose records and map entries are said to be the lab's own (labelled, not left out). */
    Run(Output output, LabProcesses lab) {
        this.output = output;
        this.lab = lab;
    }

    /**
     * Takes the run as far as it goes; returns true when programs are attached and streaming.
     *
     * @param source  the C the object was compiled from: the verifier's complaints are placed on its lines
     * @param coreBtf the kernel's BTF cut down to what the object's CO-RE relocations use, or null
     */
    boolean start(String source, byte[] compiled, byte[] coreBtf, Map<String, JsonNode> globals, String xdpInterface) {
        phase(RunPhase.LOADING);
        reload = new Reload(compiled, coreBtf, Map.copyOf(globals));
        Path coreBtfFile = null;
        try {
            // libbpf takes the BTF as a file: a few hundred bytes in tmpfs, read once at load. Without it, libbpf
            // parses the kernel's whole BTF (megabytes), the dearest step of a load under emulation.
            coreBtfFile = coreBtf == null ? null : writeTemp(coreBtf);
            object = BpfObject.open(compiled, "prog", VERIFIER_LOG_BYTES, coreBtfFile);
            if (!globals.isEmpty()) {
                object.setGlobals(globals);
            }
            object.load();
        } catch (IOException e) {
            return fail("the agent could not write the program's BTF to a temporary file: " + e.getMessage());
        } catch (VerifierException e) {
            String walk = e.log();
            if (e.truncated() && !VerifierLogMapper.hasStatistics(walk)) {
                walk = VerifierLogMapper.withReason(walk, reasonLog(compiled, coreBtfFile, globals, e.program()));
            }
            Diagnostic d = VerifierLogMapper.diagnostic(walk, source);
            // The level-1 log libbpf asked for on the refusal is what the page's verifier view reads: it keeps only the
            // path that failed (the kernel takes the paths that reached their exit back out of it) and prints the
            // registers each instruction touched and the whole state where a branch is taken up again. A level-2 log
            // (ProgramLog.verbose) would add every path walked, but costs a second load: on the qemu backend (6.1
            // under TCG) 70-90 ms for a small program and 1.2 s for a 3000-iteration loop, whose level-2 log then
            // overflows 4 MiB and, before 6.4, loses its end, the complaint with it. So none is asked for.
            int cut = Math.max(0, walk.length() - MAX_LOG_CHARS); // the end is kept: the complaint and the failing path
            output.send(new ServerMessage.Diagnostics("verify", List.of(d), walk.substring(cut), e.truncated(),
                    e.program(), cut));
            phase(RunPhase.FAILED);
            return false;
        } catch (BpfException e) {
            return failOnLine(e, source);
        } finally {
            deleteQuietly(coreBtfFile);
        }
        try {
            if (AgentCommand.DEFAULT_XDP_INTERFACE.equals(xdpInterface) && object.programs().stream().anyMatch(BpfProgram::isXdp)) {
                VethPair.ensure(); // the lab network XDP programs attach to; the veth-traffic workload sends through it
            }
            List<String> attached = object.attachAll(xdpInterface);
            if (object.iterators().size() > ServerMessage.MAX_ITERATOR_PROGRAMS) {
                return fail("the program has " + object.iterators().size() + " iterator programs; a run reads at most "
                        + ServerMessage.MAX_ITERATOR_PROGRAMS + ": split them over several programs");
            }
            lab.refreshThreadNames(); // the threads that will stream are all started by now
            startStreams();
            output.send(ServerMessage.Phase.attached(attached));
            if (!object.iterators().isEmpty()) {
                // An iterator prints nothing until it is read: its first read is part of the run's start.
                iterators = new IteratorReads(object.iterators(), output);
                iterators.readAll();
            }
            return true;
        } catch (AttachException e) {
            Optional<Diagnostic> d = ContextReads.diagnostic(e, source,
                    () -> verboseLog(compiled, coreBtf, globals, e.program()));
            return failOnLine(e, d.isPresent() ? d : LoadFailures.diagnostic(e, source));
        } catch (BpfException e) {
            return failOnLine(e, source);
        } catch (WorkloadException e) {
            return fail(e.getMessage());
        }
    }

    /**
     * Reads the program's iterators again, each through a fresh iterator (their outputs are sent as they come);
     * false when the program has none.
     */
    synchronized boolean readIterators() {
        if (iterators == null || closed) {
            return false;
        }
        iterators.readAll();
        return true;
    }

    /**
     * Writes (or, with a null {@code value}, deletes) one entry of the attached program's map {@code name}; the
     * program is not reloaded. The answer says what was written, or what to fix.
     */
    synchronized ServerMessage.MapWritten writeMap(String name, JsonNode key, JsonNode value) {
        String op = value == null ? "delete" : "update";
        if (object == null || closed) {
            return new ServerMessage.MapWritten(name, op, false, "no program is attached: press Run first");
        }
        try {
            MapWriter writer = MapWriter.of(object.maps(), name);
            return new ServerMessage.MapWritten(name, op, true, value == null ? writer.delete(key) : writer.update(key, value));
        } catch (MapWriteException e) {
            return new ServerMessage.MapWritten(name, op, false, e.getMessage());
        }
    }

    /**
     * The attached programs as the kernel holds them after load ({@link LoadedView}). The live object is held only
     * while its programs' info and rewritten instructions are read; the statistics' second load (of the same object,
     * with the same BTF and globals) runs without it, so map snapshots and writes wait for bpftool at most.
     */
    ServerMessage.LoadedPrograms readLoaded() {
        List<String> problems = new ArrayList<>();
        List<LoadedView.Live> live;
        synchronized (this) {
            if (object == null || closed) {
                return ServerMessage.LoadedPrograms.refused("no program is attached: press Run first");
            }
            live = LoadedView.read(object.programs(), problems);
        }
        Map<String, String> logs = Map.of();
        Path coreBtfFile = null;
        try {
            coreBtfFile = reload.coreBtf() == null ? null : writeTemp(reload.coreBtf());
            logs = ProgramLog.statistics(reload.compiled(), coreBtfFile, reload.globals(), REASON_LOG_BYTES);
        } catch (IOException | BpfException e) {
            problems.add("the verifier's states and time are missing: loading the program again for them failed ("
                    + e.getMessage() + ")");
        } finally {
            deleteQuietly(coreBtfFile);
        }
        return LoadedView.answer(live, logs, problems);
    }

    /** The object's bytes, its minimal CO-RE BTF (or null) and the run's globals. */
    private record Reload(byte[] compiled, byte[] coreBtf, Map<String, JsonNode> globals) {
    }

    /** A failure that belongs to a line of the source is sent as diagnostics on that line; any other as an error. */
    private boolean failOnLine(BpfException e, String source) {
        return failOnLine(e, LoadFailures.diagnostic(e, source));
    }

    private boolean failOnLine(BpfException e, Optional<Diagnostic> onLine) {
        if (onLine.isEmpty()) {
            return fail(e.getMessage());
        }
        output.send(new ServerMessage.Diagnostics("verify", List.of(onLine.get()), e.getMessage(), false, "", null));
        phase(RunPhase.FAILED);
        return false;
    }

    /** The level-2 verifier log of {@code program}, loaded again alone as it was (same BTF, same globals). */
    private static String verboseLog(byte[] compiled, byte[] coreBtf, Map<String, JsonNode> globals, String program)
            throws BpfException {
        Path coreBtfFile = null;
        try {
            coreBtfFile = coreBtf == null ? null : writeTemp(coreBtf);
            return ProgramLog.verbose(compiled, coreBtfFile, globals, program, VERIFIER_LOG_BYTES);
        } catch (IOException e) {
            throw new BpfException("could not write the program's BTF to a temporary file: " + e.getMessage());
        } finally {
            deleteQuietly(coreBtfFile);
        }
    }

    /**
     * The verifier's reason alone for {@code program}, loaded again as it was: a kernel before 6.4 keeps the start of
     * a log too long for the buffer and drops its end, the reason with it. Empty when even that load fails to say.
     */
    private static String reasonLog(byte[] compiled, Path coreBtfFile, Map<String, JsonNode> globals, String program) {
        try {
            return ProgramLog.reason(compiled, coreBtfFile, globals, program, REASON_LOG_BYTES);
        } catch (BpfException e) {
            return "";
        }
    }

    private static Path writeTemp(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("bpflab-core-", ".btf");
        Files.write(file, bytes);
        return file;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a few hundred bytes in the temp directory of a single-use agent
            }
        }
    }

    private void startStreams() throws BpfException {
        EventSink sink = new EventSink() {
            @Override
            public void event(String map, JsonNode fields, Map<String, Long> enums) {
                output.offer(new ServerMessage.Event(map, fields, enums, lab.names(fields)));
            }

            @Override
            public void dropped(long count) {
                output.countDropped(count);
            }
        };
        List<BpfMap> maps = object.maps();
        List<BpfMap> ringBuffers = maps.stream().filter(BpfMap::isRingBuffer).toList();
        RingBufferStream rings = RingBufferStream.start(object, ringBuffers, sink);
        if (rings != null) {
            streams.add(rings);
        }
        for (BpfMap map : maps) {
            if (map.isPerfBuffer()) {
                streams.add(PerfBufferStream.start(object, map, sink));
            }
        }
        List<MapSnapshot> watched = maps.stream().filter(BpfMap::isSnapshotable).map(MapSnapshot::new).toList();
        if (!watched.isEmpty()) {
            Map<String, String> lastSent = new LinkedHashMap<>();
            snapshots.scheduleAtFixedRate(() -> snapshot(watched, lastSent), MAP_SNAPSHOT_MS / 4, MAP_SNAPSHOT_MS,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Sends a map's entries when they changed since the last snapshot sent. */
    private void snapshot(List<MapSnapshot> watched, Map<String, String> lastSent) {
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                for (MapSnapshot map : watched) {
                    ServerMessage.MapSnapshot read = map.read(MAP_SNAPSHOT_LIMIT);
                    String text = read.entries().toString();
                    if (!text.equals(lastSent.get(map.name()))) {
                        lastSent.put(map.name(), text);
                        List<MapEntry> labelled = read.entries().stream().map(lab::label).toList();
                        output.offer(new ServerMessage.MapSnapshot(read.name(), labelled, read.enums(), read.types()));
                    }
                }
            } catch (RuntimeException e) {
                output.send(new ServerMessage.Error("reading maps failed: " + e.getMessage()));
            }
        }
    }

    private void phase(RunPhase phase) {
        output.send(ServerMessage.Phase.of(phase));
    }

    private boolean fail(String message) {
        output.send(new ServerMessage.Error(message));
        phase(RunPhase.FAILED);
        return false;
    }

    @Override
    public void close() {
        snapshots.shutdownNow();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (iterators != null) {
            iterators.close();
        }
        for (AutoCloseable stream : streams) {
            try {
                stream.close();
            } catch (Exception ignored) {
                // closing the object below releases the kernel side regardless
            }
        }
        if (object != null) {
            object.close();
        }
    }
}
