package dev.bpflab.agent.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Attaches an iterator program ({@link BpfProgram#isIterator}) as libbpf's {@code bpf_program__attach_iter} does. Most
 * iterators walk a kernel list and need no target (iter/task, iter/bpf_map, iter/tcp…); those that walk one map's
 * elements (iter/bpf_map_elem, iter/bpf_sk_storage_map, iter/sockmap) are given the object's one map of a kind they
 * can walk, and refused with the candidates named when there is none or more than one.
 */
final class IteratorAttach {
    /** sizeof(struct bpf_iter_attach_opts) on x86_64: sz@0, link_info@8, link_info_len@16 (+4 padding). */
    private static final int OPTS_SIZE = 24;
    /** union bpf_iter_link_info, only its first member: {@code __u32 map.map_fd}; the kernel reads no further. */
    private static final int LINK_INFO_MAP_BYTES = 4;

    /** Iterator targets that walk one map's elements → the map types the kernel lets them walk. */
    private static final Map<String, Set<Integer>> MAP_TARGETS = Map.of(
            "bpf_map_elem", Set.of(LibBpf.BPF_MAP_TYPE_HASH, LibBpf.BPF_MAP_TYPE_ARRAY, LibBpf.BPF_MAP_TYPE_PERCPU_HASH,
                    LibBpf.BPF_MAP_TYPE_PERCPU_ARRAY, LibBpf.BPF_MAP_TYPE_LRU_HASH,
                    LibBpf.BPF_MAP_TYPE_LRU_PERCPU_HASH),
            "bpf_sk_storage_map", Set.of(LibBpf.BPF_MAP_TYPE_SK_STORAGE),
            "sockmap", Set.of(LibBpf.BPF_MAP_TYPE_SOCKMAP, LibBpf.BPF_MAP_TYPE_SOCKHASH));

    private IteratorAttach() {
    }

    /** "iter/bpf_map_elem" → "bpf_map_elem"; "iter.s/task" → "task". */
    static String target(String section) {
        int slash = section.indexOf('/');
        return slash < 0 ? "" : section.substring(slash + 1);
    }

    /**
     * Attaches {@code program}; its link is then the caller's to destroy.
     *
     * @param maps the object's maps, for an iterator over one map's elements
     * @throws BpfException no map or several maps fit an iterator that needs one, or the kernel refused the link
     */
    static Attached attach(BpfProgram program, List<BpfMap> maps) throws BpfException {
        String target = target(program.section());
        Set<Integer> kinds = MAP_TARGETS.get(target);
        if (kinds == null) {
            return new Attached(checked(program, LibBpf.INSTANCE.bpf_program__attach_iter(program.pointer(), null)),
                    program.section());
        }
        BpfMap map = onlyMap(program, target, maps.stream().filter(m -> !m.isInternal() && kinds.contains(m.type()))
                .toList());
        try (Memory linkInfo = new Memory(LINK_INFO_MAP_BYTES); Memory opts = new Memory(OPTS_SIZE)) {
            linkInfo.setInt(0, map.fd());
            opts.clear();
            opts.setLong(0, OPTS_SIZE);
            opts.setPointer(8, linkInfo);
            opts.setInt(16, LINK_INFO_MAP_BYTES);
            // The kernel copies link_info while creating the link: the buffers may go when this returns.
            Pointer link = LibBpf.INSTANCE.bpf_program__attach_iter(program.pointer(), opts);
            return new Attached(checked(program, link), program.section() + " over map '" + map.name() + "'");
        }
    }

    private static BpfMap onlyMap(BpfProgram program, String target, List<BpfMap> candidates) throws BpfException {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        String what = switch (target) {
            case "bpf_sk_storage_map" -> "a BPF_MAP_TYPE_SK_STORAGE map";
            case "sockmap" -> "a BPF_MAP_TYPE_SOCKMAP or BPF_MAP_TYPE_SOCKHASH map";
            default -> "a hash or array map (BPF_MAP_TYPE_HASH, ARRAY, their PERCPU_ and LRU_ kinds)";
        };
        String intro = "iterator program '" + program.name() + "' (SEC(\"" + program.section() + "\")) walks the "
                + "elements of one map, " + what + ", and bpflab gives it the object's one such map; ";
        if (candidates.isEmpty()) {
            throw new BpfException(intro + "this object has none: define the map it should walk in the program");
        }
        throw new BpfException(intro + "this object has " + candidates.size() + " ("
                + String.join(", ", candidates.stream().map(m -> "'" + m.name() + "'").toList())
                + "): keep only the one it should walk, or move the others to another program");
    }

    private static Pointer checked(BpfProgram program, Pointer link) throws BpfException {
        if (link == null) {
            int errno = Native.getLastError();
            throw new BpfException("could not attach iterator program '" + program.name() + "' (SEC(\""
                    + program.section() + "\")): " + Errno.describe(errno) + Errno.hintForAttach(errno, program.section())
                    + BpfObject.libbpfSays());
        }
        return link;
    }

    /** A link and where it is attached, for people. */
    record Attached(Pointer link, String where) {
    }
}
