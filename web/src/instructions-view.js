// The Instructions tab: each compiled program's BPF instructions grouped under the learner's source line they came
// from (the server's "instructions" message, from the object's line info). The group of the editor's cursor line is
// highlighted and scrolled into view; clicking a group or an instruction moves the editor to its line. Text only:
// every string from the server goes in through textContent, never as HTML.
import { el } from './format.js';

const STRINGS = {
  en: {
    tab: 'Instructions',
    intro: 'The BPF instructions clang made of your program appear here once it compiles (as you type, or on Run), '
      + 'under the source line each came from. Move the cursor in the editor to see its line’s instructions; click '
      + 'an instruction to go to its line.',
    heading: (name, section, count) => `${name} — ${section} — ${count} instruction${count === 1 ? '' : 's'}`,
    line: n => `line ${n}`,
    noLine: 'from a header (an inlined helper) or without line info',
    truncated: 'Only the first instructions are shown: the program has more than the page lists (4096 per program, '
      + '8192 in all).',
  },
  es: {
    tab: 'Instrucciones',
    intro: 'Acá aparecen las instrucciones BPF que clang hizo de tu programa apenas compila (mientras escribís, o con '
      + 'Run), bajo la línea de código de la que vino cada una. Mové el cursor en el editor para ver las instrucciones '
      + 'de su línea; hacé clic en una instrucción para ir a su línea.',
    heading: (name, section, count) => `${name} — ${section} — ${count} instrucci${count === 1 ? 'ón' : 'ones'}`,
    line: n => `línea ${n}`,
    noLine: 'de un header (un helper en línea) o sin información de línea',
    truncated: 'Se muestran solo las primeras instrucciones: el programa tiene más de las que la página lista (4096 '
      + 'por programa, 8192 en total).',
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

export class InstructionsView {
  /**
   * tabLabel, badge, container: elements of the page; lang(): 'es' or 'en'; lineText(n): the editor's text of line n
   * (or null); onJump(line): move the editor's cursor to that line.
   */
  constructor({ tabLabel, badge, container, lang, lineText, onJump }) {
    Object.assign(this, { tabLabel, badge, container, lang, lineText, onJump });
    this.listing = null;
    this.cursor = 0;
    this.render();
  }

  get t() {
    return instructionsStrings(this.lang());
  }

  /** A listing from the server (a Run's, or a compile-as-you-type answer's): replaces the one shown. */
  show(message) {
    this.listing = message;
    this.render();
  }

  /** The editor's cursor is on {@code line}: its groups are highlighted, the first scrolled into view. */
  cursorLine(line) {
    if (line === this.cursor) return;
    this.cursor = line;
    this.highlight();
  }

  relabel() {
    this.render();
  }

  render() {
    const t = this.t;
    this.tabLabel.textContent = t.tab;
    const programs = Array.isArray(this.listing?.programs) ? this.listing.programs : [];
    const count = programs.reduce((n, p) => n + (Array.isArray(p.instructions) ? p.instructions.length : 0), 0);
    this.badge.textContent = count ? String(count) : '';
    if (!programs.length) {
      this.container.replaceChildren(el('p', { class: 'empty', text: t.intro }));
      return;
    }
    const parts = [];
    if (this.listing.truncated) parts.push(el('p', { class: 'insn-note', text: t.truncated }));
    for (const program of programs) {
      const instructions = Array.isArray(program.instructions) ? program.instructions : [];
      const section = el('section', { class: 'insn-program' },
        el('h3', { class: 'insn-heading', text: t.heading(String(program.name ?? ''), String(program.section ?? ''),
          instructions.length) }));
      for (const group of groupByLine(instructions)) section.append(this.groupElement(group));
      parts.push(section);
    }
    this.container.replaceChildren(...parts);
    this.highlight();
  }

  groupElement(group) {
    const t = this.t;
    const source = group.line ? this.lineText(group.line) : null;
    const header = el('div', { class: 'insn-line' },
      el('span', { class: 'insn-lineno', text: group.line ? t.line(group.line) : t.noLine }),
      source === null ? null : el('code', { class: 'insn-source', text: source.trim() }));
    const list = el('ol', { class: 'insn-list' });
    for (const insn of group.instructions) {
      list.append(el('li', { class: 'insn', 'data-index': String(insn.index ?? '') },
        el('span', { class: 'insn-index', text: String(insn.index ?? '') }),
        el('code', { class: 'insn-text', text: String(insn.text ?? '') })));
    }
    const node = el('div', { class: 'insn-group' }, header, list);
    if (group.line) {
      node.dataset.line = String(group.line);
      node.title = t.line(group.line);
      node.addEventListener('click', () => this.onJump(group.line));
    }
    return node;
  }

  highlight() {
    let first = null;
    for (const node of this.container.querySelectorAll('.insn-group')) {
      const current = this.cursor > 0 && node.dataset.line === String(this.cursor);
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
