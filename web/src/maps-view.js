// Map snapshots: a card per map, a bar chart when the values are numbers (counters, histograms), else a table.
// A per-CPU map shows each entry's sum over the CPUs, with each CPU's value beside it in the table.
// Entries of the lab's own processes (the agent, marked "lab" by it) are hidden until the learner asks for them:
// a program that counts every process's system calls would otherwise show bpflab itself at the top.
// Enumerator names show with their number ("RULE_PORT (1)"), from the snapshot's "enums".
// A map whose snapshot says its "types" gets an entry form (map-entry-form.js), and each table row Edit (and, for a
// hash, Delete): the running program's map is written, not reloaded.
import { el, formatNamed, formatValue, numericValue } from './format.js';
import { MapEntryForm } from './map-entry-form.js';
import { perCpuValues } from './protocol.js';
import { pageStrings } from './page-strings.js';

const MAX_BARS = 40;
const MAX_ROWS = 500;

/** The entries a learner sees: without the lab's own unless asked for. */
export function visibleEntries(entries, showLab) {
  return showLab ? entries : entries.filter(e => e.lab !== true);
}

export function isHistogramLike(entries) {
  return entries.length > 0 && entries.every(e => numericValue(e.value) !== null);
}

/**
 * Numeric keys (histogram slots, CPU or syscall numbers) and enumerator names keep their numbers' order; otherwise
 * the biggest values first.
 */
export function barsFor(entries, enums) {
  const rows = entries.map(e => ({
    key: e.key, label: formatNamed(e.key, enums), value: numericValue(e.value), cpus: perCpuValues(e), lab: e.lab === true,
    order: numericValue(e.key) ?? (enums && typeof e.key === 'string' && Object.hasOwn(enums, e.key) ? Number(enums[e.key]) : null),
  }));
  if (rows.every(r => r.order !== null)) {
    rows.sort((a, b) => a.order - b.order);
  } else {
    rows.sort((a, b) => b.value - a.value);
  }
  return rows;
}

/** How many CPUs a per-CPU map's entries have values for; 0 when the map is not per-CPU. */
export function cpuCount(entries) {
  return Math.max(0, ...entries.map(e => perCpuValues(e)?.length ?? 0));
}

/** "cpu0: 3, cpu1: 4", for a title. */
function perCpuText(values) {
  return values.map((v, cpu) => `cpu${cpu}: ${formatValue(v)}`).join(', ');
}

export class MapsView {
  /** send(message): sends a client message on the run's socket, true when it went; words(): the page's words now. */
  constructor({ container, badge, send = () => false, words = () => pageStrings('en') }) {
    this.container = container;
    this.badge = badge;
    this.send = send;
    this.words = words;
    this.forms = new Map();     // name → its MapEntryForm, kept across snapshots (what is typed in it stays)
    this.maps = new Map();      // name → the last snapshot message
    this.modes = new Map();     // name → 'chart' | 'table', when the learner chose
    this.cards = new Map();
    this.showLab = false;       // the lab's own entries, hidden until the learner shows them (for every map)
    this.reset();
  }

  reset() {
    this.maps.clear();
    this.cards.clear();
    this.forms.clear();
    this.container.replaceChildren(el('p', { class: 'empty', text: this.words().mapsEmpty }));
    this.badge.textContent = '0';
  }

  /** Says every card again in the page's language now; what is typed in the entry forms stays. */
  relabel() {
    if (this.maps.size === 0) {
      const empty = this.container.querySelector('p.empty');
      if (empty) empty.textContent = this.words().mapsEmpty;
      return;
    }
    for (const form of this.forms.values()) form.relabel();
    for (const [name, snapshot] of this.maps) this.rerender(name, snapshot);
  }

  update(message) {
    const name = String(message.name ?? 'map');
    const entries = Array.isArray(message.entries) ? message.entries : [];
    const enums = message.enums && typeof message.enums === 'object' ? message.enums : null;
    if (this.maps.size === 0) this.container.replaceChildren();
    if (message.types && typeof message.types === 'object' && !this.forms.has(name)) {
      this.forms.set(name, new MapEntryForm(name, message.types, this.send, this.words));
    }
    this.maps.set(name, { entries, enums });
    const card = this.render(name, { entries, enums });
    const old = this.cards.get(name);
    if (old) old.replaceWith(card);
    else this.container.append(card);
    this.cards.set(name, card);
    this.badge.textContent = String(this.maps.size);
  }

  /** The answer to a map write (map_written), shown beside that map's form. */
  written(message) {
    this.forms.get(String(message.map ?? ''))?.answered(message);
  }

  /** Shows or hides the lab's own entries in every map. */
  setShowLab(show) {
    this.showLab = show;
    for (const [name, snapshot] of this.maps) this.rerender(name, snapshot);
  }

  rerender(name, snapshot) {
    const card = this.render(name, snapshot);
    this.cards.get(name).replaceWith(card);
    this.cards.set(name, card);
    return card;
  }

  render(name, { entries: all, enums }) {
    const words = this.words();
    const entries = visibleEntries(all, this.showLab);
    const labCount = all.length - visibleEntries(all, false).length;
    const form = this.forms.get(name);
    const chartable = isHistogramLike(entries);
    const mode = chartable ? (this.modes.get(name) || 'chart') : 'table';
    const toggle = chartable
      ? el('button', {
        type: 'button',
        'aria-label': mode === 'chart' ? words.asTable(name) : words.asChart(name),
        onclick: () => {
          this.modes.set(name, mode === 'chart' ? 'table' : 'chart');
          this.rerender(name, this.maps.get(name)).querySelector('header button:last-child')?.focus();
        },
      }, mode === 'chart' ? words.table : words.chart)
      : null;
    const labToggle = labCount > 0
      ? el('button', {
        type: 'button',
        class: 'ghost lab-toggle',
        'aria-pressed': String(this.showLab),
        title: words.ownEntriesTitle,
        onclick: () => {
          this.setShowLab(!this.showLab);
          this.cards.get(name)?.querySelector('.lab-toggle')?.focus();
        },
      }, this.showLab ? words.hideOwn(labCount) : words.showOwn(labCount))
      : null;
    const cpus = cpuCount(entries);
    const header = el('header', {},
      el('h3', { text: name }),
      el('span', { class: 'muted', text: words.entries(entries.length) }),
      cpus ? el('span', { class: 'muted per-cpu-note', text: words.perCpu(cpus, chartable) }) : null,
      el('span', { class: 'spacer' }),
      labToggle,
      toggle);
    const body = mode === 'chart' ? this.chart(entries, enums, words) : this.table(entries, enums, form, words);
    if (form) body.push(form.element); // moved into the new card: what the learner typed stays
    if (labCount > 0 && !this.showLab) {
      body.push(el('p', { class: 'more lab-note', text: words.ownEntriesHidden(labCount) }));
    }
    return el('section', { class: 'map-card', 'data-map': name, 'aria-label': words.mapLabel(name) }, header, ...body);
  }

  chart(entries, enums, words) {
    const rows = barsFor(entries, enums);
    const shown = rows.length > MAX_BARS && rows[0].order === null ? rows.slice(0, MAX_BARS) : rows.slice(0, 256);
    const max = Math.max(1, ...shown.map(r => r.value));
    const cells = [];
    for (const r of shown) {
      const pct = Math.max(0, (r.value / max) * 100);
      cells.push(
        el('span', { class: r.lab ? 'key lab' : 'key', title: r.lab ? `${r.label}: ${words.own}` : r.label, text: r.label }),
        el('span', { class: 'track' }, el('span', { class: 'bar', style: `width:${pct.toFixed(2)}%;display:block` })),
        el('span', { class: 'value', title: r.cpus ? perCpuText(r.cpus) : null, text: r.value.toLocaleString() }));
    }
    const out = [el('div', { class: 'bars', role: 'img', 'aria-label': words.barChart(entries.length) }, ...cells)];
    if (rows.some(r => r.cpus)) out.push(el('p', { class: 'more', text: words.barsPerCpu }));
    if (shown.length < rows.length) out.push(el('p', { class: 'more', text: words.smallerHidden(rows.length - shown.length) }));
    return out;
  }

  table(entries, enums, form, words) {
    const perCpu = cpuCount(entries) > 0;
    const actions = e => el('td', { class: 'map-row-actions' },
      el('button', { type: 'button', class: 'ghost map-edit', text: words.edit, onclick: () => form.edit(e) }),
      form.hash ? el('button', { type: 'button', class: 'ghost map-delete', text: words.delete, onclick: () => form.remove(e) }) : null);
    const rows = entries.slice(0, MAX_ROWS).map(e => el('tr', { class: e.lab === true ? 'lab' : null },
      el('td', { text: formatNamed(e.key, enums), title: e.lab === true ? words.own : null }),
      el('td', { class: numericValue(e.value) !== null ? 'num' : null, text: formatNamed(e.value, enums) }),
      perCpu ? el('td', { class: 'per-cpu' }, ...(perCpuValues(e) ?? []).map((v, cpu) => el('span', { class: 'cpu' },
        el('span', { class: 'muted', text: `cpu${cpu}` }), ` ${formatValue(v)}`))) : null,
      form ? actions(e) : null));
    const table = el('table', { class: 'data-table' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: words.key }),
        el('th', { scope: 'col', text: perCpu ? words.sum : words.value }),
        perCpu ? el('th', { scope: 'col', text: words.perCpuColumn }) : null,
        form ? el('th', { scope: 'col', text: '' }) : null)),
      el('tbody', {}, ...rows));
    const out = [table];
    if (entries.length === 0) out.push(el('p', { class: 'more', text: words.empty }));
    if (entries.length > MAX_ROWS) out.push(el('p', { class: 'more', text: words.moreEntries(entries.length - MAX_ROWS) }));
    return out;
  }
}
