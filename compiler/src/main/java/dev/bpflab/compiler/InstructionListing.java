package dev.bpflab.compiler;

import dev.bpflab.compiler.BpfElf.MalformedObjectException;
import dev.bpflab.protocol.ProgramInstructions;
import dev.bpflab.protocol.ProgramInstructions.Instruction;
import dev.bpflab.protocol.ServerMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code llvm-objdump -d -r --no-show-raw-insn} of a BPF object into a {@link ServerMessage.Instructions}: one
 * {@link ProgramInstructions} per function symbol, each instruction placed on the learner's source line by the
 * object's BTF line info ({@link BtfLines}; DWARF is not needed). objdump numbers instructions in 8-byte slots, so
 * an {@code ld_imm64} (16 bytes) is followed by index + 2, and a slot's byte offset is index × 8. A relocation line
 * (a map, a subprogram call) is appended to its instruction as {@code  # symbol}. Bounded: at most
 * {@link ProgramInstructions#MAX_PER_PROGRAM} instructions per program, {@link ProgramInstructions#MAX_TOTAL} in all
 * and {@link ProgramInstructions#MAX_PROGRAMS} programs; past any of them, or when objdump's output was cut, the
 * listing says {@code truncated}.
 */
final class InstructionListing {
    private static final Pattern SECTION = Pattern.compile("^Disassembly of section (.+):$");
    private static final Pattern SYMBOL = Pattern.compile("^([0-9a-f]{16}) <(.+)>:$");
    private static final Pattern INSTRUCTION = Pattern.compile("^\\s*(\\d{1,9}):\\t(.*)$");
    private static final Pattern RELOCATION = Pattern.compile("^\\s+[0-9a-f]{16}:\\s+R_BPF_\\S+\\s+(\\S+)\\s*$");

    private final BpfElf elf;
    private final Optional<BtfLines> lines;
    private final List<ProgramInstructions> programs = new ArrayList<>();
    private BpfElf.Section section;
    private String name;
    private List<Instruction> current;
    private int total;
    private boolean truncated;

    private InstructionListing(BpfElf elf) {
        this.elf = elf;
        this.lines = BtfLines.of(elf);
    }

    /**
     * The listing of {@code object} from objdump's {@code output}; {@code outputCut} when objdump said more than was
     * kept.
     *
     * @throws MalformedObjectException the object is not one {@link BpfElf} reads
     */
    static ServerMessage.Instructions of(byte[] object, String output, boolean outputCut)
            throws MalformedObjectException {
        InstructionListing listing = new InstructionListing(BpfElf.parse(object));
        listing.truncated = outputCut;
        for (String line : output.split("\n", -1)) {
            listing.read(line);
        }
        listing.endProgram();
        return new ServerMessage.Instructions(null, listing.programs, listing.truncated);
    }

    private void read(String line) throws MalformedObjectException {
        Matcher m;
        if ((m = SECTION.matcher(line)).matches()) {
            endProgram();
            String sectionName = m.group(1);
            section = elf.sections().stream().filter(s -> s.name().equals(sectionName) && s.isProgram())
                    .findFirst().orElse(null);
        } else if (section == null) {
            return; // the file's header, or a section that holds no program
        } else if ((m = SYMBOL.matcher(line)).matches()) {
            long offset = Long.parseUnsignedLong(m.group(1), 16);
            // Local labels (LBB0_2) get a header too; only a function symbol starts a program.
            if (m.group(2).equals(elf.functionAt(section, offset))) {
                endProgram();
                name = m.group(2);
            }
        } else if ((m = INSTRUCTION.matcher(line)).matches()) {
            instruction(Integer.parseInt(m.group(1)), m.group(2).replace('\t', ' ').strip());
        } else if ((m = RELOCATION.matcher(line)).matches() && current != null && !current.isEmpty()) {
            Instruction last = current.get(current.size() - 1);
            current.set(current.size() - 1, new Instruction(last.index(), last.text() + "  # " + m.group(1),
                    last.line()));
        }
    }

    private void instruction(int index, String text) {
        if (current == null) {
            if (programs.size() >= ProgramInstructions.MAX_PROGRAMS) {
                truncated = true;
                return;
            }
            current = new ArrayList<>();
            if (name == null) {
                name = section.name(); // no symbol: named after its section
            }
        }
        if (current.size() >= ProgramInstructions.MAX_PER_PROGRAM || total >= ProgramInstructions.MAX_TOTAL) {
            truncated = true;
            return;
        }
        Integer line = lines.flatMap(l -> l.lineOf(section.name(), index * 8L))
                .filter(l -> l.line() > 0 && ForbiddenHelpers.isLearnersFile(l.file()))
                .map(BtfLines.Line::line).orElse(null);
        current.add(new Instruction(index, text, line));
        total++;
    }

    private void endProgram() {
        if (current != null && !current.isEmpty()) {
            programs.add(new ProgramInstructions(name, section.name(), current));
        }
        current = null;
        name = null;
    }
}
