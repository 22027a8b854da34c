package dev.bpflab.support.process;

import java.time.Duration;

/**
 * How a {@link Command} ended.
 *
 * @param exitCode       the program's exit status; 128 + signal when a signal ended it (137 after the timeout's kill,
 *                       or its own status if it had exited and only a descendant held its output open), -1 if it
 *                       could not be reaped at all
 * @param stdout         the first {@link Command#outputCap()} bytes of standard output, decoded as UTF-8 (a character
 *                       cut at the cap shows as U+FFFD); with {@link Command#mergeStderr()} also standard error
 * @param stderr         the first bytes of standard error likewise; "" when merged
 * @param timedOut       the program had not exited and closed its output within {@link Command#timeout()}, so it and
 *                       its descendants were killed
 * @param truncated      a stream wrote more than the cap
 * @param discardedBytes how many bytes beyond the caps were read and dropped, over both streams
 * @param elapsed        wall-clock time from start until the result, including any kill
 */
public record ProcessResult(int exitCode, String stdout, String stderr, boolean timedOut, boolean truncated,
        long discardedBytes, Duration elapsed) {

    /** Exited with status 0, in time. */
    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }

    /** stdout then stderr, stripped, each only when non-blank: what to show when something went wrong. */
    public String output() {
        String out = stdout.strip();
        String err = stderr.strip();
        if (out.isEmpty()) {
            return err;
        }
        return err.isEmpty() ? out : out + "\n" + err;
    }
}
