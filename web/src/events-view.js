// The live events table: columns from the decoded fields, newest first, pause, filter, count and drops.
// Records of the lab's own processes (marked "lab" by the agent) are hidden until the learner shows them; enumerator
// names show with their number ("RULE_PORT (1)").
import { clockTime, el, formatNamed, formatValue } from './format.js';
import { pageStrings } from './page-strings.js';

const KEEP = 20000;      // events kept in memory for filtering; older ones are forgotten
const SHOW = 500;        // rows kept in the DOM

/** "comm=rm victim" → every token must match: key=value compares one field, a bare word any field. */
export function parseFilter(text) {
  return text.trim().split(/\s+/).filter(Boolean).map(token => {
    const at = token.search(/[=:]/);
    if (at > 0) return { key: token.slice(0, at).toLowerCase(), value: token.slice(at + 1).toLowerCase() };
    return { key: null, value: token.toLowerCase() };
  });
}

export function matchesFilter(record, filter) {
  return filter.every(({ key, value }) => {
    if (key) {
      const name = Object.keys(record.fields).find(k => k.toLowerCase() === key);
      if (name !== undefined) return formatValue(record.fields[name]).toLowerCase().includes(value);
      if (key === 'map') return record.map.toLowerCase().includes(value);
      return false;
    }
    if (record.map.toLowerCase().includes(value)) return true;
    return Object.values(record.fields).some(v => formatValue(v).toLowerCase().includes(value));
  });
}

/** Whether a record is shown: matching the filter, and not the lab's own unless those are shown. */
export function isShown(record, filter, showLab) {
  return (showLab || !record.lab) && matchesFilter(record, filter);
}

export class EventsView {
  /** The elements of the Events tab; words(): the page's words (page-strings.js) in its language now. */
  constructor({ table, empty, count, dropped, pause, filter, clear, badge, words = () => pageStrings('en') }) {
    Object.assign(this, { table, empty, countEl: count, droppedEl: dropped, pauseBtn: pause, filterInput: filter, badge, words });
    this.showLab = false;
    this.labToggle = el('button', {
      type: 'button',
      class: 'ghost lab-toggle',
      'aria-pressed': 'false',
      hidden: true,
      onclick: () => this.setShowLab(!this.showLab),
    });
    clear.after(this.labToggle);
    this.head = table.tHead.rows[0];
    this.body = table.tBodies[0];
    this.pending = [];
    this.paused = false;
    this.filter = [];
    this.frame = 0;
    this.reset();
    this.setPaused(false);
    pause.addEventListener('click', () => this.setPaused(!this.paused));
    filter.addEventListener('input', () => {
      this.filter = parseFilter(filter.value);
      this.rebuild();
    });
    clear.addEventListener('click', () => this.reset());
  }

  reset() {
    this.labTotal = 0;
    this.records = [];
    this.columns = [];
    this.maps = new Set();
    this.total = 0;
    this.droppedCount = 0;
    this.pending = [];
    this.rebuild();
  }

  setPaused(paused) {
    this.paused = paused;
    this.pauseBtn.setAttribute('aria-pressed', String(paused));
    this.pauseBtn.textContent = paused ? this.words().resume : this.words().pause;
    if (!paused) this.rebuild();
    this.updateCounts();
  }

  setShowLab(show) {
    this.showLab = show;
    this.rebuild();
  }

  add(message) {
    const fields = message.fields && typeof message.fields === 'object' ? message.fields : { value: message.fields };
    const enums = message.enums && typeof message.enums === 'object' ? message.enums : null;
    const lab = message.lab === true;
    const record = { seq: ++this.total, time: clockTime(), map: String(message.map ?? ''), fields, enums, lab };
    if (lab) this.labTotal++;
    this.records.push(record);
    if (this.records.length > KEEP) this.records.splice(0, this.records.length - KEEP);
    let newColumn = false;
    for (const key of Object.keys(fields)) {
      if (!this.columns.includes(key)) {
        this.columns.push(key);
        newColumn = true;
      }
    }
    const newMap = !this.maps.has(record.map);
    this.maps.add(record.map);
    if (newColumn || (newMap && this.maps.size === 2)) {
      this.needsRebuild = true;
    } else if (!this.paused) {
      this.pending.push(record);
    }
    this.schedule();
  }

  addDropped(count) {
    this.droppedCount += Number(count) || 0;
    this.schedule();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (!this.paused) {
        if (this.needsRebuild) this.rebuild();
        else this.flush();
      }
      this.updateCounts();
    });
  }

  /** Says the tab's words again in the page's language now (rows and what they hold stay). */
  relabel() {
    this.pauseBtn.textContent = this.paused ? this.words().resume : this.words().pause;
    this.renderHead();
    for (const row of this.body.querySelectorAll('tr.lab')) row.title = this.words().own;
    this.updateCounts();
  }

  showMapColumn() {
    return this.maps.size > 1;
  }

  renderHead() {
    const words = this.words();
    const cells = [el('th', { scope: 'col', text: '#' }), el('th', { scope: 'col', text: words.columnTime })];
    if (this.showMapColumn()) cells.push(el('th', { scope: 'col', text: words.columnMap }));
    for (const c of this.columns) cells.push(el('th', { scope: 'col', text: c }));
    this.head.replaceChildren(...cells);
  }

  row(record, fresh) {
    const cells = [el('td', { class: 'num', text: String(record.seq) }), el('td', { text: record.time })];
    if (this.showMapColumn()) cells.push(el('td', { text: record.map }));
    for (const c of this.columns) {
      const value = record.fields[c];
      const text = formatNamed(value, record.enums);
      cells.push(el('td', { class: typeof value === 'number' ? 'num' : text.length > 24 ? 'text' : null, text }));
    }
    return el('tr', { class: [fresh ? 'fresh' : '', record.lab ? 'lab' : ''].join(' ').trim() || null,
      title: record.lab ? this.words().own : null }, ...cells);
  }

  flush() {
    const visible = this.pending.filter(r => isShown(r, this.filter, this.showLab));
    this.pending = [];
    if (visible.length === 0) return;
    const fragment = document.createDocumentFragment();
    for (let i = visible.length - 1; i >= Math.max(0, visible.length - SHOW); i--) fragment.append(this.row(visible[i], true));
    this.body.prepend(fragment);
    while (this.body.rows.length > SHOW) this.body.deleteRow(-1);
  }

  rebuild() {
    this.needsRebuild = false;
    this.pending = [];
    this.renderHead();
    const rows = [];
    for (let i = this.records.length - 1; i >= 0 && rows.length < SHOW; i--) {
      if (isShown(this.records[i], this.filter, this.showLab)) rows.push(this.row(this.records[i], false));
    }
    this.body.replaceChildren(...rows);
    this.updateCounts();
  }

  updateCounts() {
    const words = this.words();
    const shown = this.body.rows.length;
    let text = words.events(this.total);
    if (this.filter.length) text += words.matches(shown, shown === SHOW);
    if (this.labTotal && !this.showLab) text += words.ownHidden(this.labTotal);
    if (this.paused) text += words.paused;
    this.countEl.textContent = text;
    this.badge.textContent = String(this.total);
    this.empty.hidden = this.total > 0;
    this.table.hidden = this.total === 0;
    this.droppedEl.hidden = this.droppedCount === 0;
    this.droppedEl.textContent = words.dropped(this.droppedCount);
    this.droppedEl.title = words.droppedTitle;
    this.labToggle.hidden = this.labTotal === 0;
    this.labToggle.setAttribute('aria-pressed', String(this.showLab));
    this.labToggle.title = words.ownEventsTitle;
    this.labToggle.textContent = this.showLab ? words.hideOwn(this.labTotal) : words.showOwn(this.labTotal);
  }
}
