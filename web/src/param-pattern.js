// A template parameter's pattern (a java.util.regex the server matches the whole value against) as an HTML
// `pattern` attribute. Chromium compiles that attribute as new RegExp(`^(?:${pattern})$`, 'v'), and the `v` flag
// is stricter inside character classes than Java: `( ) [ ] { } / - \ |` must be escaped there and a punctuator may
// not be doubled (`[A-Za-z0-9._+-]` is a syntax error). An attribute that does not compile is a console error and
// turns the browser's check off silently, so a pattern that cannot be carried over is left out: the server checks
// every value anyway. This module imports nothing, so that a test can load it with plain node.

const CLASS_SYNTAX = new Set(['(', ')', '[', ']', '{', '}', '/', '-', '\\', '|']);

/** The flags the browser compiles a pattern attribute with: `v` where it exists, `u` in older engines. */
export const PATTERN_FLAGS = Object.prototype.hasOwnProperty.call(RegExp.prototype, 'unicodeSets') ? 'v' : 'u';

/** Whether `pattern` compiles as the browser compiles a pattern attribute. */
export function compilesAsAttribute(pattern) {
  try {
    new RegExp(`^(?:${pattern})$`, PATTERN_FLAGS);
    return true;
  } catch {
    return false;
  }
}

/** One member of a class written for the `v` flag: class syntax characters escaped, everything else as it was. */
function classMember(member) {
  return member.length === 1 && CLASS_SYNTAX.has(member) ? `\\${member}` : member;
}

/**
 * A character class of `pattern` starting at `start` (its `[`), rewritten for the `v` flag; returns {text, end}
 * (end: the index after its `]`), or null for what Java means differently (nested classes, `&&` intersections) or
 * an unclosed class.
 */
function rewriteClass(pattern, start) {
  let i = start + 1;
  let text = '[';
  if (pattern[i] === '^') {
    text += '^';
    i++;
  }
  const members = [];
  while (i < pattern.length && pattern[i] !== ']') {
    if (pattern[i] === '[') return null;
    const width = pattern[i] === '\\' ? 2 : 1;
    members.push(pattern.slice(i, i + width));
    i += width;
  }
  if (i >= pattern.length) return null;
  let previous = null;
  for (let k = 0; k < members.length; k++) {
    const member = members[k];
    if (member === '&' && members[k + 1] === '&') return null; // Java's intersection
    if (members[k + 1] === '-' && k + 2 < members.length) {
      text += `${classMember(member)}-${classMember(members[k + 2])}`; // a range
      previous = null;
      k += 2;
    } else if (member !== previous) { // a repeated character adds nothing, and `v` refuses some doubled ones
      text += classMember(member);
      previous = member;
    }
  }
  return { text: `${text}]`, end: i + 1 };
}

/**
 * `pattern` (Java regex syntax, matched against the whole value) as an HTML pattern attribute that compiles in this
 * browser and accepts the same values; null when there is none to give.
 */
export function htmlPattern(pattern) {
  if (typeof pattern !== 'string' || pattern === '') return null;
  let text = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      // Java lets any punctuation be escaped; outside classes `v` only allows syntax characters and `/`.
      text += /[A-Za-z0-9^$\\.*+?()[\]{}|/]/.test(next) ? `\\${next}` : next;
      i += 2;
    } else if (c === '[') {
      const rewritten = rewriteClass(pattern, i);
      if (!rewritten) return null;
      text += rewritten.text;
      i = rewritten.end;
    } else {
      text += c;
      i++;
    }
  }
  return compilesAsAttribute(text) ? text : null;
}
