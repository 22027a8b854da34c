// Iterator programs (SEC("iter/task"), SEC("iter/bpf_map_elem"), …) print only when they are read: this pane shows
// what each printed at its latest read, as plain text (never HTML), and a button that reads them again.
import { el } from './format.js';

const STRINGS = {
  en: {
    tab: 'Iterator',
    readAgain: 'Read again',
    readTitle: 'Run the iterator programs again, over the kernel’s tasks, maps or sockets as they are now',
    needsRun: 'Run a program with an iterator first.',
    intro: 'An iterator program (SEC("iter/task"), SEC("iter/bpf_map_elem"), …) prints when it is read: its text '
      + 'appears here once it is attached, and again on every “Read again”.',
    heading: (program, read) => `${program} — read ${read}`,
    nothing: '(the program printed nothing)',
    cutAtSize: 'Cut at 256 KiB: the program printed more than that.',
    cutAtTime: 'Cut after 5 s: the read took longer than that. Print less, or do less work per object.',
    reading: 'Reading…',
  },
  es: {
    tab: 'Iterador',
    readAgain: 'Leer de nuevo',
    readTitle: 'Volver a correr los programas iteradores sobre las tareas, mapas o sockets del kernel tal como están ahora',
    needsRun: 'Primero corré un programa con un iterador.',
    intro: 'Un programa iterador (SEC("iter/task"), SEC("iter/bpf_map_elem"), …) imprime cuando se lo lee: su texto '
      + 'aparece acá cuando queda enganchado, y otra vez con cada “Leer de nuevo”.',
    heading: (program, read) => `${program} — lectura ${read}`,
    nothing: '(el programa no imprimió nada)',
    cutAtSize: 'Cortado en 256 KiB: el programa imprimió más que eso.',
    cutAtTime: 'Cortado a los 5 s: la lectura tardó más que eso. Imprimí menos, o hacé menos trabajo por objeto.',
    reading: 'Leyendo…',
  },
};

export function iteratorStrings(lang) {
  return STRINGS[lang] ?? STRINGS.en;
}

export class IteratorView {
  /**
   * tabLabel, badge, button, status, container: elements of the page; lang(): 'es' or 'en'; onRead(): asks the server
   * for a new read, false when there is no run to ask.
   */
  constructor({ tabLabel, badge, button, status, container, lang, onRead }) {
    Object.assign(this, { tabLabel, badge, button, status, container, lang, onRead });
    this.sections = new Map(); // program → its <section>
    this.attached = false;
    button.addEventListener('click', () => this.readAgain());
    this.reset();
  }

  get t() {
    return iteratorStrings(this.lang());
  }

  /** A new run: nothing read yet. */
  reset() {
    this.sections.clear();
    this.container.replaceChildren(el('p', { class: 'empty', text: this.t.intro }));
    this.badge.textContent = '0';
    this.status.textContent = '';
    this.relabel();
  }

  /** The labels in the page's current language. */
  relabel() {
    const t = this.t;
    this.tabLabel.textContent = t.tab;
    this.button.textContent = t.readAgain;
    this.button.title = this.attached ? t.readTitle : t.needsRun;
    const intro = this.container.querySelector('p.empty');
    if (intro) intro.textContent = t.intro;
  }

  /** Whether the run is attached: only then can it be read again. */
  setAttached(attached) {
    this.attached = attached;
    this.button.disabled = !attached;
    this.relabel();
  }

  readAgain() {
    this.status.textContent = this.onRead() ? this.t.reading : this.t.needsRun;
  }

  /** One iterator_output message: replaces what that program showed before. */
  show(message) {
    const t = this.t;
    const program = String(message.program ?? '?');
    const text = String(message.text ?? '');
    const notes = [];
    if (message.timedOut) notes.push(t.cutAtTime);
    else if (message.truncated) notes.push(t.cutAtSize);
    const section = el('section', { class: 'iterator-output' },
      el('h3', { class: 'iterator-heading', text: t.heading(program, message.read ?? 1) }),
      ...notes.map(note => el('p', { class: 'iterator-note', role: 'note', text: note })),
      el('pre', { class: 'log iterator-text', tabindex: '0', text: text || t.nothing }));
    const old = this.sections.get(program);
    if (old) old.replaceWith(section);
    else {
      if (this.sections.size === 0) this.container.replaceChildren();
      this.container.append(section);
    }
    this.sections.set(program, section);
    this.badge.textContent = String(this.sections.size);
    this.status.textContent = '';
  }
}
