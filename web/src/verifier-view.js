// The verifier's view in the Log tab: for the chosen step of the walk that failed (an instruction line of the log
// clicked, or the editor's cursor line), the registers and stack slots as the verifier saw them, a row each: the
// name, the type, then ranges and offsets. The registers the complaint names are marked on the failing instruction.
// Every word here is in Spanish and English, following the page's language. Text only: log text goes in through
// textContent, never as HTML.
import { el } from './format.js';
import { orderedSlots } from './verifier-states.js';

const STRINGS = {
  en: {
    title: 'What the verifier saw',
    pick: 'Click an instruction of the log, or put the editor’s cursor on a line, to see the registers and stack '
      + 'slots there.',
    after: (insn, line) => `After instruction ${insn}${line ? ` (line ${line})` : ''}`,
    stopped: (insn, line) => `Instruction ${insn}${line ? ` (line ${line})` : ''}: the verifier stopped here; the `
      + 'state it found',
    empty: 'Nothing printed yet: the log does not say which registers are set here.',
    partial: 'The log’s start is missing, so registers set before what it shows are not listed.',
    cut: n => `The first ${n.toLocaleString('en')} characters of the verifier’s log were left out: only its end `
      + 'is shown.',
    name: 'Where', type: 'Type', detail: 'Ranges, offsets',
    changed: 'set here', complained: 'named in the complaint',
    noSteps: line => `Line ${line} has no instructions in the walk that failed: nothing of the verifier’s to show `
      + 'for it. Click an instruction of the log, or put the cursor on another line.',
    btfNote: lines => `${lines.length > 1 ? 'The lines' : 'The line'} ${lines.map(l => `“${l}”`).join(', ')} `
      + `${lines.length > 1 ? 'are' : 'is'} the kernel saying it cannot use the BTF type information of a `
      + 'function’s arguments: harmless for your program, and not the error. The error is the highlighted '
      + 'instruction and what follows it.',
    btfTitle: 'Informational: the kernel cannot use BTF for this function’s argument types. Harmless; not the error.',
    types: {
      ctx: 'the program’s context',
      scalar: 'a number',
      fp: 'a pointer into the stack',
      map_ptr: 'the map itself',
      map_value: 'a map value',
      map_value_or_null: 'a map value, or NULL: check it before use',
      map_key: 'a map key',
      ringbuf_mem: 'a reserved ring buffer record',
      ringbuf_mem_or_null: 'a ring buffer record, or NULL: check it before use',
      pkt: 'packet data',
      pkt_end: 'the end of the packet',
      pkt_meta: 'packet metadata',
      bytes: 'stack bytes: m data, 0 zero, ? never written, r a spilled register',
      mem: 'memory',
      mem_or_null: 'memory, or NULL',
      alloc_mem: 'memory the program reserved (a ring buffer record)',
      alloc_mem_or_null: 'reserved memory, or NULL: check it before use',
    },
    orNull: 'or NULL: check it before use',
    pointerTo: what => `a pointer to ${what}`,
    mapOf: (name, ks, vs) => `${name ? `map ${name}, ` : ''}key ${ks} B, value ${vs} B`,
    knownBits: (value, mask) => `known bits ${value}, unknown ${mask}`,
    signed: 'signed', unsigned: 'unsigned', bits32: '32-bit',
  },
  es: {
    title: 'Lo que vio el verificador',
    pick: 'Hacé clic en una instrucción del log, o poné el cursor del editor en una línea, para ver ahí los registros '
      + 'y los lugares del stack.',
    after: (insn, line) => `Después de la instrucción ${insn}${line ? ` (línea ${line})` : ''}`,
    stopped: (insn, line) => `Instrucción ${insn}${line ? ` (línea ${line})` : ''}: el verificador se detuvo acá; el `
      + 'estado que encontró',
    empty: 'Todavía nada impreso: el log no dice qué registros tienen valor acá.',
    partial: 'Falta el comienzo del log: los registros con valor de antes de lo que muestra no aparecen.',
    cut: n => `Se dejaron afuera los primeros ${n.toLocaleString('es')} caracteres del log del verificador: solo se `
      + 'muestra su final.',
    name: 'Dónde', type: 'Tipo', detail: 'Rangos, offsets',
    changed: 'cambia acá', complained: 'nombrado en la queja',
    noSteps: line => `La línea ${line} no tiene instrucciones en el recorrido que falló: no hay nada del verificador `
      + 'para mostrar de ella. Hacé clic en una instrucción del log, o poné el cursor en otra línea.',
    btfNote: lines => `${lines.length > 1 ? 'Las líneas' : 'La línea'} ${lines.map(l => `“${l}”`).join(', ')} `
      + `${lines.length > 1 ? 'son' : 'es'} el kernel diciendo que no puede usar la información de tipos BTF de los `
      + 'argumentos de una función: no afecta a tu programa y no es el error. El error es la instrucción resaltada y '
      + 'lo que le sigue.',
    btfTitle: 'Informativa: el kernel no puede usar BTF para los tipos de los argumentos de esta función. No afecta; '
      + 'no es el error.',
    types: {
      ctx: 'el contexto del programa',
      scalar: 'un número',
      fp: 'un puntero al stack',
      map_ptr: 'el mapa en sí',
      map_value: 'un valor de un mapa',
      map_value_or_null: 'un valor de un mapa, o NULL: revisalo antes de usarlo',
      map_key: 'una clave de un mapa',
      ringbuf_mem: 'un registro reservado del ring buffer',
      ringbuf_mem_or_null: 'un registro del ring buffer, o NULL: revisalo antes de usarlo',
      pkt: 'datos del paquete',
      pkt_end: 'el fin del paquete',
      pkt_meta: 'metadatos del paquete',
      bytes: 'bytes del stack: m datos, 0 cero, ? nunca escrito, r un registro guardado',
      mem: 'memoria',
      mem_or_null: 'memoria, o NULL',
      alloc_mem: 'memoria que el programa reservó (un registro del ring buffer)',
      alloc_mem_or_null: 'memoria reservada, o NULL: revisala antes de usarla',
    },
    orNull: 'o NULL: revisalo antes de usarlo',
    pointerTo: what => `un puntero a ${what}`,
    mapOf: (name, ks, vs) => `${name ? `mapa ${name}, ` : ''}clave ${ks} B, valor ${vs} B`,
    knownBits: (value, mask) => `bits conocidos ${value}, desconocidos ${mask}`,
    signed: 'con signo', unsigned: 'sin signo', bits32: '32 bits',
  },
};

export function verifierStrings(lang) {
  return STRINGS[lang] ?? STRINGS.en;
}

/** What a type is, in words: "map_value_or_null" → "a map value, or NULL: …"; "ptr_task_struct" → "a pointer to …". */
export function describeType(type, t) {
  if (Object.hasOwn(t.types, type)) return t.types[type];
  const pointer = /^(?:trusted_|rcu_|untrusted_)?ptr_(?:or_null_)?(.+?)(_or_null)?$/.exec(type);
  if (pointer) return t.pointerTo(pointer[1]) + (pointer[2] || type.includes('or_null') ? `, ${t.orNull}` : '');
  if (type.endsWith('_or_null')) return t.orNull;
  return '';
}

// [min key, max key, words, min when not printed, max when not printed]; 6.1 names the 32-bit bounds s32_min….
const RANGES = [
  ['smin', 'smax', 'signed', 'S64_MIN', 'S64_MAX'],
  ['umin', 'umax', 'unsigned', '0', 'U64_MAX'],
  ['smin32', 'smax32', 'signed32', 'S32_MIN', 'S32_MAX'],
  ['umin32', 'umax32', 'unsigned32', '0', 'U32_MAX'],
  ['s32_min', 's32_max', 'signed32', 'S32_MIN', 'S32_MAX'],
  ['u32_min', 'u32_max', 'unsigned32', '0', 'U32_MAX'],
];

/** The ranges and offsets of a value, readable: "= 7"; "unsigned 0 … 56, known bits 0x0, unknown 0x38"; "off -4". */
export function describeDetails(value, t) {
  if (value.constant) return `= ${value.args[0][1]}${value.precise ? ' (P)' : ''}`;
  if (value.type === 'bytes' || !value.type) return value.raw;
  const args = new Map(value.args.filter(([k]) => k));
  const parts = [];
  for (const [min, max, word, low, high] of RANGES) {
    if (!args.has(min) && !args.has(max)) continue;
    const label = word.endsWith('32') ? `${t[word.slice(0, -2)]} ${t.bits32}` : t[word];
    parts.push(`${label} ${args.get(min) ?? low} … ${args.get(max) ?? high}`);
    args.delete(min);
    args.delete(max);
  }
  const varOff = /^\((\S+); (\S+)\)$/.exec(args.get('var_off') ?? '');
  if (varOff) {
    parts.push(t.knownBits(varOff[1], varOff[2]));
    args.delete('var_off');
  }
  if (args.has('ks') && args.has('vs')) { // 6.1 does not name the map
    parts.push(t.mapOf(args.get('map'), args.get('ks'), args.get('vs')));
    for (const k of ['map', 'ks', 'vs']) args.delete(k);
  }
  for (const [k, v] of args) parts.push(`${k} ${v}`);
  for (const [k, v] of value.args) if (!k) parts.push(v);
  if (value.precise) parts.push('(P)');
  return parts.join(', ');
}

export class VerifierStatePanel {
  /** container: the panel's element; lang(): 'es' or 'en'. */
  constructor({ container, lang }) {
    Object.assign(this, { container, lang });
    this.clear();
  }

  clear() {
    this.walk = null;
    this.step = -1;
    this.lineWithout = 0;
    this.infoLines = [];
    this.notes = { cut: 0 };
    this.container.hidden = true;
    this.container.replaceChildren();
  }

  /**
   * A parsed walk (readVerifierLog) and what was cut of its log: {cut: characters left out at its start}; infoLines:
   * the text of the log's informational lines (walk.informational), explained above the state.
   */
  load(walk, notes, infoLines = []) {
    this.walk = walk;
    this.notes = notes;
    this.infoLines = infoLines;
    this.step = -1;
    this.lineWithout = 0;
    this.container.hidden = !walk.steps.length;
    this.render();
  }

  /** Shows the state at step `index` of the walk. */
  select(index) {
    this.step = index;
    this.lineWithout = 0;
    this.render();
  }

  /** The editor's cursor is on source line `line`, of no instruction of the walk: says so instead of a state. */
  selectLineWithoutSteps(line) {
    this.step = -1;
    this.lineWithout = line;
    this.render();
  }

  relabel() {
    if (this.walk) this.render();
  }

  render() {
    if (!this.walk) return;
    const t = verifierStrings(this.lang());
    const lang = this.lang();
    const parts = [el('h3', { class: 'vstate-title', text: t.title })];
    if (this.notes.cut > 0) parts.push(el('p', { class: 'vstate-note', text: t.cut(this.notes.cut) }));
    if (this.infoLines.length) parts.push(el('p', { class: 'vstate-info', text: t.btfNote(this.infoLines) }));
    const step = this.walk.steps[this.step];
    if (!step) {
      parts.push(this.lineWithout > 0
        ? el('p', { class: 'vstate-pick vstate-no-steps', text: t.noSteps(this.lineWithout) })
        : el('p', { class: 'vstate-pick', text: t.pick }));
      this.container.replaceChildren(...parts);
      this.container.lang = lang;
      return;
    }
    const failing = this.step === this.walk.failing;
    parts.push(el('p', { class: 'vstate-where' },
      el('span', { text: failing ? t.stopped(step.insn, step.line) : t.after(step.insn, step.line) }),
      el('code', { class: 'vstate-insn', text: step.text })));
    const state = failing ? step.before : step.after;
    const slots = orderedSlots(state);
    if (!slots.length) {
      parts.push(el('p', { class: 'vstate-pick', text: t.empty }));
    } else {
      if (!state.has('R10') && this.notes.cut > 0) parts.push(el('p', { class: 'vstate-note', text: t.partial }));
      const complained = failing ? new Set(this.walk.complained) : new Set();
      const changed = failing ? new Set() : new Set(step.written);
      const rows = slots.map(slot => this.row(slot, t, changed.has(slot.name), complained.has(slot.name)));
      parts.push(el('table', { class: 'vstate-table' },
        el('thead', {}, el('tr', {}, el('th', { text: t.name }), el('th', { text: t.type }), el('th', { text: t.detail }))),
        el('tbody', {}, ...rows)));
    }
    if (step.other.length) parts.push(el('p', { class: 'vstate-other', text: step.other.join(' ') }));
    this.container.replaceChildren(...parts);
    this.container.lang = lang;
  }

  row(slot, t, changed, complained) {
    const { value } = slot;
    const type = value.type || value.raw;
    const words = describeType(value.type, t);
    const marks = [];
    if (complained) marks.push(el('span', { class: 'vstate-mark complained', text: t.complained }));
    else if (changed) marks.push(el('span', { class: 'vstate-mark changed', text: t.changed }));
    const classes = ['vstate-row', slot.kind, complained ? 'complained' : '', changed ? 'changed' : ''].filter(Boolean);
    return el('tr', { class: classes.join(' '), 'data-slot': slot.name, title: `${slot.name}${slot.mark ? `_${slot.mark}` : ''}=${value.raw}` },
      el('th', { scope: 'row', class: 'vstate-name', text: slot.name }),
      el('td', { class: 'vstate-type' }, el('code', { text: type }), words ? el('span', { class: 'vstate-words', text: words }) : null, ...marks),
      el('td', { class: 'vstate-detail', text: describeDetails(value, t) }));
  }
}
