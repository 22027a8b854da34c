package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;
import java.util.List;

/**
 * One entry of a map snapshot ({@link ServerMessage.MapSnapshot}). Keys and values are decoded with the program's BTF
 * (a number, an object of fields, an array, or {@code {"hex": "…"}}).
 *
 * @param key   the entry's key
 * @param value the entry's value; for a per-CPU map, the sum of the per-CPU values when they are all numbers, and
 *              null (left out of the JSON) when they are not
 * @param cpus  a per-CPU map's values, one per possible CPU, index = CPU number, at most {@link #MAX_CPUS}; null (left
 *              out) for a map that is not per-CPU
 * @param lab   true when the key or the value names one of the lab's own processes (a {@code pid}, {@code tgid},
 *              {@code tid} or {@code comm} field of the agent, or of a process it started before that process ran
 *              its workload's program); null (left out) otherwise
 */
public record MapEntry(JsonNode key, JsonNode value, List<JsonNode> cpus, Boolean lab) {
    public static final int MAX_CPUS = 8192;

    public MapEntry {
        Checks.require(key != null && !key.isMissingNode() && !key.isNull(), "a map entry has a \"key\"");
        value = value == null || value.isNull() || value.isMissingNode() ? null : value;
        if (cpus == null) {
            Checks.require(value != null, "a map entry has a \"value\", or \"cpus\" for a per-CPU map");
        } else {
            Checks.require(!cpus.isEmpty() && cpus.size() <= MAX_CPUS && cpus.stream().allMatch(v -> v != null),
                    "a per-CPU map entry's \"cpus\" has one value per CPU (1 to " + MAX_CPUS + ")");
            Checks.require(value == null || value.isNumber(), "a per-CPU map entry's \"value\" is the sum of its numbers");
            cpus = List.copyOf(cpus);
        }
        lab = Boolean.TRUE.equals(lab) ? Boolean.TRUE : null;
    }

    /** The same entry, said to be of one of the lab's own processes. */
    public MapEntry asLab() {
        return new MapEntry(key, value, cpus, true);
    }

    /** Whether the entry names one of the lab's own processes. */
    @JsonIgnore
    public boolean isLab() {
        return lab != null;
    }

    /** An entry of a map that is not per-CPU. */
    public static MapEntry of(JsonNode key, JsonNode value) {
        return new MapEntry(key, value, null, null);
    }

    /** An entry of a per-CPU map: {@code cpus} as read, one per CPU, and their sum as the value when all are numbers. */
    public static MapEntry perCpu(JsonNode key, List<JsonNode> cpus) {
        BigInteger sum = BigInteger.ZERO;
        for (JsonNode v : cpus) {
            if (v == null || !v.isIntegralNumber()) {
                return new MapEntry(key, null, cpus, null);
            }
            sum = sum.add(v.bigIntegerValue());
        }
        JsonNode total = sum.bitLength() < 64 ? JsonNodeFactory.instance.numberNode(sum.longValue())
                : JsonNodeFactory.instance.numberNode(sum);
        return new MapEntry(key, total, cpus, null);
    }

    /** Whether the entry is of a per-CPU map. */
    @JsonIgnore
    public boolean isPerCpu() {
        return cpus != null;
    }
}
