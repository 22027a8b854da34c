// The "All kernels" tab: the grid of "Run on all kernels", one row per kernel, filled in as each kernel's row arrives
// (matrix-rows.js reads the messages). A compile error or a verifier rejection names its line, and pressing it moves
// the editor's cursor there. The table scrolls sideways inside its own box on a narrow screen.
import { el } from './format.js';
import {
  applyMatrixMessage, cancelledMatrix, emptyMatrix, isPending, matrixRows, rowCells, startedMatrix,
} from './matrix-rows.js';

const COLUMNS = ['kernel', 'compile', 'verifier', 'processed', 'attach', 'events', 'maps'];

export class MatrixView {
  /**
   * table: a <table> with a <thead><tr> and a <tbody>; intro: the text shown while there is no grid; status: a status
   * line; badge: the tab's count; words(): the page's words; lang(): 'es' or 'en' for the hints; onJump(line, column).
   */
  constructor({ table, intro, status, badge, words, lang, onJump }) {
    Object.assign(this, { table, intro, status, badge, words, lang, onJump });
    this.state = emptyMatrix();
    this.available = true;
    this.render();
  }

  /** Whether the lab lists kernels to run on (else the tab says there is nothing to compare). */
  setAvailable(available) {
    this.available = available;
    this.render();
  }

  /** A run_all was sent: an empty grid that fills in. */
  start() {
    this.state = startedMatrix();
    this.render();
  }

  /** A message of the run's socket; returns whether it was the matrix's. */
  message(message) {
    const next = applyMatrixMessage(this.state, message);
    if (next === this.state) return false;
    this.state = next;
    this.render();
    return true;
  }

  /** Whether rows are still awaited. */
  get pending() {
    return isPending(this.state);
  }

  /** Stopped or replaced by another run: the rows not in yet will not come. */
  cancel() {
    if (!this.pending) return;
    this.state = cancelledMatrix(this.state);
    this.render();
  }

  relabel() {
    this.render();
  }

  render() {
    const words = this.words();
    const started = this.state.started;
    this.intro.hidden = started;
    this.intro.textContent = this.available ? words.matrixIntro : words.matrixUnavailable;
    this.table.hidden = !started;
    this.table.tHead.rows[0].replaceChildren(...COLUMNS.map(c => el('th', { scope: 'col', text: words.matrixColumns[c] })));
    const rows = matrixRows(this.state);
    this.table.tBodies[0].replaceChildren(...rows.map(r => this.row(r, words)));
    const finished = rows.filter(r => r.row).length;
    const total = this.state.kernels.length;
    this.badge.textContent = started && total ? `${finished}/${total}` : '';
    this.status.textContent = !started ? ''
      : this.state.cancelled ? words.matrixCancelled
        : this.state.done ? words.matrixDone(total)
          : total ? words.matrixProgress(finished, total) : words.matrixStarting;
  }

  row(entry, words) {
    const tr = el('tr', { 'data-kernel': entry.kernel });
    if (!entry.row) {
      const text = entry.skipped !== undefined ? words.matrixSkipped(entry.skipped)
        : entry.waiting ? words.matrixWaiting : words.matrixMissing;
      tr.className = entry.skipped !== undefined ? 'skipped' : entry.waiting ? 'waiting' : 'missing';
      tr.append(el('th', { scope: 'row', text: entry.kernel }), el('td', { colspan: COLUMNS.length - 1, class: 'text', text }));
      return tr;
    }
    const c = rowCells(entry.row, this.lang());
    tr.append(
      el('th', { scope: 'row' }, el('span', { class: 'kernel-name', text: c.name }),
        c.release ? el('span', { class: 'kernel-release', text: c.release }) : null),
      this.verdict('compile', c.compile.ok, c.compile.ok ? words.compileOk : words.compileFailed, c.compile.problem, words),
      c.verifier.state === null ? this.none('verifier', words)
        : this.verdict('verifier', c.verifier.state === 'accepted',
          c.verifier.state === 'accepted' ? words.verifierAccepted : words.verifierRejected, c.verifier.problem, words),
      el('td', { class: 'num processed', text: c.processed === null ? words.notReached : String(c.processed) }),
      c.attach.state === null && !c.attach.error ? this.none('attach', words)
        : el('td', { class: `attach text ${c.attach.state ? 'ok' : 'fail'}` },
          el('span', { text: `${c.attach.state ? '✓' : '✗'} ${c.attach.state ? words.attachOk : words.attachFailed}` }),
          c.attach.error ? el('div', { class: 'detail', text: c.attach.error }) : null),
      el('td', { class: 'events text' }, el('span', { class: 'count', text: String(c.events.count) }),
        ...c.events.samples.map(s => el('div', { class: 'sample', title: s, text: s }))),
      el('td', { class: 'maps text' }, ...(c.maps.length ? c.maps.map(m => el('div', { class: 'map' },
        el('span', { class: 'map-name', text: m.name }),
        ...m.entries.map(e => el('div', { class: 'sample', title: e, text: e })),
        m.more ? el('div', { class: 'muted', text: words.moreShown(m.more) }) : null)) : [words.notReached])),
    );
    return tr;
  }

  /** The cell of a stage the kernel's run never got to. */
  none(name, words) {
    return el('td', { class: `${name} muted`, text: words.notReached });
  }

  /** An ok or not cell; a problem names its line (a button that goes there), its message and its hint. */
  verdict(name, ok, text, problem, words) {
    const cell = el('td', { class: `${name} text ${ok ? 'ok' : 'fail'}` }, el('span', { text: `${ok ? '✓' : '✗'} ${text}` }));
    if (!problem) return cell;
    if (problem.line) {
      cell.append(el('button', {
        type: 'button', class: 'link matrix-jump', title: words.goToLine(problem.line),
        onclick: () => this.onJump(problem.line, problem.column),
      }, words.atLine(problem.line)));
    }
    cell.append(el('div', { class: 'detail', text: problem.message }));
    if (problem.hint) cell.append(el('div', { class: 'hint', lang: this.lang(), text: problem.hint }));
    return cell;
  }
}
