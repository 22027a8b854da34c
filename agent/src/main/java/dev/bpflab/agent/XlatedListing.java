package dev.bpflab.agent;

import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.ProgramInstructions.Instruction;
import dev.bpflab.support.process.Command;
import dev.bpflab.support.process.Executables;
import dev.bpflab.support.process.ProcessResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loaded program's instructions after the verifier's rewrite, as {@code bpftool prog dump xlated id N linum} prints
 * them: bpftool reads them back from the kernel ({@code bpf_prog_info.xlated_prog_insns}, with the program's BTF line
 * info) and disassembles them with the kernel's own printer, so map pointers show as {@code map[id:N]} and helpers by
 * name. The plain text is read, not bpftool's JSON: it numbers the slots itself, and a listing cut at the output cap
 * still parses up to the cut.
 */
final class XlatedListing {
    /** {@code   4: (18) r1 = map[id:27526]}: the slot's index, then the instruction. */
    private static final Pattern INSTRUCTION = Pattern.compile("\\s*(\\d+): (.*)");
    /** {@code ; *v += 1; [file:/src/prog.bpf.c line_num:10 line_col:6]}: the line info of the instructions below. */
    private static final Pattern LINE_INFO = Pattern.compile("; (.*) \\[file:(.*) line_num:(\\d+) line_col:(\\d+)\\]");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** 4096 instructions and their line-info lines fit easily; a longer dump is read up to here. */
    private static final int OUTPUT_CAP = 4 * 1024 * 1024;

    /**
     * @param instructions at most the number asked for, each with the learner's line when the line info says one
     * @param truncated    the dump had more instructions than were asked for (or than the output cap held)
     */
    record Listing(List<Instruction> instructions, boolean truncated) {
    }

    private XlatedListing() {
    }

    /** bpftool, where root's tools are; empty when the sandbox has none. */
    static Optional<Path> bpftool() {
        return Executables.find("bpftool");
    }

    /**
     * The rewritten instructions of program {@code id}, at most {@code max}.
     *
     * @throws IOException when bpftool cannot run or says it could not dump the program (its message included)
     */
    static Listing dump(Path bpftool, int id, int max) throws IOException {
        ProcessResult result;
        try {
            result = Command.of(bpftool.toString(), "prog", "dump", "xlated", "id", Integer.toString(id), "linum")
                    .withTimeout(TIMEOUT).withOutputCap(OUTPUT_CAP).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while bpftool dumped program " + id);
        }
        if (result.timedOut()) {
            throw new IOException("bpftool took longer than " + TIMEOUT.toSeconds() + " s to dump program " + id);
        }
        if (!result.succeeded()) {
            String said = result.stderr().strip();
            throw new IOException("bpftool could not dump program " + id + ": "
                    + (said.length() > 300 ? said.substring(0, 300) + "…" : said));
        }
        return parse(result.stdout(), max, result.truncated());
    }

    /** Parses bpftool's plain listing; {@code cut}: the output was cut at the cap, so more came than is here. */
    static Listing parse(String text, int max, boolean cut) {
        List<Instruction> instructions = new ArrayList<>();
        Integer line = null;
        for (String row : text.split("\n")) {
            Matcher m;
            if ((m = LINE_INFO.matcher(row)).matches()) {
                int number = Integer.parseInt(m.group(3));
                // Line 0 is the compiler's "no line"; a header's line (an inlined helper) is not the learner's.
                line = number > 0 && isLearnersFile(m.group(2)) ? number : null;
            } else if ((m = INSTRUCTION.matcher(row)).matches()) {
                if (instructions.size() == max) {
                    return new Listing(instructions, true);
                }
                instructions.add(new Instruction(Integer.parseInt(m.group(1)), m.group(2), line));
            }
            // Anything else is a function's prototype line ("int hello(void * ctx):") or blank.
        }
        return new Listing(instructions, cut);
    }

    private static boolean isLearnersFile(String file) {
        return file.equals(AgentCommand.SOURCE_FILE) || file.endsWith("/" + AgentCommand.SOURCE_FILE);
    }
}
