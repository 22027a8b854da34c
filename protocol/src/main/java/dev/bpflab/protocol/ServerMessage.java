package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * What the server sends a browser on {@code /ws/run} (docs/run-contract.md, "Server → client"). Most of these are
 * the agent's own messages ({@link AgentMessage}), decoded, checked and sent on; {@link Sandbox}, {@link Checking}
 * and {@link CheckResult} come from the server itself. Stream messages ({@link #isStream()}) may be shed under load
 * and counted in a {@link Dropped}; the others never are.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ServerMessage.Phase.class, name = "phase"),
    @JsonSubTypes.Type(value = ServerMessage.Sandbox.class, name = "sandbox"),
    @JsonSubTypes.Type(value = ServerMessage.Diagnostics.class, name = "diagnostics"),
    @JsonSubTypes.Type(value = ServerMessage.Event.class, name = "event"),
    @JsonSubTypes.Type(value = ServerMessage.Printk.class, name = "printk"),
    @JsonSubTypes.Type(value = ServerMessage.MapSnapshot.class, name = "map"),
    @JsonSubTypes.Type(value = ServerMessage.Dropped.class, name = "dropped"),
    @JsonSubTypes.Type(value = ServerMessage.Error.class, name = "error"),
    @JsonSubTypes.Type(value = ServerMessage.WorkloadResult.class, name = "workload"),
    @JsonSubTypes.Type(value = ServerMessage.Checking.class, name = "checking"),
    @JsonSubTypes.Type(value = ServerMessage.CheckResult.class, name = "check"),
    @JsonSubTypes.Type(value = ServerMessage.IteratorOutput.class, name = "iterator_output"),
    @JsonSubTypes.Type(value = ServerMessage.Compiled.class, name = "compiled"),
    @JsonSubTypes.Type(value = ServerMessage.Instructions.class, name = "instructions"),
    @JsonSubTypes.Type(value = ServerMessage.MapWritten.class, name = "map_written"),
    @JsonSubTypes.Type(value = ServerMessage.LoadedPrograms.class, name = "loaded_programs"),
    @JsonSubTypes.Type(value = ServerMessage.Matrix.class, name = "matrix"),
    @JsonSubTypes.Type(value = ServerMessage.MatrixRow.class, name = "matrix_row"),
    @JsonSubTypes.Type(value = ServerMessage.MatrixDone.class, name = "matrix_done")
})
public sealed interface ServerMessage {
    int MAX_TEXT_CHARS = 4096;
    /** The most facts a workload answer carries, and the longest text fact. */
    int MAX_WORKLOAD_FACTS = 8;
    int MAX_FACT_CHARS = 64;
    int MAX_LOG_CHARS = 256 * 1024;
    /** The most text one read of an iterator carries: the agent stops reading there and says {@code truncated}. */
    int MAX_ITERATOR_BYTES = 256 * 1024;
    /** The most iterator programs one run reads (one {@link IteratorOutput} each per read); more fail at attach. */
    int MAX_ITERATOR_PROGRAMS = 8;

    /** Events, printk lines and map snapshots: the run's data, which may be shed when a reader falls behind. */
    @JsonIgnore
    default boolean isStream() {
        return false;
    }

    /**
     * The run's phase. {@code position} only with {@code queued} (1 = next); {@code programs} only with
     * {@code attached} (each "name → hook"); {@code preparing} only with {@code queued} and no position: the run
     * waits for the lab itself to be ready, and this says what the lab is doing.
     */
    @JsonTypeName("phase")
    record Phase(RunPhase phase, Integer position, List<String> programs, Preparing preparing)
            implements ServerMessage, AgentMessage {
        public Phase {
            Checks.require(phase != null, "\"phase\" must be one of the run phases");
            Checks.require(position == null || (phase == RunPhase.QUEUED && position >= 1),
                    "\"position\" goes only with phase queued, 1 or more");
            Checks.require(programs == null || phase == RunPhase.ATTACHED, "\"programs\" goes only with phase attached");
            Checks.require(preparing == null || (phase == RunPhase.QUEUED && position == null),
                    "\"preparing\" goes only with phase queued, without a position");
            programs = programs == null ? null : List.copyOf(programs);
        }

        public static Phase of(RunPhase phase) {
            return new Phase(phase, null, null, null);
        }

        public static Phase queued(int position) {
            return new Phase(RunPhase.QUEUED, position > 0 ? position : null, null, null);
        }

        /** Queued while the lab prepares: no place in line yet, the lab's stage instead. */
        public static Phase preparing(Preparing preparing) {
            return new Phase(RunPhase.QUEUED, null, null, preparing);
        }

        public static Phase attached(List<String> programs) {
            return new Phase(RunPhase.ATTACHED, null, programs, null);
        }
    }

    /** Which sandbox the run got: {@code backend} is "qemu" or "local"; {@code description} is for people. */
    @JsonTypeName("sandbox")
    record Sandbox(String backend, String description) implements ServerMessage {
    }

    /**
     * Compiler ({@code stage} "compile") or verifier ("verify") complaints on the learner's lines, or ("kernel") what
     * the program needs that the run's kernel was probed without ({@link KernelFeature}), said before compiling. A verify
     * diagnostics also carries the verifier's {@code log} ({@code truncated} when the verifier's buffer could not
     * hold all of it), {@code logCut}: how many characters of that log were left out at its start to send at most
     * {@link ServerMessage#MAX_LOG_CHARS} (null when none), and the {@code program} it rejected.
     */
    @JsonTypeName("diagnostics")
    record Diagnostics(String stage, List<Diagnostic> items, String log, Boolean truncated, String program,
            Integer logCut) implements ServerMessage, AgentMessage {
        /** Who complains: the compiler, the verifier, or the server about the kernel the run chose. */
        public static final java.util.List<String> STAGES = java.util.List.of("compile", "verify", "kernel");

        public Diagnostics {
            Checks.require(STAGES.contains(stage), "\"stage\" is one of " + STAGES);
            // The log libbpf fills is at most 4 MiB (agent's Run), a stats-only reason at most 64 KiB more.
            Checks.require(logCut == null || (logCut >= 0 && logCut <= 8 * 1024 * 1024),
                    "\"logCut\" counts the characters left out of a verifier log: 0 to 8 Mi");
            items = items == null ? List.of() : List.copyOf(items);
            log = log == null ? "" : Checks.clip(log, MAX_LOG_CHARS);
            logCut = logCut == null || logCut == 0 ? null : logCut;
        }

        @JsonIgnore
        public boolean hasErrors() {
            return items.stream().anyMatch(Diagnostic::isError);
        }
    }

    /**
     * One ring or perf buffer record from map {@code map}: {@code fields} is an object, decoded with the program's
     * BTF when the record's type is {@code struct event}, else {@code {"hex": "…"}}. {@code enums}: the number of each
     * enumerator name the fields hold ({@link EnumNames}), null when none. {@code lab}: true when the record names one
     * of the lab's own processes (its {@code pid}, {@code tgid}, {@code tid} or {@code comm}: the agent, or a process
     * it started before that process ran its workload's program), null otherwise.
     */
    @JsonTypeName("event")
    record Event(String map, JsonNode fields, Map<String, Long> enums, Boolean lab)
            implements ServerMessage, AgentMessage {
        public Event {
            Checks.present(map, "an event names its \"map\"");
            Checks.require(fields != null && fields.isObject(), "an event's \"fields\" is an object");
            enums = EnumNames.checked(enums);
            lab = Boolean.TRUE.equals(lab) ? Boolean.TRUE : null;
        }

        /** A record with no enumerator names, from none of the lab's own processes. */
        public Event(String map, JsonNode fields) {
            this(map, fields, null, null);
        }

        @JsonIgnore
        public boolean isLab() {
            return lab != null;
        }

        @Override
        @JsonIgnore
        public boolean isStream() {
            return true;
        }
    }

    /**
     * One {@code bpf_printk} line, with the pid (the thread's id, as the kernel's trace says it) and command of the
     * process that hit it; {@code lab} true when that is one of the lab's own processes (see {@link Event}), else null.
     */
    @JsonTypeName("printk")
    record Printk(String text, int pid, String comm, Boolean lab) implements ServerMessage, AgentMessage {
        public Printk {
            text = Checks.clip(text == null ? "" : text, MAX_TEXT_CHARS);
            comm = comm == null ? "" : Checks.clip(comm, 64);
            lab = Boolean.TRUE.equals(lab) ? Boolean.TRUE : null;
        }

        /** A line from none of the lab's own processes. */
        public Printk(String text, int pid, String comm) {
            this(text, pid, comm, null);
        }

        @Override
        @JsonIgnore
        public boolean isStream() {
            return true;
        }
    }

    /**
     * A hash or array map's entries, sent when they changed: {@code [{"key":…,"value":…}]}, and for a per-CPU map
     * each CPU's value too ({@link MapEntry}). {@code enums}: the number of each enumerator name the keys and values
     * hold ({@link EnumNames}), null when none. {@code types}: the map's kind and its key's and value's types, which
     * a page builds its entry form from ({@link MapTypes}); null when the map has no BTF.
     */
    @JsonTypeName("map")
    record MapSnapshot(String name, List<MapEntry> entries, Map<String, Long> enums, MapTypes types)
            implements ServerMessage, AgentMessage {
        public MapSnapshot {
            Checks.present(name, "a map snapshot names the map");
            Checks.require(entries != null && entries.stream().allMatch(e -> e != null),
                    "a map snapshot's \"entries\" is an array of entries");
            entries = List.copyOf(entries);
            enums = EnumNames.checked(enums);
        }

        /** A snapshot whose keys and values hold no enumerator names. */
        public MapSnapshot(String name, List<MapEntry> entries) {
            this(name, entries, null, null);
        }

        /** A snapshot without the map's types (it cannot be written from the page). */
        public MapSnapshot(String name, List<MapEntry> entries, Map<String, Long> enums) {
            this(name, entries, enums, null);
        }

        @Override
        @JsonIgnore
        public boolean isStream() {
            return true;
        }
    }

    /** {@code count} stream messages were shed since the last one of these. */
    @JsonTypeName("dropped")
    record Dropped(long count) implements ServerMessage, AgentMessage {
        public Dropped {
            Checks.require(count > 0, "\"count\" is 1 or more");
        }
    }

    /**
     * What went wrong and what to do about it, in a sentence or two for the learner, in English. The errors learners
     * meet most also carry a stable {@code code} and its {@code args} (each named {@code [a-z][a-z0-9_]{0,31}}, an
     * integer or a string of at most {@value #MAX_FACT_CHARS} characters, at most {@value #MAX_WORKLOAD_FACTS}), from
     * which the page says them in its own language; {@code message} stays the text for everyone else.
     */
    @JsonTypeName("error")
    record Error(String message, @JsonInclude(JsonInclude.Include.NON_NULL) ErrorCode code,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> args) implements ServerMessage, AgentMessage {
        public Error {
            message = Checks.clip(Checks.present(message, "an error has a \"message\""), MAX_TEXT_CHARS);
            args = Checks.errorArgs(args);
            Checks.require(code != null || args.isEmpty(), "an error's \"args\" come with its \"code\"");
        }

        /** An error without a code: the message is all there is to say. */
        public Error(String message) {
            this(message, null, Map.of());
        }
    }

    /**
     * A workload's answer: whether it ran, and what it did ("rm /tmp/…/victim.txt") or why it failed; {@code facts}
     * are what it made that a grader compares events with (a pod's {@code hostname}, {@code cgroup_id}), at most
     * {@value #MAX_WORKLOAD_FACTS}, named {@code [a-z][a-z0-9_]{0,31}}, each a number or a string of at most
     * {@value #MAX_FACT_CHARS} characters; empty for most workloads.
     */
    @JsonTypeName("workload")
    record WorkloadResult(String name, boolean ok, String detail,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> facts)
            implements ServerMessage, AgentMessage {
        public WorkloadResult {
            Checks.present(name, "a workload answer names the workload");
            name = Checks.clip(name, 64);
            detail = detail == null ? "" : Checks.clip(detail, MAX_TEXT_CHARS);
            facts = Checks.facts(facts);
        }

        public WorkloadResult(String name, boolean ok, String detail) {
            this(name, ok, detail, Map.of());
        }
    }

    /**
     * A check started on lesson {@code lesson}'s step {@code step}, or on template {@code template}; it fires
     * {@code workloads}.
     */
    @JsonTypeName("checking")
    record Checking(String lesson, Integer step, String template, List<String> workloads) implements ServerMessage {
        public Checking {
            workloads = workloads == null ? List.of() : List.copyOf(workloads);
        }
    }

    /**
     * The verdict of a check (of a lesson step, or of a template): {@code message} for the learner, one
     * {@code details} line per expectation.
     */
    @JsonTypeName("check")
    record CheckResult(String lesson, Integer step, String template, boolean passed, String message,
            List<Detail> details) implements ServerMessage {
        public CheckResult {
            details = details == null ? List.of() : List.copyOf(details);
        }

        /** One expectation of the step: met or not, and in words. */
        public record Detail(boolean met, String message) {
        }
    }

    /**
     * What one read of an iterator program ({@code SEC("iter/…")}) printed with {@code BPF_SEQ_PRINTF}: the text, not
     * HTML. {@code read} counts the run's reads from 1 (the one at attach). {@code truncated}: the program printed more
     * than {@link #MAX_ITERATOR_BYTES} bytes, or ({@code timedOut}) its read took longer than the agent waits, and
     * only what came before is here.
     */
    @JsonTypeName("iterator_output")
    record IteratorOutput(String program, int read, String text, boolean truncated, boolean timedOut)
            implements ServerMessage, AgentMessage {
        public IteratorOutput {
            program = Checks.clip(Checks.present(program, "an iterator's output names its \"program\""), 128);
            Checks.require(read >= 1, "\"read\" counts a run's reads from 1");
            text = text == null ? "" : Checks.clip(text, MAX_ITERATOR_BYTES);
            Checks.require(truncated || !timedOut, "an output that timed out is \"truncated\"");
        }
    }

    /**
     * The answer to a {@link ClientMessage.Compile}: the server's own, never an agent's. {@code ok} when clang made an
     * object the lab would run (warnings allowed); {@code diagnostics} are the items a Run's compile {@link Diagnostics}
     * would carry, hints included; {@code problem} says why nothing was compiled when the compiler could not run at
     * all (the lab still preparing failed, the host's clang broke), with {@code ok} false and no diagnostics.
     *
     * @param id the request's {@code id}, null when it had none
     */
    @JsonTypeName("compiled")
    record Compiled(Long id, boolean ok, List<Diagnostic> diagnostics, String problem) implements ServerMessage {
        public Compiled {
            diagnostics = diagnostics == null ? List.of() : List.copyOf(diagnostics);
            problem = problem == null ? null : Checks.clip(problem, MAX_TEXT_CHARS);
            Checks.require(problem == null || !ok, "a compile with a \"problem\" is not \"ok\"");
        }
    }

    /**
     * The compiled object's BPF instructions, per program, each with the learner's source line it came from: the
     * server's own, sent once a compile succeeds (a Run's, before loading; a {@link ClientMessage.Compile}'s, beside its
     * {@link Compiled}). At most {@value ProgramInstructions#MAX_PER_PROGRAM} instructions per program and
     * {@value ProgramInstructions#MAX_TOTAL} in all; {@code truncated} when the object had more.
     *
     * @param id the compile request's {@code id} when this answers one that had an id, else null
     */
    @JsonTypeName("instructions")
    record Instructions(Long id, List<ProgramInstructions> programs, boolean truncated) implements ServerMessage {
        public Instructions {
            programs = programs == null ? List.of() : List.copyOf(programs);
            Checks.require(programs.size() <= ProgramInstructions.MAX_PROGRAMS,
                    "at most " + ProgramInstructions.MAX_PROGRAMS + " \"programs\"");
            Checks.require(programs.stream().mapToInt(p -> p.instructions().size()).sum()
                    <= ProgramInstructions.MAX_TOTAL, "at most " + ProgramInstructions.MAX_TOTAL + " instructions in all");
        }

        /** The same listing answering the compile request {@code requestId}. */
        public Instructions withId(Long requestId) {
            return new Instructions(requestId, programs, truncated);
        }
    }

    /**
     * The answer to a map write ({@code map_update} or {@code map_delete}): {@code op} is "update" or "delete",
     * {@code ok} whether the kernel took it, and {@code detail} what was written, or what to fix ("\"key\": 70000 is
     * out of range for __u16, 0 to 65535"). The program was not reloaded either way.
     */
    @JsonTypeName("map_written")
    record MapWritten(String map, String op, boolean ok, String detail) implements ServerMessage, AgentMessage {
        public MapWritten {
            Checks.present(map, "a map write's answer names the \"map\"");
            map = Checks.clip(map, 128);
            Checks.require("update".equals(op) || "delete".equals(op), "\"op\" is \"update\" or \"delete\"");
            detail = detail == null ? "" : Checks.clip(detail, MAX_TEXT_CHARS);
        }
    }

    /**
     * The answer to a {@link ClientMessage.ReadLoaded}: the attached object's programs as the kernel holds them after
     * load ({@link LoadedProgram}: the rewritten instructions, the JIT image's size, the verifier's statistics).
     * {@code problem} says why there is nothing, or only part (no program attached, too many requests, bpftool
     * missing in the sandbox, the statistics' second load refused); null when all was read. At most
     * {@value ProgramInstructions#MAX_PROGRAMS} programs and {@value ProgramInstructions#MAX_TOTAL} instructions in
     * all; {@code truncated} when the object had more.
     */
    @JsonTypeName("loaded_programs")
    record LoadedPrograms(List<LoadedProgram> programs, boolean truncated, String problem)
            implements ServerMessage, AgentMessage {
        public LoadedPrograms {
            programs = programs == null ? List.of() : List.copyOf(programs);
            Checks.require(programs.size() <= ProgramInstructions.MAX_PROGRAMS,
                    "at most " + ProgramInstructions.MAX_PROGRAMS + " loaded \"programs\"");
            Checks.require(programs.stream().mapToInt(p -> p.instructions().size()).sum()
                    <= ProgramInstructions.MAX_TOTAL, "at most " + ProgramInstructions.MAX_TOTAL + " instructions in all");
            problem = problem == null ? null : Checks.clip(problem, MAX_TEXT_CHARS);
        }

        /** Nothing read, and why. */
        public static LoadedPrograms refused(String problem) {
            return new LoadedPrograms(List.of(), false, problem);
        }
    }

    /**
     * The answer to a {@link ClientMessage.RunAll}, before any row: the kernels it runs on ({@code kernels}, ids in the
     * lab's order), those it skips because they are not ready and why ({@code skipped}), the workload fired on each
     * (null: none) and how long each collects ({@code seconds}).
     */
    @JsonTypeName("matrix")
    record Matrix(List<String> kernels, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Skipped> skipped,
            Workload workload, int seconds) implements ServerMessage {
        public Matrix {
            kernels = kernels == null ? List.of() : List.copyOf(kernels);
            skipped = skipped == null ? List.of() : List.copyOf(skipped);
            Checks.require(seconds >= 1, "\"seconds\" is 1 or more");
        }

        /** A kernel left out of the matrix, and why ("still preparing: …"). */
        public record Skipped(String kernel, String reason) {
            public Skipped {
                Checks.present(kernel, "a skipped kernel names its \"kernel\"");
                reason = Checks.clip(Checks.present(reason, "a skipped kernel says its \"reason\""), MAX_TEXT_CHARS);
            }
        }
    }

    /**
     * One kernel's result in a matrix, sent as soon as that kernel finished: see {@link MatrixRow} for the fields and
     * their bounds.
     */
    @JsonTypeName("matrix_row")
    record MatrixRow(String kernel, String name, String release, MatrixRows.Compile compile,
            List<Diagnostic> diagnostics, MatrixRows.Verifier verifier, Long processed, MatrixRows.Attach attach,
            String error, long events, List<Event> sample, List<MapSnapshot> maps) implements ServerMessage {
        public MatrixRow {
            Checks.present(kernel, "a matrix row names its \"kernel\"");
            Checks.require(compile != null, "a matrix row says its \"compile\": ok or failed");
            Checks.require(processed == null || processed >= 0, "\"processed\" is 0 or more");
            Checks.require(events >= 0, "\"events\" is 0 or more");
            name = Checks.clip(name, MatrixRows.MAX_NAME_CHARS);
            release = Checks.clip(release, MatrixRows.MAX_NAME_CHARS);
            error = Checks.clip(error, MAX_TEXT_CHARS);
            diagnostics = MatrixRows.first(diagnostics, MatrixRows.MAX_DIAGNOSTICS);
            sample = MatrixRows.first(sample, MatrixRows.MAX_SAMPLE);
            maps = MatrixRows.first(maps, MatrixRows.MAX_MAPS).stream().map(MatrixRows::cut).toList();
        }
    }

    /** The end of a matrix: every row was sent, or ({@code stopped} true) it was stopped and no more rows come. */
    @JsonTypeName("matrix_done")
    record MatrixDone(Boolean stopped) implements ServerMessage {
        public MatrixDone {
            stopped = Boolean.TRUE.equals(stopped) ? Boolean.TRUE : null;
        }
    }
}
