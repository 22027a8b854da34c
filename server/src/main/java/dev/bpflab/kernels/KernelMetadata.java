package dev.bpflab.kernels;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.KernelFeature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * What a template's or a lesson's metadata says about kernels: {@code "needs"}, the {@link KernelFeature}s its
 * programs need (wire names, e.g. {@code ["lsm"]}; none when absent), and {@code "kernel"}, the kernel id it prefers
 * (null: any). Both are listed by {@code GET /api/templates} and {@code GET /api/lessons}.
 */
public record KernelMetadata(List<String> needs, String kernel) {

    /**
     * Reads {@code "needs"} and {@code "kernel"} of {@code root}; a file's mistake is thrown as {@code error} of a
     * sentence that starts with {@code where} and names what to write.
     */
    public static KernelMetadata read(JsonNode root, String where, Function<String, RuntimeException> error) {
        List<String> known = Arrays.stream(KernelFeature.values()).map(KernelFeature::wire).toList();
        List<String> needs = new ArrayList<>();
        JsonNode listed = root.path("needs");
        if (!listed.isMissingNode() && !listed.isArray()) {
            throw error.apply(where + ": 'needs' must be a list of kernel features, some of " + known);
        }
        for (JsonNode need : listed) {
            if (!need.isTextual() || KernelFeature.fromWire(need.asText()).isEmpty()) {
                throw error.apply(where + ": needs '" + need.asText() + "'; a kernel feature is one of " + known);
            }
            if (!needs.contains(need.asText())) {
                needs.add(need.asText());
            }
        }
        JsonNode kernel = root.path("kernel");
        if (!kernel.isMissingNode() && !kernel.isNull()
                && (!kernel.isTextual() || !ClientMessage.KERNEL_ID.matcher(kernel.asText()).matches())) {
            throw error.apply(where + ": 'kernel' must be a kernel id such as \"debian13\" (" + ClientMessage.KERNEL_ID
                    + "), was " + kernel);
        }
        return new KernelMetadata(List.copyOf(needs), kernel.isTextual() ? kernel.asText() : null);
    }
}
