package dev.bpflab.agent.bpf;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A BPF ELF object opened through libbpf, from load to close. It owns the native bpf_object, the verifier log
 * buffer and every link it attached; {@link #close()} detaches and frees all of them, so nothing stays in the kernel.
 */
public final class BpfObject implements AutoCloseable {
    private static final int ENOSPC = 28;
    private static final Pattern MAP_FAILED = Pattern.compile("map '([^']+)': failed to create: (.*)");

    private final Pointer object;
    private final Memory elf;
    private final Memory openOpts;
    private final Memory objectName;
    private final Memory logBuffer;
    private final Memory coreBtfPath; // null when libbpf reads the kernel's BTF
    private final Btf btf;
    private final List<Pointer> links = new ArrayList<>();
    private final List<BpfIterator> iterators = new ArrayList<>();
    private boolean closed;

    private BpfObject(Pointer object, Memory elf, Memory openOpts, Memory objectName, Memory logBuffer,
            Memory coreBtfPath) {
        this.object = object;
        this.elf = elf;
        this.openOpts = openOpts;
        this.objectName = objectName;
        this.logBuffer = logBuffer;
        this.coreBtfPath = coreBtfPath;
        Pointer nativeBtf = LibBpf.INSTANCE.bpf_object__btf(object);
        this.btf = nativeBtf == null ? null : new Btf(nativeBtf);
    }

    /** Parses an ELF object (not yet loaded into the kernel). {@code logBytes} caps the verifier log. */
    public static BpfObject open(byte[] elfBytes, String name, int logBytes) throws BpfException {
        return open(elfBytes, name, logBytes, null);
    }

    /**
     * As {@link #open(byte[], String, int)}, with CO-RE relocations resolved against the BTF file {@code coreBtf}
     * (null: the running kernel's, /sys/kernel/btf/vmlinux). The file must stay until {@link #load()} returns.
     */
    public static BpfObject open(byte[] elfBytes, String name, int logBytes, java.nio.file.Path coreBtf)
            throws BpfException {
        LibbpfLog.install();
        LibbpfLog.drain();
        Memory elf = new Memory(elfBytes.length);
        elf.write(0, elfBytes, 0, elfBytes.length);
        Memory objectName = new Memory(name.length() + 1L);
        objectName.setString(0, name, StandardCharsets.US_ASCII.name());
        Memory logBuffer = new Memory(logBytes);
        logBuffer.setByte(0, (byte) 0);
        Memory opts = new Memory(OpenOpts.SIZE);
        opts.clear();
        OpenOpts.SZ.put(opts, OpenOpts.SIZE);
        OpenOpts.OBJECT_NAME.put(opts, objectName);
        OpenOpts.KERNEL_LOG_BUF.put(opts, logBuffer);
        OpenOpts.KERNEL_LOG_SIZE.put(opts, logBytes);
        // Level 0: libbpf loads without a log and, only if the load fails, retries at level 1 into our buffer.
        // A successful program therefore never fails for a log that did not fit.
        OpenOpts.KERNEL_LOG_LEVEL.put(opts, 0);
        Memory coreBtfPath = null;
        if (coreBtf != null) {
            byte[] path = coreBtf.toString().getBytes(StandardCharsets.UTF_8);
            coreBtfPath = new Memory(path.length + 1L);
            coreBtfPath.write(0, path, 0, path.length);
            coreBtfPath.setByte(path.length, (byte) 0);
            OpenOpts.BTF_CUSTOM_PATH.put(opts, coreBtfPath);
        }
        Pointer object = LibBpf.INSTANCE.bpf_object__open_mem(elf, elfBytes.length, opts);
        if (object == null) {
            int errno = Native.getLastError();
            throw new BpfException("libbpf could not open the compiled object: " + Errno.describe(errno)
                    + libbpfSays());
        }
        return new BpfObject(object, elf, opts, objectName, logBuffer, coreBtfPath);
    }

    public List<BpfProgram> programs() {
        List<BpfProgram> programs = new ArrayList<>();
        for (Pointer p = LibBpf.INSTANCE.bpf_object__next_program(object, null); p != null;
                p = LibBpf.INSTANCE.bpf_object__next_program(object, p)) {
            programs.add(new BpfProgram(p));
        }
        return programs;
    }

    public List<BpfMap> maps() {
        List<BpfMap> maps = new ArrayList<>();
        for (Pointer m = LibBpf.INSTANCE.bpf_object__next_map(object, null); m != null;
                m = LibBpf.INSTANCE.bpf_object__next_map(object, m)) {
            maps.add(new BpfMap(m, btf));
        }
        return maps;
    }

    /** The names and current initial values of the object's global variables (.rodata, .data, .bss). */
    public Map<String, JsonNode> globals() {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (GlobalVariables section : globalSections()) {
            values.putAll(section.values());
        }
        return values;
    }

    /**
     * Sets global variables before load, as a libbpf skeleton's {@code skel->rodata->x = v} does. This is how
     * {@code const volatile} parameters of a program are chosen without recompiling.
     */
    public void setGlobals(Map<String, JsonNode> requested) throws BpfException {
        Map<String, JsonNode> remaining = new LinkedHashMap<>(requested);
        for (GlobalVariables section : globalSections()) {
            section.assign(remaining);
        }
        if (!remaining.isEmpty()) {
            throw new BpfException("the program has no global variable named " + String.join(", ", remaining.keySet())
                    + "; declare it as e.g. `const volatile int " + remaining.keySet().iterator().next()
                    + " = 0;` or remove it from the run's globals (known: " + globals().keySet() + ")");
        }
    }

    private List<GlobalVariables> globalSections() {
        List<GlobalVariables> sections = new ArrayList<>();
        if (btf == null) {
            return sections;
        }
        for (BpfMap map : maps()) {
            if (map.isInternal()) {
                GlobalVariables.of(map, btf).ifPresent(sections::add);
            }
        }
        return sections;
    }

    /** Loads every program into the kernel; a rejection carries the verifier's log. */
    public void load() throws BpfException {
        LibbpfLog.drain();
        int err = LibBpf.INSTANCE.bpf_object__load(object);
        if (err == 0) {
            return;
        }
        int errno = -err;
        String log = logBuffer.getString(0, StandardCharsets.UTF_8.name()).strip();
        List<String> said = LibbpfLog.drain();
        String program = failedProgram(said);
        if (!log.isEmpty()) {
            boolean truncated = errno == ENOSPC || log.length() >= logBuffer.size() - 2;
            throw new VerifierException(program, "the verifier rejected program " + (program.isEmpty() ? "" : "'" + program + "' ")
                    + "(" + Errno.describe(errno) + ")", log, truncated);
        }
        Matcher failedMap = MAP_FAILED.matcher(String.join("\n", said));
        if (failedMap.find()) {
            throw new MapCreationException(failedMap.group(1), failedMap.group(2).strip(), "the kernel refused to "
                    + "create map '" + failedMap.group(1) + "': " + failedMap.group(2).strip() + "\n" + String.join("\n", said));
        }
        throw new BpfException("the kernel refused to load the program: " + Errno.describe(errno)
                + Errno.hintForLoad(errno) + (said.isEmpty() ? "" : "\n" + String.join("\n", said))); // lines start "libbpf: "
    }

    private static String failedProgram(List<String> libbpfLines) {
        for (String line : libbpfLines) {
            int start = line.indexOf("prog '");
            if (start >= 0) {
                int end = line.indexOf('\'', start + 6);
                if (end > start) {
                    return line.substring(start + 6, end);
                }
            }
        }
        return "";
    }

    /**
     * Attaches every loaded program by its SEC() name. XDP has no automatic target, so XDP programs go to
     * {@code xdpInterface}. Iterator programs are attached as iterators ({@link IteratorAttach}) and listed by
     * {@link #iterators()}: they run when read. Returns one line per program saying where it is attached.
     */
    public List<String> attachAll(String xdpInterface) throws BpfException {
        List<String> attached = new ArrayList<>();
        for (BpfProgram program : programs()) {
            if (!program.autoload()) {
                continue;
            }
            LibbpfLog.drain();
            Pointer link;
            String where;
            if (program.isIterator()) {
                IteratorAttach.Attached iterator = IteratorAttach.attach(program, maps());
                links.add(iterator.link());
                iterators.add(new BpfIterator(program.name(), iterator.where(), iterator.link()));
                attached.add(program.name() + " → " + iterator.where());
                continue;
            } else if (program.type() == LibBpf.BPF_PROG_TYPE_XDP) {
                int ifindex = LibC.INSTANCE.if_nametoindex(xdpInterface);
                if (ifindex == 0) {
                    throw new BpfException("XDP program '" + program.name() + "' needs the interface " + xdpInterface
                            + ", which does not exist; run the workload that sets up the lab network first");
                }
                link = LibBpf.INSTANCE.bpf_program__attach_xdp(program.pointer(), ifindex);
                where = "xdp on " + xdpInterface;
            } else {
                link = LibBpf.INSTANCE.bpf_program__attach(program.pointer());
                where = program.section();
            }
            if (link == null) {
                int errno = Native.getLastError();
                throw new AttachException(program.name(), program.section(), errno, "could not attach program '"
                        + program.name() + "' (SEC(\"" + program.section() + "\")): " + Errno.describe(errno)
                        + Errno.hintForAttach(errno, program.section()) + libbpfSays());
            }
            links.add(link);
            int id = program.id();
            attached.add(program.name() + " → " + where + (id > 0 ? " (id " + id + ")" : ""));
        }
        if (attached.isEmpty()) {
            throw new BpfException("the object has no program to attach: put each function in a section such as "
                    + "SEC(\"tp/syscalls/sys_enter_openat\")");
        }
        return attached;
    }

    /** The iterator programs {@link #attachAll} attached, in the object's order; each is read to see its output. */
    public List<BpfIterator> iterators() {
        return List.copyOf(iterators);
    }

    public BtfDecoder decoder() {
        return btf == null ? null : new BtfDecoder(btf);
    }

    Btf btf() {
        return btf;
    }

    /** What libbpf printed since the last drain, as lines after a message; "" when nothing. */
    static String libbpfSays() {
        List<String> lines = LibbpfLog.drain();
        return lines.isEmpty() ? "" : "\n" + String.join("\n", lines); // each already starts "libbpf: "
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Pointer link : links) {
            LibBpf.INSTANCE.bpf_link__destroy(link);
        }
        links.clear();
        LibBpf.INSTANCE.bpf_object__close(object);
        // libbpf reads the ELF buffer and writes the log buffer until the object is closed, so they go last.
        elf.close();
        openOpts.close();
        objectName.close();
        logBuffer.close();
        if (coreBtfPath != null) {
            coreBtfPath.close();
        }
    }
}
