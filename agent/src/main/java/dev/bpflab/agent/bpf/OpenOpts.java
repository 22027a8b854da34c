package dev.bpflab.agent.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The fields of libbpf's {@code struct bpf_object_open_opts} that bpflab sets, laid out by hand for x86_64 (LP64:
 * pointers and {@code size_t} are 8 bytes). Offsets and widths are those of the declaration in libbpf 1.1's
 * {@code <bpf/libbpf.h>}; {@code OpenOptsLayoutTest} compiles a probe against the installed header and fails if they
 * differ. Fields bpflab leaves zero (relaxed_maps@16, pin_root_path@24, the 4-byte stub of the removed
 * attach_prog_fd@32, kconfig@40) are not named here.
 */
enum OpenOpts {
    /** {@code size_t sz}: first in every libbpf opts struct; libbpf reads no further than it says. */
    SZ("sz", 0, 8),
    /** {@code const char *object_name}: right after sz, pointer-aligned. */
    OBJECT_NAME("object_name", 8, 8),
    /**
     * {@code const char *btf_custom_path}: a BTF file libbpf uses for CO-RE relocations instead of parsing the running
     * kernel's (libbpf copies the string at open and reads the file at load).
     */
    BTF_CUSTOM_PATH("btf_custom_path", 48, 8),
    /** {@code char *kernel_log_buf}: after btf_custom_path. */
    KERNEL_LOG_BUF("kernel_log_buf", 56, 8),
    /** {@code size_t kernel_log_size}: the buffer's length in bytes. */
    KERNEL_LOG_SIZE("kernel_log_size", 64, 8),
    /** {@code __u32 kernel_log_level}: the header's last field (bpf_object_open_opts__last_field in libbpf 1.1). */
    KERNEL_LOG_LEVEL("kernel_log_level", 72, 4);

    /**
     * sizeof(struct bpf_object_open_opts) in libbpf 1.1: kernel_log_level@72 + 4, then the header's trailing
     * {@code size_t :0} pads to 8. Written to {@code sz}: a newer libbpf treats the fields after it as zero.
     */
    static final int SIZE = 80;

    /** The member's name in libbpf.h. */
    final String field;
    /** Byte offset from the start of the struct. */
    final int offset;
    /** Width in bytes. */
    final int width;

    OpenOpts(String field, int offset, int width) {
        this.field = field;
        this.offset = offset;
        this.width = width;
    }

    /** Writes an integer field ({@code size_t} or {@code __u32}) at its offset, at its width. */
    void put(Memory opts, long value) {
        switch (width) {
            case 8 -> opts.setLong(offset, value);
            case 4 -> opts.setInt(offset, Math.toIntExact(value));
            default -> throw new IllegalStateException(field + " is " + width + " bytes wide");
        }
    }

    /** Writes a pointer field at its offset. */
    void put(Memory opts, Pointer value) {
        if (width != Native.POINTER_SIZE) {
            throw new IllegalStateException(field + " is " + width + " bytes wide, a pointer " + Native.POINTER_SIZE);
        }
        opts.setPointer(offset, value);
    }
}
