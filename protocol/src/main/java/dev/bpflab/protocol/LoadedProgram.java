package dev.bpflab.protocol;

import java.util.List;

/**
 * One program of the attached object as the kernel holds it after load, in a {@link ServerMessage.LoadedPrograms}:
 * its instructions after the verifier's rewrite ("xlated": map pointers resolved, helpers inlined, context accesses
 * converted), the size of its JIT image, and the verifier's statistics. Made by the agent (untrusted): every field is
 * bounded here.
 *
 * @param name               the program's name (its C function)
 * @param id                 the kernel's program id, 1 or more (what {@code bpftool prog} lists)
 * @param xlatedCount        instructions after the rewrite, counted in 8-byte slots (an {@code ld_imm64} takes two),
 *                           from {@code bpf_prog_info.xlated_prog_len}; 0 or more
 * @param jitedBytes         bytes of machine code the JIT made, from {@code bpf_prog_info.jited_prog_len}; null when
 *                           the program is not JITed (the interpreter runs it)
 * @param processed          instructions the verifier processed, from {@code bpf_prog_info.verified_insns}
 *                           (kernels before 5.16 do not say: then from the statistics' log); null when unknown
 * @param totalStates        states the verifier stored ({@code total_states} of its statistics); null when unknown
 * @param peakStates         the most states it held at once ({@code peak_states}); null when unknown
 * @param verificationMicros how long the verifier took, in microseconds ({@code verification time}); null when
 *                           unknown. States and time come from a second verification of the same object with the run's
 *                           globals, made on request; the figures are the kernel's for that load
 * @param instructions       the rewritten instructions as {@code bpftool prog dump xlated} prints them
 *                           ({@code (b7) r1 = 0}), {@code index} counting 8-byte slots from 0 and {@code line} the
 *                           learner's line where the program's line info says one; at most
 *                           {@value ProgramInstructions#MAX_PER_PROGRAM}
 * @param truncated          the program had more instructions than are listed here
 */
public record LoadedProgram(String name, int id, int xlatedCount, Integer jitedBytes, Long processed,
        Long totalStates, Long peakStates, Long verificationMicros, List<ProgramInstructions.Instruction> instructions,
        boolean truncated) {
    /** The most instructions the verifier may process for one program (BPF_COMPLEXITY_LIMIT_INSNS). */
    public static final long MAX_PROCESSED = 1_000_000;
    /** The most instructions one program holds after the rewrite (BPF_MAXINSNS for root is 1M; with inlining, a few more). */
    public static final int MAX_XLATED = 4_000_000;

    public LoadedProgram {
        name = Checks.clip(Checks.present(name, "a loaded program names itself (\"name\")"), 128);
        Checks.require(id >= 1, "a loaded program's \"id\" is 1 or more, was " + id);
        Checks.require(xlatedCount >= 0 && xlatedCount <= MAX_XLATED,
                "a loaded program's \"xlatedCount\" is 0 to " + MAX_XLATED);
        Checks.require(jitedBytes == null || (jitedBytes >= 1 && jitedBytes <= 64 * MAX_XLATED),
                "a loaded program's \"jitedBytes\" is 1 or more (left out when it is not JITed)");
        Checks.require(processed == null || (processed >= 0 && processed <= MAX_PROCESSED),
                "a loaded program's \"processed\" is 0 to " + MAX_PROCESSED);
        Checks.require(totalStates == null || (totalStates >= 0 && totalStates <= MAX_PROCESSED),
                "a loaded program's \"totalStates\" is 0 to " + MAX_PROCESSED);
        Checks.require(peakStates == null || (peakStates >= 0 && peakStates <= MAX_PROCESSED),
                "a loaded program's \"peakStates\" is 0 to " + MAX_PROCESSED);
        Checks.require(verificationMicros == null || verificationMicros >= 0,
                "a loaded program's \"verificationMicros\" is 0 or more");
        instructions = instructions == null ? List.of() : List.copyOf(instructions);
        Checks.require(instructions.size() <= ProgramInstructions.MAX_PER_PROGRAM,
                "at most " + ProgramInstructions.MAX_PER_PROGRAM + " \"instructions\" per loaded program");
    }
}
