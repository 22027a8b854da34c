// Small helpers for showing decoded kernel values.
export function formatValue(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'object') {
    return Object.entries(value).map(([k, v]) => `${k}=${formatValue(v)}`).join(' ');
  }
  return String(value);
}

/** A decoded key or value as text, each enumerator name in it followed by its number: "RULE_PORT (1)". */
export function formatNamed(value, enums) {
  if (!enums || typeof enums !== 'object') return formatValue(value);
  const named = v => (typeof v === 'string' && Object.hasOwn(enums, v) ? `${v} (${enums[v]})` : v);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return formatValue(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, named(v)])));
  }
  return formatValue(named(value));
}

/** A number, or a numeric string (u64 values may arrive as strings), or an object holding exactly one of those. */
export function numericValue(value) {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.values(value);
    if (entries.length === 1) return numericValue(entries[0]);
  }
  return null;
}

export function clockTime(date = new Date()) {
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
