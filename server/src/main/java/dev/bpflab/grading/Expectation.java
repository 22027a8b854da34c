package dev.bpflab.grading;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.protocol.EnumNames;
import dev.bpflab.protocol.MapEntry;
import dev.bpflab.protocol.ServerMessage;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One thing a run must show, as written in a template's or a lesson's {@code expect} list (bpf-templates/README.md,
 * workshop-material/README.md): an event, a printk line, a map entry, a workload's outcome or what an iterator
 * program printed when read. Plain data plus the test of one streamed message against it.
 */
public record Expectation(JsonNode spec) {
    private static final Set<String> TYPES = Set.of("event", "printk", "map", "workload", "iterator");

    /** Checks the shape of a spec; returns what is wrong with it, or null. */
    public static String problem(JsonNode spec) {
        if (spec == null || !spec.isObject()) {
            return "an expectation must be an object with a \"type\"";
        }
        String type = spec.path("type").asText();
        if (!TYPES.contains(type)) {
            return "expectation type '" + type + "' is not one of " + TYPES;
        }
        return switch (type) {
            case "event" -> !spec.path("fields").isObject() ? "an event expectation needs \"fields\": {…}"
                    : spec.has("matchesWorkload") ? matchesWorkloadProblem(spec.get("matchesWorkload")) : null;
            case "printk" -> spec.path("text").isTextual() ? null : "a printk expectation needs \"text\"";
            case "map" -> spec.path("name").isTextual() ? null : "a map expectation needs the map's \"name\"";
            case "iterator" -> spec.path("text").isTextual() ? null
                    : "an iterator expectation needs \"text\" (a glob over what one read printed)";
            default -> spec.path("detail").isTextual() || spec.has("name") || spec.has("ok") ? null
                    : "a workload expectation needs \"detail\", \"name\" or \"ok\"";
        };
    }

    private static String matchesWorkloadProblem(JsonNode spec) {
        boolean fieldsOk = spec.path("fields").isArray() && !spec.path("fields").isEmpty();
        for (JsonNode field : spec.path("fields")) {
            fieldsOk &= field.isTextual();
        }
        if (!spec.path("name").isTextual() || !fieldsOk) {
            return "\"matchesWorkload\" needs the workload's \"name\" and \"fields\": [names of its facts]";
        }
        String name = spec.path("name").asText();
        // a misspelt name would make the expectation wait forever for an answer no workload gives
        return dev.bpflab.protocol.Workload.fromWire(name).isPresent() ? null
                : "\"matchesWorkload\" names the workload '" + name + "', which is not one of "
                        + java.util.Arrays.stream(dev.bpflab.protocol.Workload.values())
                                .map(dev.bpflab.protocol.Workload::wireName).toList();
    }

    /**
     * The workload whose answer's facts an event must agree with ({@code "matchesWorkload": {"name": "pod-alpha",
     * "fields": ["hostname", "cgroup_id"]}}: the event's field of each name equals that fact), or null.
     */
    public String factsOf() {
        JsonNode of = spec.path("matchesWorkload");
        return of.isObject() ? of.path("name").asText() : null;
    }

    /** Whether an event agrees with a workload answer's {@code facts} on every field {@code matchesWorkload} names. */
    public boolean agreesWith(ServerMessage.Event event, Map<String, Object> facts) {
        for (JsonNode field : spec.path("matchesWorkload").path("fields")) {
            Object fact = facts.get(field.asText());
            JsonNode actual = event.fields().path(field.asText());
            boolean same = fact instanceof Long number ? actual.isIntegralNumber() && actual.asLong() == number
                    : fact instanceof String text && actual.isTextual() && actual.asText().equals(text);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    public String type() {
        return spec.path("type").asText();
    }

    /** Whether it is met by reading the program's iterators: a check then reads them after its workloads. */
    public boolean needsIteratorRead() {
        return type().equals("iterator");
    }

    /** How many matching events are needed (events only); 1 unless {@code minCount} says more. */
    int minCount() {
        return Math.max(1, spec.path("minCount").asInt(1));
    }

    /** Whether one message from a run (as the run contract streams it) is of the kind this expectation asks for. */
    public boolean matches(ServerMessage message) {
        String type = type();
        if (message instanceof ServerMessage.Event event && type.equals("event")) {
            return fieldsMatch(spec.path("fields"), event.fields(), event.enums());
        }
        if (message instanceof ServerMessage.Printk printk && type.equals("printk")) {
            return Glob.matches(spec.path("text").asText(), printk.text());
        }
        if (message instanceof ServerMessage.WorkloadResult result && type.equals("workload")) {
            return result.ok() == spec.path("ok").asBoolean(true)
                    && (!spec.has("name") || spec.path("name").asText().equals(result.name()))
                    && (!spec.has("detail") || Glob.matches(spec.path("detail").asText(), result.detail()));
        }
        if (message instanceof ServerMessage.IteratorOutput output && type.equals("iterator")) {
            return (!spec.has("program") || spec.path("program").asText().equals(output.program()))
                    && Glob.matches(spec.path("text").asText(), output.text());
        }
        if (message instanceof ServerMessage.MapSnapshot map && type.equals("map")) {
            return spec.path("name").asText().equals(map.name())
                    && mapHas(map, spec.get("key"), spec.path("minValue").asLong(1));
        }
        return false;
    }

    /** Whether an entry under {@code key} holds at least {@code minValue} (a per-CPU map's: summed over its CPUs). */
    private static boolean mapHas(ServerMessage.MapSnapshot map, JsonNode key, long minValue) {
        Map<String, Long> enums = map.enums();
        for (MapEntry entry : map.entries()) {
            boolean keyMatches = key == null || key.isNull()
                    || (key.isObject() ? fieldsMatch(key, entry.key(), enums) : valueMatches(key, entry.key(), enums));
            if (keyMatches && entry.value() != null && entry.value().isNumber() && entry.value().asLong() >= minValue) {
                return true;
            }
        }
        return false;
    }

    private static boolean fieldsMatch(JsonNode wanted, JsonNode actual, Map<String, Long> enums) {
        for (Map.Entry<String, JsonNode> field : wanted.properties()) {
            if (!valueMatches(field.getValue(), actual.path(field.getKey()), enums)) {
                return false;
            }
        }
        return true;
    }

    /** A number also matches an enumerator name that stands for it ({@code 1} matches {@code "RULE_PORT"}). */
    private static boolean valueMatches(JsonNode wanted, JsonNode actual, Map<String, Long> enums) {
        if (wanted.isTextual()) {
            return actual.isValueNode() && !actual.isMissingNode() && Glob.matches(wanted.asText(), actual.asText());
        }
        if (wanted.isNumber()) {
            OptionalLong named = EnumNames.number(enums, actual);
            return actual.isNumber() ? actual.asLong() == wanted.asLong()
                    : named.isPresent() && named.getAsLong() == wanted.asLong();
        }
        return wanted.equals(actual);
    }
}
