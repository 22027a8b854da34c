package dev.bpflab.kernels;

import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.AgentMessage;
import dev.bpflab.protocol.ProtocolException;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.AgentListener;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One probe of one kernel: a sandbox of that kernel of its own, sent {@link AgentCommand.Probe}, its one
 * {@link AgentMessage.Features} awaited for a bounded time, then the sandbox closed whatever happened. The agent is
 * untrusted: only a line that decodes as features is believed.
 */
final class SandboxProbe {
    /** The most of an agent's own error quoted in a failure (it comes from a VM). */
    private static final int MAX_QUOTED_CHARS = 300;

    private SandboxProbe() {
    }

    /** Why a probe gave no answer, in a sentence for the lab's admin. */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    /**
     * What {@code kernel} can do, as its agent probed it.
     *
     * @throws Failed no sandbox of that kernel could be had, or its agent did not answer within {@code timeout}, said
     *                an error, wrote something else or ended first
     */
    static AgentMessage.Features run(SandboxBackend backend, String kernel, Duration timeout)
            throws Failed, InterruptedException {
        AgentChannel channel;
        try {
            channel = backend.acquire(null, kernel, position -> { });
        } catch (SandboxException e) {
            throw new Failed("no sandbox to probe in: " + e.getMessage());
        }
        try {
            CompletableFuture<AgentMessage.Features> answer = new CompletableFuture<>();
            channel.listen(new Listener(answer));
            channel.send(RunJson.write(new AgentCommand.Probe()));
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            throw new Failed("the sandbox could not be sent the probe: " + e.getMessage());
        } catch (TimeoutException e) {
            throw new Failed("the agent did not answer the probe within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new Failed(e.getCause().getMessage());
        } finally {
            channel.close();
        }
    }

    /** Completes the answer with the first features line, or fails it with the first thing that rules one out. */
    private record Listener(CompletableFuture<AgentMessage.Features> answer) implements AgentListener {
        @Override
        public void onLine(String jsonLine) {
            AgentMessage said;
            try {
                said = RunJson.agent(jsonLine);
            } catch (ProtocolException e) {
                fail("the agent's answer was refused: " + e.getMessage());
                return;
            }
            if (said instanceof AgentMessage.Features features) {
                answer.complete(features);
            } else if (said instanceof ServerMessage.Error error) {
                fail("the agent said: " + clip(error.message()));
            } else {
                fail("the agent answered the probe with something other than features");
            }
        }

        @Override
        public void onOversizeLine() {
            fail("the agent wrote a line longer than " + (AgentChannel.MAX_LINE_BYTES >> 20) + " MiB");
        }

        @Override
        public void onExit(String reason) {
            fail("the sandbox ended before it answered (" + clip(reason) + ")");
        }

        private void fail(String why) {
            answer.completeExceptionally(new Failed(why));
        }

        private static String clip(String text) {
            return text.length() <= MAX_QUOTED_CHARS ? text : text.substring(0, MAX_QUOTED_CHARS) + "…";
        }
    }
}
