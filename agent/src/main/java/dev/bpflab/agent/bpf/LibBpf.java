package dev.bpflab.agent.bpf;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The slice of libbpf 1.x that bpflab uses, bound through JNA. Int-returning calls give -errno;
 * pointer-returning calls give NULL and set errno (read it with {@link Native#getLastError()}).
 * Only classes in this package call it; they own every native pointer they get from it.
 */
interface LibBpf extends Library {

    LibBpf INSTANCE = load();

    private static LibBpf load() {
        try {
            return Native.load("bpf", LibBpf.class);
        } catch (UnsatisfiedLinkError noDevSymlink) {
            // Without libbpf-dev there is no libbpf.so symlink, only the runtime soname.
            return Native.load("libbpf.so.1", LibBpf.class);
        }
    }

    int BPF_MAP_TYPE_HASH = 1;
    int BPF_MAP_TYPE_ARRAY = 2;
    int BPF_MAP_TYPE_PERF_EVENT_ARRAY = 4;
    int BPF_MAP_TYPE_PERCPU_HASH = 5;
    int BPF_MAP_TYPE_PERCPU_ARRAY = 6;
    int BPF_MAP_TYPE_LRU_HASH = 9;
    int BPF_MAP_TYPE_LRU_PERCPU_HASH = 10;
    int BPF_MAP_TYPE_SOCKMAP = 15;
    int BPF_MAP_TYPE_SOCKHASH = 18;
    int BPF_MAP_TYPE_SK_STORAGE = 24;
    int BPF_MAP_TYPE_RINGBUF = 27;

    int BPF_PROG_TYPE_KPROBE = 2;
    int BPF_PROG_TYPE_XDP = 6;
    int BPF_PROG_TYPE_TRACING = 26;
    int BPF_PROG_TYPE_LSM = 29;

    /** enum bpf_attach_type: fentry programs ({@code BPF_PROG_TYPE_TRACING}). */
    int BPF_TRACE_FENTRY = 24;
    /** enum bpf_attach_type: BPF LSM programs. */
    int BPF_LSM_MAC = 27;

    /** BTF_KIND_FUNC: a function's BTF type (kfuncs are such types in the kernel's BTF). */
    int BTF_KIND_FUNC = 12;

    /** enum bpf_attach_type: what libbpf's "iter/" and "iter.s/" sections load as. */
    int BPF_TRACE_ITER = 28;

    interface PrintFn extends Callback {
        int invoke(int level, String format, Pointer vaList);
    }

    interface RingBufferSampleFn extends Callback {
        int invoke(Pointer ctx, Pointer data, long size);
    }

    interface PerfBufferSampleFn extends Callback {
        void invoke(Pointer ctx, int cpu, Pointer data, int size);
    }

    interface PerfBufferLostFn extends Callback {
        void invoke(Pointer ctx, int cpu, long count);
    }

    PrintFn libbpf_set_print(PrintFn fn);

    int libbpf_num_possible_cpus();

    Pointer bpf_object__open_mem(Pointer objBuf, long size, Pointer opts);

    int bpf_object__load(Pointer obj);

    void bpf_object__close(Pointer obj);

    Pointer bpf_object__btf(Pointer obj);

    Pointer bpf_object__next_program(Pointer obj, Pointer prev);

    Pointer bpf_object__next_map(Pointer obj, Pointer prev);

    String bpf_program__name(Pointer prog);

    String bpf_program__section_name(Pointer prog);

    int bpf_program__type(Pointer prog);

    boolean bpf_program__autoload(Pointer prog);

    int bpf_program__set_autoload(Pointer prog, boolean autoload);

    int bpf_program__set_log_level(Pointer prog, int level);

    int bpf_program__set_log_buf(Pointer prog, Pointer buf, long size);

    int bpf_program__expected_attach_type(Pointer prog);

    /** {@code opts}: a struct bpf_iter_attach_opts ({@link IteratorAttach}), or null for an iterator without target. */
    Pointer bpf_program__attach_iter(Pointer prog, Pointer opts);

    int bpf_link__fd(Pointer link);

    /** A new iterator (an fd to read) for an attached iterator link; -errno on failure. */
    int bpf_iter_create(int linkFd);

    Pointer bpf_program__attach(Pointer prog);

    Pointer bpf_program__attach_xdp(Pointer prog, int ifindex);

    int bpf_link__destroy(Pointer link);

    String bpf_map__name(Pointer map);

    int bpf_map__type(Pointer map);

    int bpf_map__fd(Pointer map);

    int bpf_map__key_size(Pointer map);

    int bpf_map__value_size(Pointer map);

    int bpf_map__max_entries(Pointer map);

    int bpf_map__btf_key_type_id(Pointer map);

    int bpf_map__btf_value_type_id(Pointer map);

    Pointer bpf_map__initial_value(Pointer map, long[] size);

    int bpf_map__set_initial_value(Pointer map, Pointer data, long size);

    int bpf_map_get_next_key(int fd, Pointer key, Pointer nextKey);

    int bpf_map_lookup_elem(int fd, Pointer key, Pointer value);

    /** {@code flags}: BPF_ANY (0) creates or replaces. 0, or -errno (E2BIG: a full hash; EINVAL, ENOENT, …). */
    int bpf_map_update_elem(int fd, Pointer key, Pointer value, long flags);

    /** 0, or -errno (ENOENT: no such key; EINVAL: an array, whose entries cannot be deleted). */
    int bpf_map_delete_elem(int fd, Pointer key);

    int bpf_program__fd(Pointer prog);

    /** Fills {@code info} (a struct bpf_prog_info, bpf_map_info, …) up to {@code *infoLen} bytes; 0 or -errno. */
    int bpf_obj_get_info_by_fd(int fd, Pointer info, com.sun.jna.ptr.IntByReference infoLen);

    Pointer ring_buffer__new(int mapFd, RingBufferSampleFn sample, Pointer ctx, Pointer opts);

    int ring_buffer__add(Pointer rb, int mapFd, RingBufferSampleFn sample, Pointer ctx);

    /** Consumes every waiting record of every ring, without waiting: records consumed, or a negative errno. */
    int ring_buffer__consume(Pointer rb);

    /** The epoll descriptor over the manager's rings: readable while a record waits. */
    int ring_buffer__epoll_fd(Pointer rb);

    void ring_buffer__free(Pointer rb);

    Pointer perf_buffer__new(int mapFd, long pageCount, PerfBufferSampleFn sample, PerfBufferLostFn lost, Pointer ctx,
            Pointer opts);

    /** Consumes every waiting record of every CPU's buffer, without waiting: 0, or a negative errno. */
    int perf_buffer__consume(Pointer pb);

    /** The epoll descriptor over the per-CPU buffers: readable when a buffer has records. */
    int perf_buffer__epoll_fd(Pointer pb);

    void perf_buffer__free(Pointer pb);

    /**
     * Loads a program from raw instructions ({@code insns}: {@code insnCount} struct bpf_insn of 8 bytes each);
     * {@code opts}: a struct bpf_prog_load_opts ({@link KernelProbe}) or null. The program's fd, or -errno.
     */
    int bpf_prog_load(int progType, String name, String license, Pointer insns, long insnCount, Pointer opts);

    /**
     * The BTF type id of kernel function {@code name} as an attach target of {@code attachType} (for BPF_LSM_MAC
     * libbpf looks up {@code bpf_lsm_<name>}); -errno (-ESRCH: no such function) on failure.
     */
    int libbpf_find_vmlinux_btf_id(String name, int attachType);

    /** Attaches a tracing or LSM program ({@code name} null): the link's fd, closed to detach, or -errno. */
    int bpf_raw_tracepoint_open(String name, int progFd);

    /** 1 when the kernel creates maps of {@code mapType}, 0 when it does not, -errno when that could not be told. */
    int libbpf_probe_bpf_map_type(int mapType, Pointer opts);

    /** The running kernel's BTF (from /sys/kernel/btf/vmlinux), or NULL with errno set; free with btf__free. */
    Pointer btf__load_vmlinux_btf();

    void btf__free(Pointer btf);

    int btf__find_by_name_kind(Pointer btf, String name, int kind);

    Pointer btf__type_by_id(Pointer btf, int id);

    String btf__name_by_offset(Pointer btf, int offset);

    long btf__resolve_size(Pointer btf, int typeId);

    int btf__type_cnt(Pointer btf);
}
