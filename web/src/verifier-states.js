// The verifier's view of a rejected program, read out of its log: for each instruction of the walk that failed, the
// registers and stack slots as the verifier last printed them at that point, and the source line it came from.
//
// What the kernel prints (level 1, the log libbpf asks for after a refusal; 6.1 and 6.18 alike):
//   "0: R1=ctx() R10=fp0"                        the whole state before instruction 0 (registers not named are unset)
//   "from 12 to 15: R0=… R10=fp0"                the whole state where a pushed branch is taken up again
//   "12: (15) if r2 == 0x0 goto pc+2 15: R0=…"   the same, glued to the branch (the other path's lines were dropped)
//   "3: (07) r2 += -4   ; R2_w=fp-4"             after the instruction, only the registers and slots it touched
//   "; u32 key = 0; @ prog.bpf.c:17"             the source line of the instructions that follow (6.1: "…:17" too)
// A level-1 log keeps only the path that failed: the paths that reached their exit were taken out of it.
// Anything of another shape is kept as text: a state token that is not NAME=VALUE goes to `other`, never dropped.

const INSTRUCTION = /^\s*(\d+): \(([0-9a-f]{2})\) (.*)$/;
const FULL_STATE = /^(\d+): ((?:frame\d+: ?)?(?:R\d+|fp-?\d+)\S*=.*)$/;
const FROM_TO = /^from (\d+) to (\d+)(?: \(speculative execution\))?: (.*)$/;
const GLUED_STATE = /^(.*?)\s+(\d+): ((?:frame\d+: ?)?R\d+\S*=.*)$/;
const SOURCE = /^; (.*?)(?: @ (\S+):(\d+))?\s*$/;
const REGISTER = /^R(\d+)(?:_([a-zA-Z]+))?$/;
const STACK = /^fp(-\d+)(?:_([a-zA-Z]+))?$/;
// A helper or kfunc call ("call bpf_map_lookup_elem#1", "call bpf_obj_new_impl#…"), not a call of a function of the
// program ("call pc+5"): the verifier leaves R1-R5 unset after it and, printing only what is set, does not say so.
const HELPER_CALL = /^call (?!pc[+-])\S+/;
const COMPLAINED = /\bR(\d+)\b/g;
// What an instruction writes, from its text: "r2 = r10", "r2 += -4", "w1 = w2", "r1 = *(u64 *)(r0 +0)" write their
// destination register; "*(u32 *)(r10 -4) = r0" and "lock *(u64 *)(r10 -8) += r1" write memory (a stack slot when the
// address is in the stack); "r0 = atomic64_fetch_add((u64 *)(r10 -8), r0)" writes both.
const DESTINATION = /^[rw](\d+) (?:[-+*/%&|^]|<<|>>|s>>|s\/|s%)?= /;
const MEMORY = /^(?:lock )?\*\((u8|u16|u32|u64) \*\)\(r(\d+) ([+-]\d+)\) \S*= |^[rw]\d+ = atomic\w*\(\((u8|u16|u32|u64) \*\)\(r(\d+) ([+-]\d+)\)/;
const ANY_CALL = /^call \S+/;
// Lines the kernel prints before the walk when it cannot use the BTF types of a function's arguments (a program's
// `void *ctx`): harmless for the program, not its error. 6.1: "reg type unsupported for arg#0 function handle#19";
// 6.18: "arg#0 reference type('UNKNOWN ') size cannot be determined: -22".
const BTF_ARGUMENTS = /^(?:reg type unsupported for arg#\d+ function \S+#\d+|arg#\d+ reference type\('[^']*'\) size cannot be determined: -?\d+)$/;

/** Whether a log line is one of the kernel's notes that it cannot use BTF for a function's arguments (harmless). */
export function isBtfArgumentNote(line) {
  return BTF_ARGUMENTS.test(String(line ?? '').trim());
}

/** A log of more lines than this is read up to here (the page's own cap on work; the server sends ≤ 256 Ki chars). */
export const MAX_LINES = 20000;

/** "a(b(c),d) e" → ["a(b(c),d)", "e"]: splits on `sep` outside parentheses. */
export function splitTop(text, sep) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === sep && depth === 0) {
      if (i > start) parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (start < text.length) parts.push(text.slice(start));
  return parts.map(p => p.trim()).filter(Boolean);
}

/**
 * One printed value: {type, args: [[key, value]…], raw}. "map_value(id=1,map=counts)" → type map_value with its
 * arguments; "fp-8" → fp with off -8; "P7" (a precise constant, 6.1) → scalar 7, precise; "mmmm????" or "00000000"
 * → the bytes of a stack slot; a bare number → a known scalar.
 */
export function parseValue(raw) {
  let text = raw.trim();
  let precise = false;
  if (/^P(?=[-\d]|[a-z_]+\()/.test(text)) {
    precise = true;
    text = text.slice(1);
  }
  const call = /^([a-z_][a-z0-9_]*)\((.*)\)$/i.exec(text);
  if (call) {
    // "smin=smin32=0" says one value of several keys: each key gets it.
    const args = splitTop(call[2], ',').flatMap(a => {
      const parts = splitTop(a, '=');
      if (parts.length < 2) return [['', a]];
      const value = parts.pop();
      return parts.map(key => [key, value]);
    });
    return { type: call[1], args, precise, raw };
  }
  const frame = /^fp(-?\d+)$/.exec(text);
  if (frame) return { type: 'fp', args: [['off', frame[1]]], precise, raw };
  // A stack slot's bytes, one letter each: m data, 0 zero, ? never written, r a spilled register, d dynptr, i iter.
  if (/^[rm0di?]{2,8}$/.test(text)) return { type: 'bytes', args: [['', text]], precise, raw };
  if (/^-?(?:0x[0-9a-f]+|\d+)$/i.test(text)) return { type: 'scalar', args: [['', text]], precise, raw, constant: true };
  const bare = /^([a-z_][a-z0-9_]*)$/i.exec(text);
  if (bare) return { type: bare[1], args: [], precise, raw };
  return { type: '', args: [], precise, raw };
}

/**
 * A printed state: {slots: Map name → {name, kind: 'reg'|'stack'|'other', mark, value}, other: [text…]}.
 * Registers are "R0".."R10", stack slots "fp-8"…; the liveness marks (_w, _r, _rw, _D) go to `mark`. A "frameN:"
 * prefix names the frame of the slots after it ("frame1 R1"); "refs=…" and similar keep their own name.
 */
export function parseState(text) {
  const slots = new Map();
  const other = [];
  let frame = '';
  for (const token of splitTop(text, ' ')) {
    const frameMark = /^frame(\d+):$/.exec(token);
    if (frameMark) {
      frame = frameMark[1] === '0' ? '' : `frame${frameMark[1]} `;
      continue;
    }
    const eq = token.indexOf('=');
    if (eq <= 0) {
      other.push(token);
      continue;
    }
    const key = token.slice(0, eq);
    const reg = REGISTER.exec(key);
    const stack = reg ? null : STACK.exec(key);
    const name = reg ? `R${reg[1]}` : stack ? `fp${stack[1]}` : key;
    const kind = reg ? 'reg' : stack ? 'stack' : 'other';
    const full = kind === 'other' ? name : frame + name; // "refs=…" is the whole state's, not a frame's
    slots.set(full, {
      name: full, kind, mark: (reg ?? stack)?.[2] ?? '', value: parseValue(token.slice(eq + 1)),
      order: reg ? Number(reg[1]) : stack ? 100 - Number(stack[1]) : 1000,
    });
  }
  return { slots, other };
}

/** The registers a complaint names ("R0 invalid mem access 'map_value_or_null'" → ["R0"]). */
export function complainedRegisters(text) {
  return [...new Set([...String(text ?? '').matchAll(COMPLAINED)].map(m => `R${m[1]}`))];
}

/**
 * The registers and stack slots instruction `text` writes, named as a state names them ("R0", "fp-8"): the
 * destination of an ALU op, a move or a load; the stack slots a store to the stack covers (through r10, or through a
 * register that `before` says points into the stack); R0-R5 for a call (R0 its result, R1-R5 clobbered) and the stack
 * slots `printed` after it. A jump, an exit or a store elsewhere in memory writes none. The registers an instruction
 * only reads are not in it, though the kernel prints them after it too. `frame` ("frame1 " or "") prefixes the names.
 */
export function writtenBy(text, before = new Map(), frame = '', printed = []) {
  const insn = String(text ?? '').trim();
  const written = [];
  if (ANY_CALL.test(insn)) {
    // A helper can write into the stack too (bpf_get_current_comm's buffer): the text does not say where, the
    // kernel's print after the call does (`printed`: the stack slots it names; the slots a helper only read it omits).
    return ['R0', 'R1', 'R2', 'R3', 'R4', 'R5'].map(r => frame + r).concat(printed.filter(n => /(?:^| )fp-\d+$/.test(n)));
  }
  const memory = MEMORY.exec(insn);
  if (memory) {
    const size = { u8: 1, u16: 2, u32: 4, u64: 8 }[memory[1] ?? memory[4]];
    const base = Number(memory[2] ?? memory[5]);
    let off = Number(memory[3] ?? memory[6]);
    let inStack = base === 10;
    if (!inStack) {
      const pointer = before.get(`${frame}R${base}`)?.value;
      const known = pointer?.type === 'fp' ? pointer.args.find(([k]) => k === 'off') : null;
      if (known && /^-?\d+$/.test(known[1])) {
        inStack = true;
        off += Number(known[1]);
      }
    }
    if (inStack) {
      for (let slot = Math.floor((off + size - 1) / 8) * 8; slot >= Math.floor(off / 8) * 8; slot -= 8) {
        if (slot < 0) written.push(`${frame}fp${slot}`);
      }
    }
  }
  const destination = DESTINATION.exec(insn);
  if (destination) written.unshift(`${frame}R${destination[1]}`);
  return written;
}

function findSourceLine(sourceLines, text, from) {
  const wanted = text.trim();
  if (!wanted) return 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = pass === 0 ? from : 0; i < sourceLines.length; i++) {
      if (sourceLines[i].trim() === wanted) return i + 1;
    }
  }
  return 0;
}

/**
 * Reads a verifier log. Returns {steps, byLogLine, failing, complaint, complained}:
 *  - steps: one per instruction line of the walk, in order: {logLine (0-based line of `log`), insn (index), text,
 *    line (source line, 0 unknown), before (slots as the walk reached it), after (after it; null for the failing one),
 *    changed (names its own print mentioned, read ones too), written (what the instruction writes: writtenBy),
 *    other (state text of no known shape)}
 *  - byLogLine: Map logLine → step index; failing: the step the verifier stopped at (-1 when none);
 *  - complaint: the text after the failing instruction up to the statistics; complained: the registers it names;
 *  - informational: the log lines (0-based) that are only the kernel's BTF notes (isBtfArgumentNote).
 * `source` (optional): the program's text, to place annotations a kernel prints without "@ file:line".
 */
export function readVerifierLog(log, { source = '', file = 'prog.bpf.c' } = {}) {
  const lines = String(log ?? '').split('\n').slice(0, MAX_LINES);
  const sourceLines = String(source ?? '').split('\n');
  const steps = [];
  const byLogLine = new Map();
  let current = new Map();
  let line = 0;
  let searchFrom = 0;
  let lastInsn = -1;
  let lastWide = false;
  let lineKnown = true;
  let annotated = false; // a source annotation since the last instruction
  const knownLines = new Map(); // insn → source line, from the places the log says it
  const replace = text => {
    current = parseState(text).slots;
  };
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].replace(/\s+$/, '');
    const insn = INSTRUCTION.exec(text);
    if (insn && !/^\s{4,}/.test(text)) { // "      3: ..2..... (07)" is the 6.18 liveness table, not the walk
      const index = Number(insn[1]);
      let rest = insn[3];
      let inline = null;
      let glued = null;
      const semi = rest.indexOf(' ; ');
      if (semi >= 0) {
        inline = rest.slice(semi + 3);
        rest = rest.slice(0, semi);
      }
      const g = GLUED_STATE.exec(rest);
      if (g) {
        rest = g[1];
        glued = g[3];
      }
      // After a jump the verifier repeats the source line only when it differs from the last it printed: until the
      // next annotation, the line of these instructions is not known from here.
      if (lastInsn >= 0 && index !== lastInsn + 1 && !(lastWide && index === lastInsn + 2)) lineKnown = annotated;
      annotated = false;
      lastInsn = index;
      lastWide = insn[2] === '18'; // ld_imm64 takes two slots
      const before = new Map(current);
      const after = new Map(current);
      const changed = [];
      if (HELPER_CALL.test(rest.trim())) {
        for (const r of ['R0', 'R1', 'R2', 'R3', 'R4', 'R5']) after.delete(r);
      }
      let other = [];
      if (inline !== null) {
        const parsed = parseState(inline);
        for (const [name, slot] of parsed.slots) {
          after.set(name, slot);
          changed.push(name);
        }
        other = parsed.other;
      }
      // The frame the instruction runs in: the one its own print names ("frame1: R0=…"), else the main one.
      const frame = /^(frame[1-9]\d* )/.exec(changed.find(n => /^frame[1-9]/.test(n)) ?? '')?.[1] ?? '';
      const step = {
        logLine: i, insn: index, opcode: insn[2], text: rest.trim(), line: lineKnown ? line : 0, before, after,
        changed, written: writtenBy(rest, before, frame, changed), other,
      };
      if (lineKnown && line > 0 && !knownLines.has(index)) knownLines.set(index, line);
      byLogLine.set(i, steps.length);
      steps.push(step);
      current = after;
      if (glued !== null) replace(glued); // the state where the walk goes on, at the branch's other end
      continue;
    }
    const full = FULL_STATE.exec(text);
    if (full) {
      replace(full[2]);
      continue;
    }
    const fromTo = FROM_TO.exec(text);
    if (fromTo) {
      replace(fromTo[3]);
      lastInsn = -1;
      lineKnown = false;
      continue;
    }
    const src = SOURCE.exec(text);
    if (src) {
      if (src[3] !== undefined) {
        if (src[2].endsWith(file)) {
          line = Number(src[3]);
          lineKnown = annotated = true;
        }
      } else if (!src[1].trim()) {
        line = 0; // "; " alone (6.1): instructions of no line, as 6.18's "; @ prog.bpf.c:0"
        lineKnown = annotated = true;
      } else {
        const found = findSourceLine(sourceLines, src[1], searchFrom);
        if (found > 0) {
          line = found;
          searchFrom = found - 1;
          lineKnown = annotated = true;
        }
      }
    }
  }
  // An instruction reached by a jump before any annotation: its line from where else the log placed it.
  for (const step of steps) {
    if (!step.line && knownLines.has(step.insn)) step.line = knownLines.get(step.insn);
  }
  const failing = failingStep(lines, steps);
  if (failing >= 0) steps[failing].after = null;
  const complaint = failing >= 0 ? complaintAfter(lines, steps[failing].logLine) : '';
  const informational = [];
  lines.forEach((text, i) => {
    if (isBtfArgumentNote(text)) informational.push(i);
  });
  return { steps, byLogLine, failing, complaint, complained: complainedRegisters(complaint), informational };
}

const STATISTICS = /^(processed \d+ insns|verification time|stack depth|-- END PROG LOAD LOG|Live regs|func#)/;

/** The last instruction printed before the log's complaint: the one the verifier stopped at. */
function failingStep(lines, steps) {
  if (!steps.length) return -1;
  const last = steps[steps.length - 1];
  for (let i = last.logLine + 1; i < lines.length; i++) {
    const text = lines[i].trim();
    if (text && !STATISTICS.test(text) && !SOURCE.test(text) && !FULL_STATE.test(text)) return steps.length - 1;
  }
  return -1;
}

function complaintAfter(lines, logLine) {
  const said = [];
  for (let i = logLine + 1; i < lines.length; i++) {
    const text = lines[i].trim();
    if (STATISTICS.test(text)) break;
    if (text && !SOURCE.test(text) && !FULL_STATE.test(text)) said.push(text);
  }
  return said.join('\n');
}

/** The steps of source line `line`: those of the last time the walk was on it (consecutive steps), in order. */
export function stepsOfLine(steps, line) {
  let end = -1;
  for (let i = steps.length - 1; i >= 0; i--) {
    if (steps[i].line === line) {
      end = i;
      break;
    }
  }
  if (end < 0) return [];
  let start = end;
  while (start > 0 && (steps[start - 1].line === line || steps[start - 1].line === 0)) start--;
  while (steps[start].line !== line) start++;
  const picked = [];
  for (let i = start; i <= end; i++) if (steps[i].line === line) picked.push(i);
  return picked;
}

/** The slots of a state in reading order: registers R0…R10, then stack slots from fp-8 down, then the rest. */
export function orderedSlots(state) {
  return [...(state ?? new Map()).values()].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}
