package dev.bpflab.agent.bpf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes ring/perf buffer records. By the libbpf-bootstrap convention the record type is {@code struct event};
 * without it (or without BTF) the raw bytes are shown as hex in a field named "data".
 */
final class RecordDecoder {
    static final String RECORD_STRUCT = "event";

    private final BtfDecoder decoder;
    private final Integer eventType;

    RecordDecoder(BpfObject object) {
        Btf btf = object.btf();
        Optional<Integer> type = btf == null ? Optional.empty() : btf.findStruct(RECORD_STRUCT);
        this.decoder = object.decoder();
        this.eventType = type.orElse(null);
    }

    /** The record's fields; each enumerator name among them goes into {@code enums} with its number. */
    JsonNode decode(byte[] record, Map<String, Long> enums) {
        if (decoder != null && eventType != null) {
            return decoder.decode(eventType, record, enums);
        }
        return JsonNodeFactory.instance.objectNode().set("data", BtfDecoder.hex(record));
    }
}
