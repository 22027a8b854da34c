package dev.bpflab.catalog;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A template's metadata (bpf-templates/&lt;id&gt;/template.json).
 *
 * @param workload the workload (by name, see dev.bpflab.protocol.Workload) that makes the program fire
 * @param requires program types that not every kernel accepts ("xdp", "lsm", "fentry"), so a runner can tell
 *                 "this kernel cannot" from "this template is broken"
 * @param expect   what a run with the defaults must show, as checks described in bpf-templates/README.md
 * @param needs    the kernel features its program needs (wire names of {@code KernelFeature}, e.g. "fentry")
 * @param kernel   the kernel id it prefers (GET /api/kernels), or null for any
 */
public record TemplateInfo(
        String id,
        LocalizedText title,
        String category,
        LocalizedText description,
        List<TemplateParam> params,
        String workload,
        List<String> requires,
        JsonNode expect,
        List<String> needs,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
        String kernel) {
}
