package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a browser sends on {@code /ws/run} (docs/run-contract.md, "Client → server"). Every field is checked when
 * the message is decoded ({@link RunJson#client}), before anything running is touched; a bad one is answered with an
 * {@code error} that names the field and says what to send.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ClientMessage.Run.class, name = "run"),
    @JsonSubTypes.Type(value = ClientMessage.Workload.class, name = "workload"),
    @JsonSubTypes.Type(value = ClientMessage.Stop.class, name = "stop"),
    @JsonSubTypes.Type(value = ClientMessage.Check.class, name = "check"),
    @JsonSubTypes.Type(value = ClientMessage.ReadIterator.class, name = "read_iterator"),
    @JsonSubTypes.Type(value = ClientMessage.Compile.class, name = "compile"),
    @JsonSubTypes.Type(value = ClientMessage.MapUpdate.class, name = "map_update"),
    @JsonSubTypes.Type(value = ClientMessage.MapDelete.class, name = "map_delete"),
    @JsonSubTypes.Type(value = ClientMessage.ReadLoaded.class, name = "read_loaded"),
    @JsonSubTypes.Type(value = ClientMessage.RunAll.class, name = "run_all")
})
public sealed interface ClientMessage {
    /** A C identifier: the names of {@code const volatile} globals. */
    Pattern GLOBAL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    int MAX_GLOBALS = 64;
    /** The largest {@code id} a compile request may carry: a JavaScript number counts exactly up to it. */
    long MAX_COMPILE_ID = (1L << 53) - 1;
    /** A lesson or template id. */
    Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** A kernel id ({@code GET /api/kernels}). */
    Pattern KERNEL_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");
    /** How long a {@link RunAll} keeps each kernel's program attached, by default and at most, in seconds. */
    int DEFAULT_MATRIX_SECONDS = 3;
    int MAX_MATRIX_SECONDS = 15;

    /** Checks a message's {@code "kernel"}: null (the default) or a kernel id's shape. */
    static void checkKernel(String kernel) {
        Checks.require(kernel == null || KERNEL_ID.matcher(kernel).matches(), "\"kernel\" must be a kernel id such as "
                + "\"debian13\" (GET /api/kernels lists them), was " + Checks.echo(kernel));
    }

    /**
     * Run a program in a fresh sandbox: {@code source} (the learner's C), or {@code template} rendered with
     * {@code params} when there is no source. Ends the connection's previous run, if any.
     *
     * @param timeoutSeconds the run stops by itself after this long (null: the server's default; the server bounds it)
     * @param globals        {@code const volatile} globals to set before load, name → number, boolean or string
     * @param xdpInterface   where XDP programs attach: only {@value AgentCommand#DEFAULT_XDP_INTERFACE}, the sandbox's
     *                       lab interface (null: the same); anything else is refused before anything runs
     * @param kernel         the kernel to run on, an id of {@code GET /api/kernels} (null: the lab's default); one the
     *                       lab lacks is refused with code {@code unknown-kernel} before anything runs
     */
    @JsonTypeName("run")
    record Run(String source, String template, JsonNode params, Integer timeoutSeconds,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> globals, String xdpInterface,
            @JsonInclude(JsonInclude.Include.NON_NULL) String kernel) implements ClientMessage {
        public Run {
            checkKernel(kernel);
            Checks.labInterface(xdpInterface);
            Checks.wholeText(source, "source");
            Checks.require((source != null && !source.isBlank()) || (template != null && !template.isBlank()),
                    "the run has no program: send the C source in \"source\", or a template id in \"template\" "
                            + "(see GET /api/templates)");
            Checks.require(template == null || template.isBlank() || ID.matcher(template).matches(),
                    "\"template\" must be a template id such as \"hello\" (see GET /api/templates), was "
                            + Checks.echo(template));
            Checks.require(params == null || params.isNull() || params.isObject(),
                    "\"params\" must be an object of parameter name → value, e.g. {\"comm\": \"rm\"}");
            Checks.require(timeoutSeconds == null || timeoutSeconds >= 1,
                    "\"timeoutSeconds\" must be a whole number of seconds, 1 or more");
            globals = globals == null ? Map.of() : globals;
            Checks.require(globals.size() <= MAX_GLOBALS, "\"globals\" may set at most " + MAX_GLOBALS + " variables");
            for (Map.Entry<String, JsonNode> global : globals.entrySet()) {
                Checks.require(GLOBAL_NAME.matcher(global.getKey()).matches(), "\"globals\" names C variables; "
                        + Checks.echo(global.getKey()) + " is not a C identifier");
                JsonNode value = global.getValue();
                Checks.require(value != null && (value.isNumber() || value.isBoolean() || value.isTextual()),
                        "global '" + global.getKey() + "' must be a number, true/false or a string, e.g. "
                                + "{\"target_pid\": 42}");
            }
            globals = Map.copyOf(globals);
        }

        /** A run of the learner's own source, with the server's defaults. */
        public static Run ofSource(String source) {
            return new Run(source, null, null, null, null, null, null);
        }

        /** A run with every field but {@code kernel} (the lab's default kernel). */
        public Run(String source, String template, JsonNode params, Integer timeoutSeconds,
                Map<String, JsonNode> globals, String xdpInterface) {
            this(source, template, params, timeoutSeconds, globals, xdpInterface, null);
        }

        @JsonIgnore
        public boolean hasSource() {
            return source != null && !source.isBlank();
        }
    }

    /**
     * Compile and run one program on every ready kernel of the lab at once (the portability check): answered with a
     * {@link ServerMessage.Matrix}, one {@link ServerMessage.MatrixRow} per kernel as each finishes, then a
     * {@link ServerMessage.MatrixDone}. Ends the connection's run, if any; refused while its matrix runs.
     *
     * @param source   the learner's C; without it, {@code template} rendered with {@code params} (as in {@link Run})
     * @param globals  {@code const volatile} globals to set before load (as in {@link Run})
     * @param workload fired once on each kernel when its program is attached (null: the template's own workload when
     *                 the program is a template's, else none)
     * @param seconds  how long each kernel's program stays attached collecting events and maps, 1 to
     *                 {@value #MAX_MATRIX_SECONDS} (null: {@value #DEFAULT_MATRIX_SECONDS})
     */
    @JsonTypeName("run_all")
    record RunAll(String source, String template, JsonNode params,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> globals,
            dev.bpflab.protocol.Workload workload, Integer seconds) implements ClientMessage {
        public RunAll {
            // The program's fields are a Run's: its constructor checks them, with the same words.
            Run program = new Run(source, template, params, null, globals, null);
            globals = program.globals();
            Checks.require(seconds == null || (seconds >= 1 && seconds <= MAX_MATRIX_SECONDS),
                    "\"seconds\" must be a whole number from 1 to " + MAX_MATRIX_SECONDS + ", was " + seconds);
        }

        /** The same program as a {@link Run} of the default kernel, to resolve its source as a run's is. */
        public Run asRun() {
            return new Run(source, template, params, null, globals, null);
        }

        /** How long each kernel collects: {@code seconds}, or the default. */
        @JsonIgnore
        public int secondsOrDefault() {
            return seconds == null ? DEFAULT_MATRIX_SECONDS : seconds;
        }
    }

    /** Fire a named workload inside the running program's sandbox. */
    @JsonTypeName("workload")
    record Workload(dev.bpflab.protocol.Workload name) implements ClientMessage {
        public Workload {
            Checks.require(name != null, "\"name\" must be one of " + dev.bpflab.protocol.Workload.names());
        }
    }

    /** Stop the running (or queued) program. */
    @JsonTypeName("stop")
    record Stop() implements ClientMessage {
    }

    /**
     * Read the attached program's iterators ({@code SEC("iter/…")}) again: answered with one
     * {@link ServerMessage.IteratorOutput} per iterator program. Bounded per run
     * ({@code bpflab.limits.iterator-reads-per-minute}).
     */
    @JsonTypeName("read_iterator")
    record ReadIterator() implements ClientMessage {
    }

    /**
     * Grade the attached program: against a lesson step ({@code lesson} and {@code step}), or against what a program
     * template promises ({@code template}: its workload, its expected events, maps, printk lines). Fires the
     * workloads and answers with {@link ServerMessage.Checking}, then one {@link ServerMessage.CheckResult}.
     *
     * @param step the step's number, from 0 (with {@code lesson} only)
     * @param lang "es" or "en" (the default) for the verdict's language
     */
    @JsonTypeName("check")
    record Check(String lesson, Integer step, String template, String lang) implements ClientMessage {
        public Check {
            if (template != null) {
                Checks.require(lesson == null && step == null,
                        "a check names a \"template\", or a \"lesson\" and a \"step\", not both");
                Checks.require(ID.matcher(template).matches(), "\"template\" must be a template id such as \"hello\" "
                        + "(GET /api/templates lists them), was " + Checks.echo(template));
            } else {
                Checks.require(lesson != null && ID.matcher(lesson).matches(), "\"lesson\" must be a lesson id such as "
                        + "\"02-watch-syscalls\" (GET /api/lessons lists them), was " + Checks.echo(lesson));
                Checks.require(step != null && step >= 0 && step <= 9999,
                        "\"step\" must be the number (from 0) of a step of the lesson");
            }
            lang = lang == null ? "en" : lang;
            Checks.require(lang.equals("es") || lang.equals("en"), "\"lang\" must be \"es\" or \"en\"");
        }

        public static Check lessonStep(String lesson, int step, String lang) {
            return new Check(lesson, step, null, lang);
        }

        public static Check template(String template, String lang) {
            return new Check(null, null, template, lang);
        }
    }

    /**
     * Compile {@code source} only (errors as you type): on the host's compiler and its cache, for the kernel of the
     * lab's sandboxes, never in a sandbox; answered with one {@link ServerMessage.Compiled} carrying the same
     * diagnostics (and hints) a Run would get. It does not touch the connection's run. One compiles at a time per
     * connection; a newer request replaces one still waiting, which then gets no answer.
     *
     * @param source the learner's C (bounded by the message limit, {@code bpflab.run.max-message-bytes})
     * @param id     the client's number for this request, 0 to 2^53-1, echoed in the answer (null: none)
     * @param kernel the kernel to compile for, an id of {@code GET /api/kernels} (null: the lab's default)
     */
    @JsonTypeName("compile")
    record Compile(String source, Long id, @JsonInclude(JsonInclude.Include.NON_NULL) String kernel)
            implements ClientMessage {
        /** A compile for the lab's default kernel. */
        public Compile(String source, Long id) {
            this(source, id, null);
        }

        public Compile {
            checkKernel(kernel);
            Checks.require(source != null && !source.isBlank(),
                    "the compile has no program: send the C source as a string in \"source\", e.g. "
                            + "{\"type\":\"compile\",\"source\":\"…\"}");
            Checks.wholeText(source, "source");
            Checks.require(id == null || (id >= 0 && id <= MAX_COMPILE_ID),
                    "\"id\" must be a whole number from 0 to " + MAX_COMPILE_ID + ", was " + id);
        }
    }

    /**
     * Write one entry of a hash or array map of the attached program, which goes on running: {@code key} and
     * {@code value} typed as the map's snapshot shows them (numbers, enumerator names, strings for char arrays, objects
     * of fields for structs, arrays). Answered with one {@link ServerMessage.MapWritten}. The server sends it on to the
     * run's agent as it is (an {@link AgentCommand} too), which checks it again.
     *
     * @param map a map the run's snapshots named
     */
    @JsonTypeName("map_update")
    record MapUpdate(String map, JsonNode key, JsonNode value) implements ClientMessage, AgentCommand {
        public MapUpdate {
            MapWrites.checkMap(map);
            MapWrites.checkPart("key", key);
            MapWrites.checkPart("value", value);
        }
    }

    /** Delete one entry of a hash map of the attached program; answered with one {@link ServerMessage.MapWritten}. */
    @JsonTypeName("map_delete")
    record MapDelete(String map, JsonNode key) implements ClientMessage, AgentCommand {
        public MapDelete {
            MapWrites.checkMap(map);
            MapWrites.checkPart("key", key);
        }
    }

    /**
     * Read the attached program as the kernel holds it after load: its rewritten instructions, JIT size and the
     * verifier's statistics. Answered with one {@link ServerMessage.LoadedPrograms}. The server sends it on to the
     * run's agent as it is (an {@link AgentCommand} too), within the connection's rate.
     */
    @JsonTypeName("read_loaded")
    record ReadLoaded() implements ClientMessage, AgentCommand {
    }
}
