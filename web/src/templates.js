// The template picker over GET /api/templates, with a form for the chosen template's parameters;
// POST /api/templates/{id}/render puts the rendered C into the editor. It remembers which parameters the editor's
// rendering was made with, so that values typed and not applied are never mistaken for applied ones.
import { api } from './api.js';
import { el } from './format.js';
import { htmlPattern } from './param-pattern.js';
import { pageStrings } from './page-strings.js';

/** Titles and descriptions may come as plain strings or per language ({"en": …, "es": …}). */
export function localized(value, lang = 'en') {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return value[lang] ?? value.en ?? Object.values(value)[0] ?? '';
  return String(value);
}

export function paramKind(param) {
  const type = String(param.type || 'string').toLowerCase();
  const choices = param.allowed ?? param.options ?? param.values ?? param.enum ?? param.choices;
  if (Array.isArray(choices) && choices.length) return 'choice';
  if (/bool/.test(type)) return 'boolean';
  if (/int|u8|u16|u32|u64|s32|s64|long|number|port|uint/.test(type)) return 'number';
  return 'string';
}

function choicesOf(param) {
  return param.allowed ?? param.options ?? param.values ?? param.enum ?? param.choices;
}

/** Whether two parameter sets ({name: value}) say the same, compared as the form shows them (text). */
export function sameValues(a, b) {
  const shown = v => (v === null || v === undefined ? '' : String(v));
  const names = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...names].every(name => shown(a?.[name]) === shown(b?.[name]));
}

/** The parameters of `values` that differ from `applied`, as "name=value, …" (for telling what is not applied). */
export function changedValues(values, applied) {
  return Object.keys(values ?? {}).filter(name => !sameValues({ v: values[name] }, { v: applied?.[name] }))
    .map(name => `${name}=${values[name] === '' ? '""' : values[name]}`).join(', ');
}

export class TemplatePicker {
  /**
   * onSource(source, template, before) puts a rendering in the editor; `before` is state() as it was before the
   * pick or apply that made it (to bring back with restoreState). onPending(pending) hears whether the form holds
   * values the editor's code was not rendered with. lang(): the page's language, 'es' or 'en': titles, descriptions
   * and the picker's own words follow it (relabel() after a switch).
   */
  constructor({ select, form, title, description, fields, error, onSource, onPick, onError, onPending, lang = () => 'en' }) {
    Object.assign(this, { select, form, titleEl: title, descriptionEl: description, fieldsEl: fields, errorEl: error, onSource, onPick, onError, onPending, lang });
    this.templates = [];
    this.current = null;
    this.applied = null; // the values the editor's rendering of `current` was made with
    select.addEventListener('change', () => {
      if (select.value) this.pick(select.value);
      else this.clear();
    });
    form.addEventListener('submit', e => {
      e.preventDefault();
      this.apply();
    });
    form.addEventListener('input', () => this.pendingChanged());
    form.addEventListener('change', () => this.pendingChanged());
  }

  async load() {
    try {
      const list = await api('/api/templates');
      this.templates = Array.isArray(list) ? list : [];
    } catch (e) {
      this.templates = [];
      this.unavailable = e.message;
      this.select.title = pageStrings(this.lang()).templatesUnavailable(e.message);
      return;
    }
    this.fillSelect();
  }

  /** The select's options, grouped by category, in the page's language; the picked one stays picked. */
  fillSelect() {
    const lang = this.lang();
    const groups = new Map();
    for (const t of this.templates) {
      const category = localized(t.category, lang) || pageStrings(lang).templatesOther;
      if (!groups.has(category)) groups.set(category, []);
      groups.get(category).push(t);
    }
    const options = [el('option', { value: '', text: pageStrings(lang).templatesOption })];
    for (const [category, list] of groups) {
      options.push(el('optgroup', { label: category },
        ...list.map(t => el('option', { value: t.id, title: localized(t.description, lang), text: localized(t.title, lang) || t.id }))));
    }
    this.select.replaceChildren(...options);
    this.select.value = this.current?.id ?? '';
  }

  /**
   * Says everything again in the page's language now: the options, and the form's title, description and help
   * (what is typed in the form stays, applied or not).
   */
  relabel() {
    const words = pageStrings(this.lang());
    if (this.unavailable) this.select.title = words.templatesUnavailable(this.unavailable);
    else this.select.title = words.startFromTemplate;
    this.fillSelect();
    if (this.current) {
      const focused = document.activeElement?.id;
      this.buildForm(this.current, this.values(), { keepError: true });
      if (focused) document.getElementById(focused)?.focus();
      this.pendingChanged();
    }
  }

  byId(id) {
    return this.templates.find(t => t.id === id) || null;
  }

  clear() {
    this.current = null;
    this.applied = null;
    this.select.value = '';
    this.form.hidden = true;
    this.onPick?.(null);
    this.pendingChanged();
  }

  /** Which template is picked and the values its rendering was made with: {id, applied}, id null for none. */
  state() {
    return { id: this.current?.id ?? null, applied: this.applied ? { ...this.applied } : null };
  }

  /** Brings back a state() without rendering: the editor's text comes back with it. */
  restoreState(state) {
    if (state?.id && this.byId(state.id)) this.restore(state.id, state.applied ?? undefined);
    else this.clear();
  }

  /** The values the editor's rendering was made with (null when no template is picked). */
  appliedValues() {
    return this.applied ? { ...this.applied } : null;
  }

  /** Whether the form holds values that were typed and not applied. */
  pending() {
    return this.current !== null && !sameValues(this.values(), this.applied);
  }

  pendingChanged() {
    const pending = this.pending();
    this.form.dataset.pending = String(pending);
    this.onPending?.(pending);
  }

  defaults(template) {
    const values = {};
    for (const p of template.params || []) {
      if (p.default !== undefined) values[p.name] = p.default;
    }
    return values;
  }

  /** Picks a template, fills its form and renders it into the editor (with the given or default parameters). */
  async pick(id, params) {
    const template = this.byId(id);
    if (!template) {
      this.onError?.(words => words.noTemplate(id));
      this.clear();
      return;
    }
    const before = this.state();
    this.current = template;
    this.applied = null; // nothing of this template is in the editor until its rendering arrives
    this.select.value = id;
    this.buildForm(template, params ?? this.defaults(template));
    this.onPick?.(template);
    await this.render(before);
  }

  /** Shows a template's form without rendering: used when a share link brings its own source. */
  restore(id, params) {
    const template = this.byId(id);
    if (!template) return;
    this.current = template;
    this.select.value = id;
    this.buildForm(template, params || this.defaults(template));
    this.applied = this.values();
    this.onPick?.(template);
    this.pendingChanged();
  }

  buildForm(template, values, { keepError = false } = {}) {
    const lang = this.lang();
    this.titleEl.textContent = localized(template.title, lang) || template.id;
    this.descriptionEl.textContent = localized(template.description, lang);
    this.descriptionEl.title = localized(template.description, lang);
    if (!keepError) this.errorEl.textContent = '';
    const params = template.params || [];
    this.fieldsEl.replaceChildren(...params.map(p => this.field(p, values[p.name])));
    this.fieldsEl.hidden = params.length === 0;
    this.form.querySelector('button[type="submit"]').hidden = params.length === 0;
    this.form.hidden = false;
  }

  field(param, value) {
    const id = `param-${param.name}`;
    const kind = paramKind(param);
    const help = localized(param.description, this.lang());
    const pattern = kind === 'string' ? htmlPattern(param.pattern) : null;
    const describedBy = help ? `${id}-help` : null;
    let input;
    if (kind === 'boolean') {
      input = el('input', { type: 'checkbox', id, name: param.name, 'aria-describedby': describedBy });
      input.checked = value === true || value === 'true';
    } else if (kind === 'choice') {
      input = el('select', { id, name: param.name, 'aria-describedby': describedBy },
        ...choicesOf(param).map(c => el('option', { value: String(c), text: String(c) })));
      input.value = value === undefined ? '' : String(value);
    } else {
      input = el('input', {
        type: kind === 'number' ? 'number' : 'text',
        id,
        name: param.name,
        // For numbers min/max bound the value; for strings the metadata's min/max bound the length.
        min: kind === 'number' ? param.min ?? param.range?.min : null,
        max: kind === 'number' ? param.max ?? param.range?.max : null,
        minlength: kind === 'string' ? param.min : null,
        maxlength: kind === 'string' ? param.max : null,
        pattern,
        title: help || null, // a value the pattern refuses is reported with this text
        'aria-describedby': describedBy,
        spellcheck: 'false',
      });
      input.value = value === undefined || value === null ? '' : String(value);
    }
    input.dataset.kind = kind;
    const label = el('label', { for: id, text: param.name });
    const small = help ? el('small', { id: `${id}-help`, text: help }) : null;
    if (kind === 'boolean') return el('div', { class: 'field checkbox' }, input, label, small);
    return el('div', { class: 'field' }, label, input, small);
  }

  values() {
    const values = {};
    for (const input of this.fieldsEl.querySelectorAll('input, select')) {
      const kind = input.dataset.kind;
      if (kind === 'boolean') values[input.name] = input.checked;
      else if (kind === 'number') values[input.name] = input.value.trim() === '' ? null : Number(input.value);
      else values[input.name] = input.value;
    }
    return values;
  }

  /** Renders the form's values into the editor; resolves whether it did (false: a value is refused, the form says why). */
  async apply() {
    if (!this.form.reportValidity()) return false;
    return this.render(this.state());
  }

  async render(before) {
    if (!this.current) return false;
    const id = this.current.id;
    const values = this.values();
    this.errorEl.textContent = '';
    try {
      const result = await api(`/api/templates/${encodeURIComponent(id)}/render`, { method: 'POST', body: { params: values } });
      if (this.current?.id !== id) return false;
      this.applied = values;
      this.onSource(result.source, this.current, before);
      return true;
    } catch (e) {
      this.errorEl.textContent = e.message;
      return false;
    } finally {
      this.pendingChanged();
    }
  }
}
