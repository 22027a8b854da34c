// The "Add entry" form of a hash or array map in the Maps tab: inputs typed from the map's key and value types (the
// snapshot's "types", see docs/run-contract.md "map"), Write and Delete, and the answer beside them. Writes go to the
// running program through /ws/run (map_update, map_delete); nothing is reloaded. What the page can check (a whole
// number, a string's length) is said before sending; the agent checks everything again against the map's BTF.
// Its words come from page-strings.js in the page's language (relabel() after a switch keeps what is typed).
import { el } from './format.js';
import { mapDeleteMessage, mapUpdateMessage } from './protocol.js';
import { pageStrings } from './page-strings.js';

const HASH_KINDS = new Set(['hash', 'lru_hash', 'percpu_hash', 'lru_percpu_hash']);

/**
 * An input for one type description; read() gives its JSON value or throws an Error saying what to fix, relabel()
 * says its words again. label(words) names it; words() gives the page's words now.
 */
function field(shape, path, label, words) {
  const kind = shape?.kind;
  const name = el('span', { class: 'muted', text: label(words()) });
  const labelled = input => el('label', { class: 'map-field' }, name, input);
  const relabelName = () => { name.textContent = label(words()); };
  if (kind === 'int') {
    const input = el('input', { type: 'text', inputmode: 'numeric', 'data-path': path, size: 8,
      placeholder: `${shape.signed ? 's' : 'u'}${shape.size * 8}` });
    return {
      element: labelled(input),
      read() {
        const text = input.value.trim();
        if (!/^-?\d+$/.test(text)) throw new Error(words().wholeNumber(path));
        const n = Number(text);
        if (!Number.isSafeInteger(n)) throw new Error(words().tooLargeToSend(path, text));
        return n;
      },
      fill(v) { input.value = v === undefined ? '' : String(v); },
      relabel: relabelName,
    };
  }
  if (kind === 'bool' || kind === 'enum') {
    const names = kind === 'bool' ? ['true', 'false'] : Object.keys(shape.names || {});
    const select = el('select', { 'data-path': path }, ...names.map(n => el('option', { value: n, text: n })));
    return {
      element: labelled(select),
      read: () => (kind === 'bool' ? select.value === 'true' : select.value),
      fill(v) { if (v !== undefined) select.value = String(v); },
      relabel: relabelName,
    };
  }
  if (kind === 'chars') {
    const input = el('input', { type: 'text', 'data-path': path, size: 12, placeholder: words().upToBytes(shape.size - 1) });
    return {
      element: labelled(input),
      read() {
        const bytes = new TextEncoder().encode(input.value).length;
        if (bytes > shape.size - 1) throw new Error(words().atMostBytes(path, shape.size - 1, bytes));
        return input.value;
      },
      fill(v) { input.value = v === undefined ? '' : String(v); },
      relabel() {
        relabelName();
        input.placeholder = words().upToBytes(shape.size - 1);
      },
    };
  }
  if (kind === 'struct' && Array.isArray(shape.fields)) {
    const parts = shape.fields.map(f => ({ name: f.name, ...field(f.type, `${path}.${f.name}`, () => f.name, words) }));
    const legend = el('legend', { text: label(words()) });
    return {
      element: el('fieldset', { class: 'map-struct' }, legend, ...parts.map(p => p.element)),
      read: () => Object.fromEntries(parts.map(p => [p.name, p.read()])),
      fill(v) { for (const p of parts) p.fill(v && typeof v === 'object' ? v[p.name] : undefined); },
      relabel() {
        legend.textContent = label(words());
        for (const p of parts) p.relabel();
      },
    };
  }
  // Arrays (and anything the page has no input for) are typed as JSON; the agent says what is wrong.
  const placeholder = () => (kind === 'unsupported' ? words().notWritable(shape.why) : words().jsonExample);
  const input = el('input', { type: 'text', 'data-path': path, size: 16, placeholder: placeholder(),
    disabled: kind === 'unsupported' });
  return {
    element: labelled(input),
    read() {
      try {
        return JSON.parse(input.value);
      } catch {
        throw new Error(words().typeJson(path));
      }
    },
    fill(v) { input.value = v === undefined ? '' : JSON.stringify(v); },
    relabel() {
      relabelName();
      input.placeholder = placeholder();
    },
  };
}

export class MapEntryForm {
  /**
   * name: the map; types: its snapshot's "types"; send(message): true when it went to the server; words(): the page's
   * words (page-strings.js) in its language now.
   */
  constructor(name, types, send, words = () => pageStrings('en')) {
    this.name = name;
    this.words = words;
    this.hash = HASH_KINDS.has(types.kind);
    this.key = field(types.key, 'key', w => w.key, words);
    this.value = field(types.value, 'value', w => w.value, words);
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
      if (!send(built)) this.show(false, words().notRunning);
      else this.result.textContent = words().writing;
    };
    this.heading = el('span', { class: 'muted' });
    this.writeButton = el('button', { type: 'submit', class: 'map-write-button' });
    this.deleteButton = this.hash ? el('button', { type: 'button', class: 'ghost map-delete-button',
      onclick: () => submit(() => mapDeleteMessage(name, this.key.read())) }) : null;
    this.element = el('form', {
      class: 'map-write', 'data-map': name,
      onsubmit: e => {
        e.preventDefault();
        submit(() => mapUpdateMessage(name, this.key.read(), this.value.read()));
      },
    },
    this.heading, this.key.element, this.value.element, this.writeButton, this.deleteButton, this.result);
    this.submit = submit;
    this.relabel();
  }

  /** Says the form's words again in the page's language now; what is typed stays. */
  relabel() {
    const words = this.words();
    this.element.setAttribute('aria-label', words.entryForm(this.name));
    this.heading.textContent = words.addEntry;
    this.writeButton.textContent = words.write;
    if (this.deleteButton) this.deleteButton.textContent = words.delete;
    this.key.relabel();
    this.value.relabel();
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
