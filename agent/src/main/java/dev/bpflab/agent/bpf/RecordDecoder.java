package dev.bpflab.agent.bpf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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

    JsonNode decode(byte[] record) {
        if (decoder != null && eventType != null) {
            return decoder.decode(eventType, record);
        }
        return JsonNodeFactory.instance.objectNode().set("data", BtfDecoder.hex(record));
    }
}
