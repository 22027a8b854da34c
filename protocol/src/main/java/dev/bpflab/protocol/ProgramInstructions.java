package dev.bpflab.protocol;

import java.util.List;

/**
 * One function of a compiled object as {@code llvm-objdump} prints it: a program ({@code SEC()}) or a subprogram
 * (section {@code .text}), in an {@link ServerMessage.Instructions}.
 *
 * @param name         the function's name
 * @param section      its ELF section ({@code tp/syscalls/sys_enter_unlinkat}, {@code .text}, …)
 * @param instructions in order; at most {@value #MAX_PER_PROGRAM}
 */
public record ProgramInstructions(String name, String section, List<Instruction> instructions) {
    public static final int MAX_PER_PROGRAM = 4096;
    public static final int MAX_TOTAL = 8192;
    public static final int MAX_PROGRAMS = 256;
    public static final int MAX_TEXT_CHARS = 160;

    public ProgramInstructions {
        name = Checks.clip(Checks.present(name, "a program's instructions name it (\"name\")"), 128);
        section = Checks.clip(section == null ? "" : section, 256);
        instructions = instructions == null ? List.of() : List.copyOf(instructions);
        Checks.require(instructions.size() <= MAX_PER_PROGRAM,
                "at most " + MAX_PER_PROGRAM + " \"instructions\" per program");
    }

    /**
     * One instruction.
     *
     * @param index its slot in the section, counted in 8-byte slots from 0 (an {@code ld_imm64} takes two: the next
     *              instruction's index is 2 more), as the verifier log numbers them
     * @param text  as {@code llvm-objdump} prints it ({@code r1 = 0 ll}), at most {@value #MAX_TEXT_CHARS} characters
     * @param line  the learner's 1-based source line it came from (the object's BTF line info), null when it came from
     *              a header or the object has no line for it
     */
    public record Instruction(int index, String text, Integer line) {
        public Instruction {
            Checks.require(index >= 0, "an instruction's \"index\" is 0 or more");
            text = Checks.clip(text == null ? "" : text, MAX_TEXT_CHARS);
            Checks.require(line == null || line >= 1, "an instruction's \"line\" is 1 or more");
        }
    }
}
