// Map snapshots: a card per map, a bar chart when the values are numbers (counters, histograms), else a table.
// A per-CPU map shows each entry's sum over the CPUs, with each CPU's value beside it in the table.
import { el, formatValue, numericValue } from './format.js';
import { perCpuValues } from './protocol.js';

const MAX_BARS = 40;
const MAX_ROWS = 500;

export function isHistogramLike(entries) {
  return entries.length > 0 && entries.every(e => numericValue(e.value) !== null);
}

/** Numeric keys (histogram slots, CPU or syscall numbers) keep their order; otherwise the biggest values first. */
export function barsFor(entries) {
  const rows = entries.map(e => ({ key: e.key, label: formatValue(e.key), value: numericValue(e.value), cpus: perCpuValues(e) }));
  if (rows.every(r => numericValue(r.key) !== null)) {
    rows.sort((a, b) => numericValue(a.key) - numericValue(b.key));
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
  constructor({ container, badge }) {
    this.container = container;
    this.badge = badge;
    this.maps = new Map();      // name → entries
    this.modes = new Map();     // name → 'chart' | 'table', when the learner chose
    this.cards = new Map();
    this.reset();
  }

  reset() {
    this.maps.clear();
    this.cards.clear();
    this.container.replaceChildren(el('p', { class: 'empty', text: 'Hash and array maps appear here while the program runs.' }));
    this.badge.textContent = '0';
  }

  update(message) {
    const name = String(message.name ?? 'map');
    const entries = Array.isArray(message.entries) ? message.entries : [];
    if (this.maps.size === 0) this.container.replaceChildren();
    this.maps.set(name, entries);
    const card = this.render(name, entries);
    const old = this.cards.get(name);
    if (old) old.replaceWith(card);
    else this.container.append(card);
    this.cards.set(name, card);
    this.badge.textContent = String(this.maps.size);
  }

  render(name, entries) {
    const chartable = isHistogramLike(entries);
    const mode = chartable ? (this.modes.get(name) || 'chart') : 'table';
    const toggle = chartable
      ? el('button', {
        type: 'button',
        'aria-label': mode === 'chart' ? `Show ${name} as a table` : `Show ${name} as a bar chart`,
        onclick: () => {
          this.modes.set(name, mode === 'chart' ? 'table' : 'chart');
          const card = this.render(name, this.maps.get(name));
          this.cards.get(name).replaceWith(card);
          this.cards.set(name, card);
          card.querySelector('header button')?.focus();
        },
      }, mode === 'chart' ? 'Table' : 'Chart')
      : null;
    const cpus = cpuCount(entries);
    const header = el('header', {},
      el('h3', { text: name }),
      el('span', { class: 'muted', text: `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}` }),
      cpus ? el('span', { class: 'muted per-cpu-note', text: `per CPU (${cpus}): ${chartable ? 'sums shown' : 'each CPU shown'}` }) : null,
      el('span', { class: 'spacer' }),
      toggle);
    const body = mode === 'chart' ? this.chart(entries) : this.table(entries);
    return el('section', { class: 'map-card', 'data-map': name, 'aria-label': `map ${name}` }, header, ...body);
  }

  chart(entries) {
    const rows = barsFor(entries);
    const shown = rows.length > MAX_BARS && numericValue(rows[0].key) === null ? rows.slice(0, MAX_BARS) : rows.slice(0, 256);
    const max = Math.max(1, ...shown.map(r => r.value));
    const cells = [];
    for (const r of shown) {
      const pct = Math.max(0, (r.value / max) * 100);
      cells.push(
        el('span', { class: 'key', title: r.label, text: r.label }),
        el('span', { class: 'track' }, el('span', { class: 'bar', style: `width:${pct.toFixed(2)}%;display:block` })),
        el('span', { class: 'value', title: r.cpus ? perCpuText(r.cpus) : null, text: r.value.toLocaleString() }));
    }
    const out = [el('div', { class: 'bars', role: 'img', 'aria-label': `bar chart of ${entries.length} values` }, ...cells)];
    if (rows.some(r => r.cpus)) out.push(el('p', { class: 'more', text: 'Each bar is the sum over the CPUs; the table shows each CPU\u2019s value.' }));
    if (shown.length < rows.length) out.push(el('p', { class: 'more', text: `${rows.length - shown.length} smaller values not shown` }));
    return out;
  }

  table(entries) {
    const perCpu = cpuCount(entries) > 0;
    const rows = entries.slice(0, MAX_ROWS).map(e => el('tr', {},
      el('td', { text: formatValue(e.key) }),
      el('td', { class: numericValue(e.value) !== null ? 'num' : null, text: formatValue(e.value) }),
      perCpu ? el('td', { class: 'per-cpu' }, ...(perCpuValues(e) ?? []).map((v, cpu) => el('span', { class: 'cpu' },
        el('span', { class: 'muted', text: `cpu${cpu}` }), ` ${formatValue(v)}`))) : null));
    const table = el('table', { class: 'data-table' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'key' }),
        el('th', { scope: 'col', text: perCpu ? 'sum' : 'value' }),
        perCpu ? el('th', { scope: 'col', text: 'per CPU' }) : null)),
      el('tbody', {}, ...rows));
    const out = [table];
    if (entries.length === 0) out.push(el('p', { class: 'more', text: 'empty' }));
    if (entries.length > MAX_ROWS) out.push(el('p', { class: 'more', text: `${entries.length - MAX_ROWS} more entries not shown` }));
    return out;
  }
}
