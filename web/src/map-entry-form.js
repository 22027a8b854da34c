// The "Add entry" form of a hash or array map in the Maps tab: inputs typed from the map's key and value types (the
// snapshot's "types", see docs/run-contract.md "map"), Write and Delete, and the answer beside them. Writes go to the
// running program through /ws/run (map_update, map_delete); nothing is reloaded. What the page can check (a whole
// number, a string's length) is said before sending; the agent checks everything again against the map's BTF.
import { el } from './format.js';
import { mapDeleteMessage, mapUpdateMessage } from './protocol.js';

const HASH_KINDS = new Set(['hash', 'lru_hash', 'percpu_hash', 'lru_percpu_hash']);

/** An input for one type description; read() gives its JSON value or throws an Error saying what to fix. */
function field(shape, path, label) {
  const kind = shape?.kind;
  const labelled = input => el('label', { class: 'map-field' }, el('span', { class: 'muted', text: label }), input);
  if (kind === 'int') {
    const input = el('input', { type: 'text', inputmode: 'numeric', 'data-path': path, size: 8,
      placeholder: `${shape.signed ? 's' : 'u'}${shape.size * 8}` });
    return {
      element: labelled(input),
      read() {
        const text = input.value.trim();
        if (!/^-?\d+$/.test(text)) throw new Error(`${path}: type a whole number`);
        const n = Number(text);
        if (!Number.isSafeInteger(n)) throw new Error(`${path}: ${text} is too large for the page to send exactly`);
        return n;
      },
      fill(v) { input.value = v === undefined ? '' : String(v); },
    };
  }
  if (kind === 'bool' || kind === 'enum') {
    const names = kind === 'bool' ? ['true', 'false'] : Object.keys(shape.names || {});
    const select = el('select', { 'data-path': path }, ...names.map(n => el('option', { value: n, text: n })));
    return {
      element: labelled(select),
      read: () => (kind === 'bool' ? select.value === 'true' : select.value),
      fill(v) { if (v !== undefined) select.value = String(v); },
    };
  }
  if (kind === 'chars') {
    const input = el('input', { type: 'text', 'data-path': path, size: 12, placeholder: `up to ${shape.size - 1} bytes` });
    return {
      element: labelled(input),
      read() {
        const bytes = new TextEncoder().encode(input.value).length;
        if (bytes > shape.size - 1) throw new Error(`${path}: at most ${shape.size - 1} bytes, was ${bytes}`);
        return input.value;
      },
      fill(v) { input.value = v === undefined ? '' : String(v); },
    };
  }
  if (kind === 'struct' && Array.isArray(shape.fields)) {
    const parts = shape.fields.map(f => ({ name: f.name, ...field(f.type, `${path}.${f.name}`, f.name) }));
    return {
      element: el('fieldset', { class: 'map-struct' }, el('legend', { text: label }), ...parts.map(p => p.element)),
      read: () => Object.fromEntries(parts.map(p => [p.name, p.read()])),
      fill(v) { for (const p of parts) p.fill(v && typeof v === 'object' ? v[p.name] : undefined); },
    };
  }
  // Arrays (and anything the page has no input for) are typed as JSON; the agent says what is wrong.
  const input = el('input', { type: 'text', 'data-path': path, size: 16,
    placeholder: kind === 'unsupported' ? `not writable: ${shape.why ?? 'unsupported type'}` : 'JSON, e.g. [1, 2]',
    disabled: kind === 'unsupported' });
  return {
    element: labelled(input),
    read() {
      try {
        return JSON.parse(input.value);
      } catch {
        throw new Error(`${path}: type JSON, e.g. [1, 2]`);
      }
    },
    fill(v) { input.value = v === undefined ? '' : JSON.stringify(v); },
  };
}

export class MapEntryForm {
  /** name: the map; types: its snapshot's "types"; send(message): true when it went to the server. */
  constructor(name, types, send) {
    this.name = name;
    this.hash = HASH_KINDS.has(types.kind);
    this.key = field(types.key, 'key', 'key');
    this.value = field(types.value, 'value', 'value');
    this.result = el('p', { class: 'map-write-result', role: 'status', 'aria-live': 'polite' });
    const submit = (message) => {
      this.show(false, '');
      let built;
      try {
        built = message();
      } catch (e) {
        this.show(false, e.message);
        return;
      }
      if (!send(built)) this.show(false, 'The program is not running: press Run first.');
      else this.result.textContent = 'Writing…';
    };
    this.element = el('form', {
      class: 'map-write', 'data-map': name, 'aria-label': `add or change an entry of ${name}`,
      onsubmit: e => {
        e.preventDefault();
        submit(() => mapUpdateMessage(name, this.key.read(), this.value.read()));
      },
    },
    el('span', { class: 'muted', text: 'Add entry' }),
    this.key.element, this.value.element,
    el('button', { type: 'submit', class: 'map-write-button', text: 'Write' }),
    this.hash ? el('button', { type: 'button', class: 'ghost map-delete-button', text: 'Delete',
      onclick: () => submit(() => mapDeleteMessage(name, this.key.read())) }) : null,
    this.result);
    this.submit = submit;
  }

  /** Puts an entry's key and value in the form, to change it. */
  edit(entry) {
    this.key.fill(entry.key);
    this.value.fill(entry.value);
    this.element.querySelector('[data-path]')?.focus();
  }

  /** Deletes an entry (hash maps only). */
  remove(entry) {
    this.submit(() => mapDeleteMessage(this.name, entry.key));
  }

  /** The server's answer (map_written). */
  answered(message) {
    this.show(message.ok === true, String(message.detail ?? ''));
  }

  show(ok, text) {
    this.result.className = `map-write-result ${text ? (ok ? 'ok' : 'fail') : ''}`;
    this.result.textContent = text ? `${ok ? '✓' : '✗'} ${text}` : '';
  }
}
