// The kernel picker beside Run: which of the lab's kernels (GET /api/kernels) a Run and the compiles as you type are
// for, remembered for this tab; what the picked kernel can do, in a small list beside it; and a note when a template
// or a lesson that is written for one kernel picks it. A lab that lists no kernels (an older server) hides the picker:
// runs then go to the lab's default kernel, as they did before there was a choice.
import { api } from './api.js';
import { el } from './format.js';
import { defaultKernel, initialKernel, isReady, kernelFeatures, kernelOptions, readKernels } from './kernels.js';

const REMEMBERED = 'bpflab.kernel'; // sessionStorage: each tab keeps its own choice

export class KernelPicker {
  /**
   * box: what holds the picker (hidden until the lab lists kernels); select; features: a <details> whose <ul> lists
   * the picked kernel's features; note: a status line for "picked for the template"; words(): the page's words;
   * onChange(id): the learner or a template picked another kernel.
   */
  constructor({ box, select, features, note, words, onChange }) {
    Object.assign(this, { box, select, features, note, words, onChange });
    this.kernels = [];
    this.defaultId = null;
    this.noteText = null; // words => the note's text, said again when the language changes
    select.addEventListener('change', () => this.picked(select.value, null));
  }

  /** Asks the lab for its kernels; a lab that does not answer keeps the picker hidden. */
  async load() {
    let answer = null;
    try {
      answer = await api('/api/kernels');
    } catch {
      answer = null; // an older server, or none: the default kernel, without a choice
    }
    this.kernels = readKernels(answer);
    this.defaultId = defaultKernel(answer);
    this.box.hidden = this.kernels.length === 0;
    this.render(initialKernel(this.kernels, this.defaultId, this.remembered()));
  }

  /** Whether the lab lists its kernels (and so can run on all of them). */
  get available() {
    return this.kernels.length > 0;
  }

  /** The kernel to name in a run or a compile: the picked one, or null (the lab's default) when there is no choice. */
  value() {
    return this.available && this.select.value ? this.select.value : null;
  }

  /**
   * A template or lesson (what: words => "The template “…”") is written for kernel id: picks it if it is ready here,
   * and says so. Nothing happens when it names no kernel or the lab does not list kernels.
   */
  prefer(id, what) {
    if (!id || !this.available) return;
    const kernel = this.kernels.find(k => k.id === id);
    const name = kernel?.name || id;
    if (!isReady(kernel)) {
      this.say(words => words.kernelNotReady(what(words), name));
      return;
    }
    if (this.select.value !== id) {
      this.select.value = id;
      this.picked(id, words => words.kernelPicked(what(words), name));
    } else {
      this.say(words => words.kernelPicked(what(words), name));
    }
  }

  picked(id, noteText) {
    try {
      sessionStorage.setItem(REMEMBERED, id);
    } catch { /* storage blocked: the choice lasts as long as the page */ }
    this.say(noteText);
    this.showFeatures();
    this.onChange?.(id);
  }

  remembered() {
    try {
      return sessionStorage.getItem(REMEMBERED);
    } catch {
      return null;
    }
  }

  say(noteText) {
    this.noteText = noteText;
    this.note.textContent = noteText ? noteText(this.words()) : '';
    this.note.title = this.note.textContent; // cut short beside Run: the whole note on hover
    this.note.hidden = !noteText;
  }

  render(selected) {
    const words = this.words();
    this.select.replaceChildren(...kernelOptions(this.kernels, this.defaultId, words).map(o => el('option', {
      value: o.value, disabled: o.disabled, title: o.title || null, text: o.label,
    })));
    if (selected) this.select.value = selected;
    this.select.title = words.kernelTitle;
    this.showFeatures();
  }

  /** The picked kernel's features in the list, and as the summary's tooltip. */
  showFeatures() {
    const words = this.words();
    const features = kernelFeatures(this.kernels.find(k => k.id === this.select.value));
    const line = f => `${f.has ? '✓' : '✗'} ${f.name}`;
    this.features.querySelector('ul').replaceChildren(...(features.length
      ? features.map(f => el('li', { class: f.has ? 'has' : 'lacks', text: line(f) }))
      : [el('li', { class: 'muted', text: words.kernelFeaturesUnknown })]));
    const summary = this.features.querySelector('summary');
    summary.title = [words.kernelFeatures, ...features.map(line)].join('\n');
    summary.setAttribute('aria-label', words.kernelFeatures);
  }

  /** Says everything again in the page's language. */
  relabel() {
    this.render(this.select.value);
    this.say(this.noteText);
  }
}
