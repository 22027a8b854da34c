package dev.bpflab.sandbox;

import java.nio.file.Path;
import java.util.Map;

/** What every backend may need to start agents; read from configuration by {@link SandboxProducer}. */
public record SandboxSettings(Path agentJar, Map<String, String> agentEnvironment, int localWarmAgents) {
}
