// The Instructions tab: each program's BPF instructions grouped under the learner's source line they came from, in
// two views. "As compiled": clang's instructions (the server's "instructions" message, from the object's line info),
// as soon as the text compiles. "As loaded": the attached program as the kernel holds it after the verifier's rewrite
// ("loaded_programs", asked for with "read_loaded" only when the learner opens this view), with its JIT size and the
// verifier's statistics. The group of the editor's cursor line is highlighted; clicking a group moves the editor to
// its line. A listing of a text that is no longer the editor's says so (and highlights nothing, its lines may have
// moved). Text only: every string from the server goes in through textContent, never as HTML.
import { el } from './format.js';
import { ago, staleness } from './instructions-staleness.js';

const STRINGS = {
  en: {
    tab: 'Instructions',
    intro: 'The BPF instructions clang made of your program appear here once it compiles (as you type, or on Run), '
      + 'under the source line each came from. Move the cursor in the editor to see its line’s instructions; click '
      + 'an instruction to go to its line.',
    asCompiled: 'As compiled',
    asLoaded: 'As loaded',
    readAgain: 'Read again',
    modes: 'Which instructions to show',
    heading: (name, section, count) => `${name} — ${section} — ${count} instruction${count === 1 ? '' : 's'}`,
    loadedHeading: (name, id, count, compiled) => `${name} — id ${id} — ${count} instruction${count === 1 ? '' : 's'} `
      + `after the kernel’s rewrite${compiled === null ? '' : ` (${compiled} as compiled)`}`,
    jit: bytes => (bytes === null ? 'not JITed: the kernel’s interpreter runs it' : `JIT: ${bytes} bytes of machine code`),
    verifier: (processed, total, peak, micros) => `verifier: ${processed} instructions processed, ${total} states `
      + `stored (peak ${peak}), ${micros} µs`,
    line: n => `line ${n}`,
    noLine: 'from a header (an inlined helper) or without line info',
    truncated: 'Only the first instructions are shown: the program has more than the page lists (4096 per program, '
      + '8192 in all).',
    noRun: 'Press Run: once your program is attached, this shows it as the kernel holds it after the verifier’s '
      + 'rewrite (map addresses resolved, helpers inlined), with its JIT size and what verifying it took.',
    waiting: 'Waiting for the run to attach its program…',
    reading: 'Reading the program from the kernel…',
    ended: 'The run ended before its program was read: press Run, then open this view while it is attached.',
    notSent: 'The run’s connection is closed: press Run again.',
    staleError: (when, line) => `Listing of the last text that compiled, ${when} ago: fix the error on line ${line} `
      + 'to refresh.',
    staleErrors: when => `Listing of the last text that compiled, ${when} ago: fix the errors to refresh.`,
    staleChanged: when => `Listing of the text as it was ${when} ago: the text changed since; it refreshes when you `
      + 'pause typing.',
    staleLoaded: when => `As loaded from the text you ran ${when} ago; the editor’s text changed since: press Run to `
      + 'load it again.',
    staleJump: 'Lines may have moved since this listing: it does not follow the cursor until it is refreshed.',
  },
  es: {
    tab: 'Instrucciones',
    intro: 'Acá aparecen las instrucciones BPF que clang hizo de tu programa apenas compila (mientras escribís, o con '
      + 'Run), bajo la línea de código de la que vino cada una. Mové el cursor en el editor para ver las instrucciones '
      + 'de su línea; hacé clic en una instrucción para ir a su línea.',
    asCompiled: 'Como se compiló',
    asLoaded: 'Como se cargó',
    readAgain: 'Leer de nuevo',
    modes: 'Qué instrucciones mostrar',
    heading: (name, section, count) => `${name} — ${section} — ${count} instrucci${count === 1 ? 'ón' : 'ones'}`,
    loadedHeading: (name, id, count, compiled) => `${name} — id ${id} — ${count} instrucci${count === 1 ? 'ón' : 'ones'} `
      + `después de la reescritura del kernel${compiled === null ? '' : ` (${compiled} al compilar)`}`,
    jit: bytes => (bytes === null ? 'sin JIT: lo ejecuta el intérprete del kernel' : `JIT: ${bytes} bytes de código máquina`),
    verifier: (processed, total, peak, micros) => `verificador: ${processed} instrucciones procesadas, ${total} estados `
      + `guardados (pico ${peak}), ${micros} µs`,
    line: n => `línea ${n}`,
    noLine: 'de un header (un helper en línea) o sin información de línea',
    truncated: 'Se muestran solo las primeras instrucciones: el programa tiene más de las que la página lista (4096 '
      + 'por programa, 8192 en total).',
    noRun: 'Apretá Run: cuando tu programa esté enganchado, acá se ve como lo tiene el kernel después de la reescritura '
      + 'del verificador (direcciones de mapas resueltas, helpers en línea), con el tamaño del JIT y lo que costó '
      + 'verificarlo.',
    waiting: 'Esperando que la ejecución enganche su programa…',
    reading: 'Leyendo el programa del kernel…',
    ended: 'La ejecución terminó antes de leer su programa: apretá Run y abrí esta vista mientras está enganchado.',
    notSent: 'La conexión de la ejecución está cerrada: apretá Run de nuevo.',
    staleError: (when, line) => `Listado del último texto que compiló, hace ${when}: corregí el error de la línea `
      + `${line} para actualizarlo.`,
    staleErrors: when => `Listado del último texto que compiló, hace ${when}: corregí los errores para actualizarlo.`,
    staleChanged: when => `Listado del texto como estaba hace ${when}: el texto cambió; se actualiza cuando dejás de `
      + 'escribir.',
    staleLoaded: when => `Como se cargó el texto que ejecutaste hace ${when}; el texto del editor cambió: apretá Run `
      + 'para cargarlo de nuevo.',
    staleJump: 'Las líneas pueden haberse movido desde este listado: no sigue al cursor hasta que se actualice.',
  },
};

export function instructionsStrings(lang) {
  return STRINGS[lang] ?? STRINGS.en;
}

/** Consecutive instructions of one program that share a source line (null: no line of the learner's). */
export function groupByLine(instructions) {
  const groups = [];
  for (const insn of Array.isArray(instructions) ? instructions : []) {
    const line = Number.isInteger(insn?.line) && insn.line >= 1 ? insn.line : null;
    const last = groups[groups.length - 1];
    if (last && last.line === line) last.instructions.push(insn);
    else groups.push({ line, instructions: [insn] });
  }
  return groups;
}

const list = value => (Array.isArray(value) ? value : []);
/** The 8-byte slots a compiled function takes: its last instruction's index and size (an ld_imm64, "… ll", takes 2). */
const slots = instructions => {
  const last = list(instructions).at(-1);
  return last ? (last.index | 0) + (/ ll(\s|$)/.test(String(last.text ?? '')) ? 2 : 1) : 0;
};
const figure = value => (Number.isInteger(value) && value >= 0 ? String(value) : '?');

export class InstructionsView {
  /**
   * tabLabel, badge, container: elements of the page; lang(): 'es' or 'en'; getSource(): the editor's text;
   * onJump(line): move the editor's cursor to that line; onReadLoaded(): send a read_loaded on the run's socket (true
   * when it was sent).
   */
  constructor({ tabLabel, badge, container, lang, getSource, onJump, onReadLoaded }) {
    Object.assign(this, { tabLabel, badge, container, lang, getSource, onJump, onReadLoaded });
    this.mode = 'compiled';
    this.compiledView = { listing: null, source: null, at: 0 }; // the newest listing and the text it is of
    this.failure = null; // {source, line} of the newest compile answer that failed, for that text
    this.run = { source: null, at: 0, attached: false, ended: false, loaded: null, reading: false, problem: null };
    this.cursor = 0;
    this.buttons = {
      compiled: el('button', { type: 'button', class: 'insn-mode', 'data-mode': 'compiled', onclick: () => this.pick('compiled') }),
      loaded: el('button', { type: 'button', class: 'insn-mode', 'data-mode': 'loaded', onclick: () => this.pick('loaded') }),
      again: el('button', { type: 'button', class: 'insn-read', onclick: () => this.read() }),
    };
    this.modes = el('div', { class: 'insn-modes', role: 'group' }, this.buttons.compiled, this.buttons.loaded);
    this.note = el('p', { class: 'insn-stale', role: 'status', hidden: true });
    this.body = el('div', { class: 'insn-body' });
    container.replaceChildren(el('div', { class: 'insn-toolbar' }, this.modes, this.buttons.again), this.note, this.body);
    // Opening the tab on the loaded view reads the program then, not before: a Run pays nothing for it.
    tabLabel.closest('[role="tab"]')?.addEventListener('click', () => this.readIfWanted());
    setInterval(() => this.renderNote(), 1000); // "N s ago" counts on
    this.render();
  }

  get t() {
    return instructionsStrings(this.lang());
  }

  /** A compile-time listing from the server (a Run's, or a compile-as-you-type answer's) of the text {@code source}. */
  show(message, source) {
    this.compiledView = { listing: message, source, at: Date.now() };
    this.failure = null;
    this.render();
  }

  /** A compile-as-you-type answer for the text {@code source}: a failed one leaves the listing stale, and says why. */
  compiled(answer, source) {
    if (answer?.ok) return; // its listing follows
    const error = list(answer?.diagnostics).find(d => (d?.severity ?? 'error').includes('error') && d?.line >= 1);
    this.failure = { source, line: error ? error.line : 0 };
    this.refresh();
  }

  /** The editor's text changed: a listing of another text is marked stale at once. */
  edited() {
    this.refresh();
  }

  /** Run pressed with {@code source}: the loaded view waits for that run. */
  runStarted(source) {
    this.run = { source, at: Date.now(), attached: false, ended: false, loaded: null, reading: false, problem: null };
    if (this.mode === 'loaded') this.render();
  }

  /** The run's phase: once attached, an open loaded view reads it; a final phase ends what can be read. */
  runPhase({ attached, final }) {
    if (attached) this.run.attached = true;
    if (final) Object.assign(this.run, { attached: false, ended: true, reading: false });
    if (this.mode === 'loaded') this.render();
    if (attached) this.readIfWanted();
  }

  /** A loaded_programs answer for the current run. */
  loaded(message) {
    // A refused read (too many a minute) keeps what was read before, and says why it was not read again.
    const refused = !list(message?.programs).length && list(this.run.loaded?.programs).length;
    Object.assign(this.run, refused ? { reading: false, problem: String(message?.problem ?? '') }
      : { loaded: message, reading: false, problem: null });
    if (this.mode === 'loaded') this.render();
  }

  cursorLine(line) {
    if (line === this.cursor) return;
    this.cursor = line;
    this.highlight();
  }

  relabel() {
    this.render();
  }

  pick(mode) {
    this.mode = mode;
    this.render();
    this.readIfWanted();
  }

  /** Reads the loaded program when the loaded view is open on an attached run that has not been read. */
  readIfWanted() {
    if (this.mode === 'loaded' && this.run.attached && !this.run.loaded && !this.run.reading && this.isOpen()) this.read();
  }

  read() {
    if (!this.run.attached) return;
    const sent = this.onReadLoaded();
    Object.assign(this.run, { reading: sent, problem: sent ? null : this.t.notSent });
    this.render();
  }

  isOpen() {
    return !this.container.closest('[hidden]');
  }

  /** Why the listing shown is not of the editor's text (null: it is): {kind, at, line}. */
  stale() {
    if (this.mode === 'loaded') {
      return this.run.source === null ? null : staleness({ shownSource: this.run.source, shownAt: this.run.at,
        editorSource: this.getSource(), failure: null, loaded: true });
    }
    if (!this.compiledView.listing) return null;
    return staleness({ shownSource: this.compiledView.source, shownAt: this.compiledView.at,
      editorSource: this.getSource(), failure: this.failure, loaded: false });
  }

  refresh() {
    this.renderNote();
    this.highlight();
  }

  renderNote() {
    const why = this.stale();
    const t = this.t;
    this.note.hidden = !why;
    if (!why) return;
    const when = ago(Date.now() - why.at);
    const text = why.kind === 'loaded' ? t.staleLoaded(when) : why.kind === 'error'
      ? (why.line ? t.staleError(when, why.line) : t.staleErrors(when)) : t.staleChanged(when);
    if (this.note.textContent !== text) this.note.textContent = text;
    this.note.dataset.kind = why.kind;
    this.note.title = t.staleJump;
  }

  render() {
    const t = this.t;
    this.tabLabel.textContent = t.tab;
    this.modes.setAttribute('aria-label', t.modes);
    for (const mode of ['compiled', 'loaded']) {
      this.buttons[mode].textContent = mode === 'compiled' ? t.asCompiled : t.asLoaded;
      this.buttons[mode].setAttribute('aria-pressed', String(this.mode === mode));
    }
    this.buttons.again.textContent = t.readAgain;
    this.buttons.again.hidden = this.mode !== 'loaded' || !this.run.attached;
    this.buttons.again.disabled = this.run.reading;
    const parts = this.mode === 'loaded' ? this.loadedParts() : this.compiledParts();
    this.body.replaceChildren(...parts);
    const shown = this.mode === 'loaded' ? list(this.run.loaded?.programs) : list(this.compiledView.listing?.programs);
    const count = shown.reduce((n, p) => n + list(p.instructions).length, 0);
    this.badge.textContent = count ? String(count) : '';
    this.refresh();
  }

  compiledParts() {
    const t = this.t;
    const listing = this.compiledView.listing;
    const programs = list(listing?.programs);
    if (!programs.length) return [el('p', { class: 'empty', text: t.intro })];
    const lines = String(this.compiledView.source ?? '').split('\n');
    const parts = listing.truncated ? [el('p', { class: 'insn-note', text: t.truncated })] : [];
    for (const program of programs) {
      const instructions = list(program.instructions);
      parts.push(this.programElement(t.heading(String(program.name ?? ''), String(program.section ?? ''),
        instructions.length), null, instructions, lines));
    }
    return parts;
  }

  loadedParts() {
    const t = this.t;
    const run = this.run;
    const parts = [];
    if (run.problem) parts.push(el('p', { class: 'insn-note', text: run.problem }));
    if (run.reading) parts.push(el('p', { class: 'empty', text: t.reading }));
    if (!run.loaded) {
      if (!run.reading && !run.problem) {
        parts.push(el('p', { class: 'empty', text: run.source === null ? t.noRun : run.ended ? t.ended : t.waiting }));
      }
      return parts;
    }
    if (run.loaded.problem) parts.push(el('p', { class: 'insn-note', text: String(run.loaded.problem) }));
    if (run.loaded.truncated) parts.push(el('p', { class: 'insn-note', text: t.truncated }));
    const lines = String(run.source ?? '').split('\n');
    const compiledCounts = new Map(list(this.compiledView.listing?.programs).map(p => [p.name, slots(p.instructions)]));
    for (const p of list(run.loaded.programs)) {
      const stats = el('p', { class: 'insn-stats' }, t.jit(Number.isInteger(p.jitedBytes) ? p.jitedBytes : null),
        ' · ', t.verifier(figure(p.processed), figure(p.totalStates), figure(p.peakStates), figure(p.verificationMicros)));
      parts.push(this.programElement(t.loadedHeading(String(p.name ?? ''), figure(p.id), figure(p.xlatedCount),
        this.compiledView.source === run.source ? compiledCounts.get(p.name) ?? null : null), stats,
      list(p.instructions), lines));
    }
    return parts;
  }

  programElement(heading, stats, instructions, lines) {
    const section = el('section', { class: 'insn-program' }, el('h3', { class: 'insn-heading', text: heading }), stats);
    for (const group of groupByLine(instructions)) section.append(this.groupElement(group, lines));
    return section;
  }

  /** {@code lines}: the text the listing is of, so a group's source shows as it was even once the editor moved on. */
  groupElement(group, lines) {
    const t = this.t;
    const source = group.line && group.line <= lines.length ? lines[group.line - 1] : null;
    const header = el('div', { class: 'insn-line' },
      el('span', { class: 'insn-lineno', text: group.line ? t.line(group.line) : t.noLine }),
      source === null ? null : el('code', { class: 'insn-source', text: source.trim() }));
    const items = el('ol', { class: 'insn-list' });
    for (const insn of group.instructions) {
      items.append(el('li', { class: 'insn', 'data-index': String(insn.index ?? '') },
        el('span', { class: 'insn-index', text: String(insn.index ?? '') }),
        el('code', { class: 'insn-text', text: String(insn.text ?? '') })));
    }
    const node = el('div', { class: 'insn-group' }, header, items);
    if (group.line) {
      node.dataset.line = String(group.line);
      node.title = t.line(group.line);
      // A stale listing's line numbers are of another text: it does not send the editor to them.
      node.addEventListener('click', () => {
        if (!this.stale()) this.onJump(group.line);
      });
    }
    return node;
  }

  highlight() {
    const stale = Boolean(this.stale());
    let first = null;
    for (const node of this.body.querySelectorAll('.insn-group')) {
      const current = !stale && this.cursor > 0 && node.dataset.line === String(this.cursor);
      node.classList.toggle('current', current);
      if (current && !first) first = node;
    }
    // Scroll the pane only (not the page): the group a third of the way down.
    if (first && this.container.clientHeight > 0) {
      const top = first.offsetTop - this.container.offsetTop;
      if (top < this.container.scrollTop || top + first.offsetHeight > this.container.scrollTop + this.container.clientHeight) {
        this.container.scrollTop = Math.max(0, top - this.container.clientHeight / 3);
      }
    }
  }
}
