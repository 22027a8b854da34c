package dev.bpflab.sandbox;

import java.util.regex.Pattern;

/**
 * A backend's status as anyone who can reach the server may read it (/q/health): the same words without the host's
 * file system paths (run, cache and image directories, sockets, logs), which say how the host is laid out. The full
 * status goes to the server's log.
 */
public final class PublicStatus {
    /** An absolute path: a slash that starts a word (not the one in "I/O" or "1/2"), then path characters. */
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w.~/-])/[\\w.+@%~-]+(?:/[\\w.+@%~-]*)*");
    static final String HIDDEN = "[path]";

    private PublicStatus() {
    }

    /** Paths that say nothing about this host's layout: the accelerator's reason names it ("tcg (no /dev/kvm)"). */
    private static final String KVM = "/dev/kvm";

    /** {@code status} with every absolute path but {@value #KVM} replaced by {@value #HIDDEN}. */
    public static String of(String status) {
        return ABSOLUTE_PATH.matcher(status).replaceAll(path -> path.group().equals(KVM) ? KVM : HIDDEN);
    }
}
