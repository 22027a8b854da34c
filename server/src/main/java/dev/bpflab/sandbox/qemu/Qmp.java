package dev.bpflab.sandbox.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.protocol.RunJson;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A synchronous QEMU Machine Protocol client: one command at a time; asynchronous events are skipped. */
final class Qmp implements Closeable {
    private static final ObjectMapper JSON = RunJson.mapper();

    private final SocketChannel socket;
    private final BufferedReader in;
    private final OutputStream out;

    Qmp(SocketChannel socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(socket), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(socket);
        String greeting = in.readLine();
        if (greeting == null || !greeting.contains("\"QMP\"")) {
            throw new IOException("QEMU's monitor did not greet: " + greeting);
        }
        execute("qmp_capabilities", Map.of());
    }

    /** Runs a command and returns its "return" value; a QMP error becomes an IOException with QEMU's words. */
    synchronized JsonNode execute(String command, Map<String, ?> arguments) throws IOException {
        ObjectNode request = JSON.createObjectNode().put("execute", command);
        request.set("arguments", JSON.valueToTree(arguments));
        out.write((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("QEMU closed its monitor during " + command);
            }
            JsonNode reply = JSON.readTree(line);
            if (reply.has("error")) {
                throw new IOException(command + ": " + reply.path("error").path("desc").asText(line));
            } else if (reply.has("return")) {
                return reply.get("return");
            }
        }
    }

    synchronized JsonNode execute(String command) throws IOException {
        return execute(command, Map.of());
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
