package dev.bpflab.agent.bpf;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * An attached iterator program ({@code SEC("iter/…")}): the kernel runs it only while an iterator made from its link
 * is read, once per object it walks (task, map element, socket…), and what it prints with {@code BPF_SEQ_PRINTF} is
 * the text read. Valid while its {@link BpfObject} is open; the link is the object's to destroy.
 */
public final class BpfIterator {
    private final String program;
    private final String attachedAs;
    private final Pointer link;

    BpfIterator(String program, String attachedAs, Pointer link) {
        this.program = program;
        this.attachedAs = attachedAs;
        this.link = link;
    }

    /** The program's name (its C function). */
    public String program() {
        return program;
    }

    /** Where it is attached, for people: "iter/task", "iter/bpf_map_elem over map 'counts'". */
    public String attachedAs() {
        return attachedAs;
    }

    /** A fresh iterator: reading it runs the program over the kernel's objects as they are now. */
    public Reader open() throws BpfException {
        int fd = LibBpf.INSTANCE.bpf_iter_create(LibBpf.INSTANCE.bpf_link__fd(link));
        if (fd < 0) {
            throw new BpfException("could not create an iterator for program '" + program + "': " + Errno.describe(-fd));
        }
        return new Reader(fd);
    }

    /** One iterator's text, read in chunks until its end. Not thread-safe: one reader thread. */
    public final class Reader implements AutoCloseable {
        private final int fd;
        private boolean closed;

        private Reader(int fd) {
            this.fd = fd;
        }

        /**
         * Reads the next chunk into {@code into}: the number of bytes, 0 at the end. Blocks while the program runs over
         * the next objects (one chunk's worth).
         *
         * @throws BpfException the kernel refused the read, e.g. E2BIG when one object's output does not fit a chunk
         */
        public int read(byte[] into) throws BpfException {
            long n = LibC.INSTANCE.read(fd, into, into.length);
            if (n < 0) {
                int errno = Native.getLastError();
                throw new BpfException("reading iterator program '" + program + "' failed: " + Errno.describe(errno)
                        + (errno == Errno.E2BIG ? " (one object's output is larger than the kernel's buffer for it: print less "
                                + "per object)" : ""));
            }
            return (int) n;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                LibC.INSTANCE.close(fd);
            }
        }
    }
}
