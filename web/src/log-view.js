// The Log tab: the diagnostics as a clickable list and the raw compiler or verifier log. In a verifier log
// the failing instruction (the last instruction before the verifier's complaint) is highlighted, and the verifier's
// view (verifier-view.js) shows the registers and stack slots at the instruction chosen: clicked in the log, or the
// instructions of the editor's cursor line. The failing instruction is chosen when the log arrives.
import { el } from './format.js';
import { diagnosticHint } from './protocol.js';
import { pageStrings } from './page-strings.js';
import { isBtfArgumentNote, readVerifierLog, stepsOfLine } from './verifier-states.js';
import { VerifierStatePanel, verifierStrings } from './verifier-view.js';

const INSTRUCTION = /^\s*\d+: \([0-9a-f]{2}\)/;
const SOURCE_ANNOTATION = /^; .*?(?: @ (\S+):(\d+))?\s*$/;
const CLANG_LOCATION = /^(\S*?prog\.bpf\.c):(\d+):(\d+): (fatal error|error|warning|note)/;
const STATISTICS = /^(processed \d+ insns|verification time|stack depth|-- END PROG LOAD LOG|Live regs)/;

/**
 * Index of the failing instruction line: the last instruction before the error text. The error text is the
 * first diagnostic's message when it appears in the log; otherwise everything after the last instruction.
 */
export function failingInstructionIndex(lines, message) {
  let limit = lines.length;
  const needle = (message || '').split('\n')[0].trim();
  if (needle) {
    for (let i = lines.length - 1; i >= 0; i--) {
      if (lines[i].includes(needle) && !INSTRUCTION.test(lines[i])) {
        limit = i;
        break;
      }
    }
  }
  for (let i = limit - 1; i >= 0; i--) {
    if (INSTRUCTION.test(lines[i])) return i;
  }
  return -1;
}

export class LogView {
  /**
   * hintLang: () => "es" or "en", the language hints are shown in; states: the element of the verifier's view;
   * source: () => the editor's text (to place source annotations a kernel prints without "@ file:line").
   */
  constructor({ list, log, badge, states, onJump, hintLang = () => 'en', source = () => '' }) {
    Object.assign(this, { list, log, badge, onJump, hintLang, source });
    this.failing = null;
    this.hints = []; // [{node, item}]: the hints shown, to follow a change of language
    this.panel = new VerifierStatePanel({ container: states, lang: hintLang });
    this.walk = null; // readVerifierLog's answer for the verifier log shown, else null
    this.rows = [];
  }

  /** Shows every hint of the list in the language hintLang() now names. */
  languageChanged() {
    const lang = this.hintLang();
    for (const { node, item } of this.hints) {
      node.lang = lang;
      node.textContent = diagnosticHint(item, lang);
    }
    for (const node of this.log.querySelectorAll('.line.info')) node.title = verifierStrings(lang).btfTitle;
    const kernelHeading = this.list.querySelector('.note.kernel-refused');
    if (kernelHeading) kernelHeading.textContent = pageStrings(lang).kernelRefused;
    this.panel.relabel();
  }

  reset() {
    this.list.replaceChildren();
    this.log.replaceChildren();
    this.badge.textContent = '';
    this.badge.classList.remove('error');
    this.failing = null;
    this.hints = [];
    this.walk = null;
    this.rows = [];
    this.panel.clear();
  }

  /** Plain text for the log tab when there are no diagnostics (e.g. a run error). */
  note(text) {
    this.log.append(el('div', { class: 'line diag-err', text }));
  }

  show(message) {
    // "kernel": the kernel picked cannot run the program (it lacks a feature the program needs).
    const stage = message.stage === 'verify' || message.stage === 'kernel' ? message.stage : 'compile';
    const items = Array.isArray(message.items) ? message.items : [];
    const errors = items.filter(i => (i.severity || 'error').includes('error')).length;
    this.badge.textContent = String(items.length || '!');
    this.badge.classList.toggle('error', errors > 0 || items.length === 0);

    const lang = this.hintLang();
    this.hints = [];
    const entries = items.map(item => {
      const line = item.line | 0;
      const where = line >= 1 ? `line ${line}${item.column ? `:${item.column}` : ''}` : 'no source line';
      const severity = item.severity || 'error';
      const label = { verify: 'verifier', kernel: 'kernel' }[stage] ?? severity;
      const text = el('span', { class: 'message', text: `${label}: ${item.message}` });
      let hint = null;
      if (diagnosticHint(item, lang)) {
        hint = el('span', { class: 'hint', lang, text: diagnosticHint(item, lang) });
        this.hints.push({ node: hint, item });
      }
      return el('button', {
        type: 'button',
        class: `diag ${severity.includes('error') ? 'error' : 'warning'}`,
        disabled: line < 1,
        title: line >= 1 ? `Go to line ${line}` : null,
        onclick: () => this.onJump(line, item.column || 1),
      }, el('span', { class: 'where', text: where }), el('span', { class: 'body' }, text, hint));
    });
    const heading = stage === 'verify'
      ? 'The verifier rejected the program. Its log is below; the highlighted instruction is where it stopped.'
      : 'The compiler found problems:';
    const notes = [stage === 'kernel'
      ? el('span', { class: 'note kernel-refused', text: pageStrings(this.hintLang()).kernelRefused })
      : el('span', { class: 'note', text: heading })];
    if (message.truncated) notes.push(el('span', { class: 'note', text: 'The verifier log was too long and was cut.' }));
    this.list.replaceChildren(...notes, ...entries);

    const text = typeof message.log === 'string' ? message.log : '';
    const lines = text.replace(/\n+$/, '').split('\n');
    const failing = stage === 'verify' ? failingInstructionIndex(lines, items[0]?.message) : -1;
    const target = items.find(i => (i.line | 0) >= 1);
    const rows = lines.map((line, i) => this.logLine(line, i, failing, stage, target));
    this.log.replaceChildren(...rows);
    this.rows = rows;
    this.failing = failing >= 0 ? rows[failing] : null;
    this.walk = null;
    this.panel.clear();
    if (stage === 'verify' && message.program) this.loadWalk(text, message);
  }

  /** Reads the verifier's walk out of the log and makes its instruction lines choosable. */
  loadWalk(text, message) {
    const walk = readVerifierLog(text, { source: this.source() });
    if (!walk.steps.length) return;
    this.walk = walk;
    const cut = Number.isInteger(message.logCut) && message.logCut > 0 ? message.logCut : 0;
    const logLines = text.split('\n');
    const info = walk.informational.map(i => logLines[i].trim());
    this.panel.load(walk, { cut }, info); // the verifier's own buffer overflowing (`truncated`) is said in the list above
    walk.steps.forEach((step, index) => {
      const node = this.rows[step.logLine];
      if (!node) return;
      node.classList.add('step');
      node.dataset.step = String(index);
      node.dataset.insn = String(step.insn);
      if (!node.classList.contains('jump')) { // a jump row (the failing one) is already focusable and moves the editor
        node.tabIndex = 0;
        node.setAttribute('role', 'button');
      }
      node.addEventListener('keydown', e => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.choose([index], true);
        }
      });
      node.addEventListener('click', () => this.choose([index], true));
    });
    this.choose(walk.failing >= 0 ? [walk.failing] : [], false);
  }

  /**
   * Marks steps `indexes` of the walk as chosen and shows the state at the last; with `jump`, the editor goes to its
   * line (clicked in the log).
   */
  choose(indexes, jump) {
    if (!this.walk) return;
    const chosen = new Set(indexes);
    for (const node of this.log.querySelectorAll('.line.step.selected')) node.classList.remove('selected');
    for (const i of chosen) this.rows[this.walk.steps[i].logLine]?.classList.add('selected');
    const last = indexes.length ? indexes[indexes.length - 1] : -1;
    this.panel.select(last);
    const step = this.walk.steps[last];
    if (jump && step?.line > 0 && !this.rows[step.logLine]?.classList.contains('jump')) this.onJump(step.line, 1);
  }

  /** The editor's cursor is on `line`: its instructions (their last visit in the walk) are chosen. */
  cursorLine(line) {
    if (!this.walk) return;
    const current = this.walk.steps[this.panel.step];
    if (current && current.line === line) return; // already on it (a click in the log moved the cursor here)
    const steps = stepsOfLine(this.walk.steps, line);
    if (steps.length) {
      this.choose(steps, false);
    } else if (this.panel.lineWithout !== line) {
      for (const node of this.log.querySelectorAll('.line.step.selected')) node.classList.remove('selected');
      this.panel.selectLineWithoutSteps(line);
    }
  }

  logLine(line, index, failing, stage, target) {
    const node = el('div', { class: 'line', text: line || ' ' });
    let jumpTo = 0;
    if (stage === 'verify') {
      if (isBtfArgumentNote(line) && (failing < 0 || index < failing)) { // the kernel's note, not the error
        node.classList.add('info');
        node.title = verifierStrings(this.hintLang()).btfTitle;
      } else if (index === failing) {
        node.classList.add('failing');
        node.setAttribute('aria-current', 'true');
        node.title = target ? `Failing instruction: line ${target.line} of your code` : 'Failing instruction';
        if (target) jumpTo = target.line;
      } else if (index > failing && failing >= 0 && line.trim() && !STATISTICS.test(line)) {
        node.classList.add('reason');
      } else if (INSTRUCTION.test(line)) {
        node.classList.add('insn');
      } else {
        const annotation = SOURCE_ANNOTATION.exec(line);
        if (annotation) {
          node.classList.add('src');
          if (annotation[2] && (annotation[1] || '').endsWith('prog.bpf.c')) jumpTo = Number(annotation[2]);
        }
      }
    } else {
      const location = CLANG_LOCATION.exec(line);
      if (location) {
        node.classList.add(location[4].includes('error') ? 'diag-err' : 'diag-warn');
        jumpTo = Number(location[2]);
      }
    }
    if (jumpTo > 0) {
      node.classList.add('jump');
      node.tabIndex = 0;
      node.setAttribute('role', 'button');
      const column = stage === 'compile' ? Number(CLANG_LOCATION.exec(line)?.[3] || 1) : 1;
      const go = () => this.onJump(jumpTo, column);
      node.addEventListener('click', go);
      node.addEventListener('keydown', e => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          go();
        }
      });
    }
    return node;
  }

  /** Chooses the failing instruction and scrolls it into the middle of the log (call once the tab is visible). */
  revealFailing() {
    if (this.walk && this.walk.failing >= 0) this.choose([this.walk.failing], false);
    if (this.failing) this.failing.scrollIntoView({ block: 'center' });
  }
}
