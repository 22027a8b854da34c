// The template picker over GET /api/templates, with a form for the chosen template's parameters;
// POST /api/templates/{id}/render puts the rendered C into the editor.
import { api } from './api.js';
import { el } from './format.js';

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

export class TemplatePicker {
  constructor({ select, form, title, description, fields, error, onSource, onPick, onError }) {
    Object.assign(this, { select, form, titleEl: title, descriptionEl: description, fieldsEl: fields, errorEl: error, onSource, onPick, onError });
    this.templates = [];
    this.current = null;
    select.addEventListener('change', () => {
      if (select.value) this.pick(select.value);
      else this.clear();
    });
    form.addEventListener('submit', e => {
      e.preventDefault();
      this.apply();
    });
  }

  async load() {
    try {
      const list = await api('/api/templates');
      this.templates = Array.isArray(list) ? list : [];
    } catch (e) {
      this.templates = [];
      this.select.title = `Templates unavailable: ${e.message}`;
      return;
    }
    const groups = new Map();
    for (const t of this.templates) {
      const category = localized(t.category) || 'Other';
      if (!groups.has(category)) groups.set(category, []);
      groups.get(category).push(t);
    }
    const options = [el('option', { value: '', text: 'Templates…' })];
    for (const [category, list] of groups) {
      options.push(el('optgroup', { label: category },
        ...list.map(t => el('option', { value: t.id, title: localized(t.description), text: localized(t.title) || t.id }))));
    }
    this.select.replaceChildren(...options);
  }

  byId(id) {
    return this.templates.find(t => t.id === id) || null;
  }

  clear() {
    this.current = null;
    this.select.value = '';
    this.form.hidden = true;
    this.onPick?.(null);
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
      this.onError?.(`There is no template '${id}' (any more).`);
      this.clear();
      return;
    }
    this.current = template;
    this.select.value = id;
    this.buildForm(template, params ?? this.defaults(template));
    this.onPick?.(template);
    await this.render();
  }

  /** Shows a template's form without rendering: used when a share link brings its own source. */
  restore(id, params) {
    const template = this.byId(id);
    if (!template) return;
    this.current = template;
    this.select.value = id;
    this.buildForm(template, params || this.defaults(template));
    this.onPick?.(template);
  }

  buildForm(template, values) {
    this.titleEl.textContent = localized(template.title) || template.id;
    this.descriptionEl.textContent = localized(template.description);
    this.descriptionEl.title = localized(template.description);
    this.errorEl.textContent = '';
    const params = template.params || [];
    this.fieldsEl.replaceChildren(...params.map(p => this.field(p, values[p.name])));
    this.fieldsEl.hidden = params.length === 0;
    this.form.querySelector('button[type="submit"]').hidden = params.length === 0;
    this.form.hidden = false;
  }

  field(param, value) {
    const id = `param-${param.name}`;
    const kind = paramKind(param);
    const help = localized(param.description);
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
        pattern: kind === 'string' ? param.pattern : null,
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

  async apply() {
    if (!this.form.reportValidity()) return;
    await this.render();
  }

  async render() {
    if (!this.current) return;
    const id = this.current.id;
    this.errorEl.textContent = '';
    try {
      const result = await api(`/api/templates/${encodeURIComponent(id)}/render`, { method: 'POST', body: { params: this.values() } });
      if (this.current?.id !== id) return;
      this.onSource(result.source, this.current);
    } catch (e) {
      this.errorEl.textContent = e.message;
    }
  }
}
