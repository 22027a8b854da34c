package dev.bpflab.agent.bpf;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;

/**
 * What the kernel says of one loaded program ({@code struct bpf_prog_info}, read with {@code BPF_OBJ_GET_INFO_BY_FD}
 * through libbpf's {@code bpf_obj_get_info_by_fd}, which libbpf 1.1, Debian 12's, exports; its newer name
 * {@code bpf_prog_get_info_by_fd} is 1.2's). Only the fixed-size fields are read: no pointer is handed to the kernel.
 *
 * @param id            the kernel's program id
 * @param xlatedBytes   the instructions after the verifier's rewrite, in bytes (8 per slot)
 * @param jitedBytes    the JIT image's bytes; 0 when the program is not JITed
 * @param verifiedInsns instructions the verifier processed; 0 on kernels before 5.16, which do not say
 */
public record ProgramInfo(int id, long xlatedBytes, long jitedBytes, long verifiedInsns) {
    // Offsets in struct bpf_prog_info, include/uapi/linux/bpf.h (Linux 6.1, the guest's; Debian 12's linux-libc-dev
    // 6.1 headers, checked with offsetof): __u32 type @0, __u32 id @4, __u8 tag[8] @8, __u32 jited_prog_len @16,
    // __u32 xlated_prog_len @20, … __u32 verified_insns @216 (added in 5.16); sizeof is 232.
    private static final int ID = 4;
    private static final int JITED_PROG_LEN = 16;
    private static final int XLATED_PROG_LEN = 20;
    private static final int VERIFIED_INSNS = 216;
    /** Up to and including verified_insns. A kernel that knows fewer bytes fills what it knows (and says so in the length). */
    private static final int SIZE = 220;

    /**
     * Reads the info of the program behind {@code fd}; null when the kernel refuses (not a program's fd).
     */
    static ProgramInfo of(int fd) {
        try (Memory info = new Memory(SIZE)) {
            info.clear();
            IntByReference length = new IntByReference(SIZE);
            if (LibBpf.INSTANCE.bpf_obj_get_info_by_fd(fd, info, length) != 0) {
                return null;
            }
            // A kernel before 5.16 fills fewer bytes and says how many: verified_insns is then past them, and 0.
            long verified = length.getValue() >= VERIFIED_INSNS + 4 ? Integer.toUnsignedLong(info.getInt(VERIFIED_INSNS)) : 0;
            return new ProgramInfo(info.getInt(ID), Integer.toUnsignedLong(info.getInt(XLATED_PROG_LEN)),
                    Integer.toUnsignedLong(info.getInt(JITED_PROG_LEN)), verified);
        }
    }
}
