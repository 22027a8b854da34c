// The lab page's one language, Spanish or English: the header's ES | EN switch and the lesson pane's select both set
// it here, and everything that shows words listens for the `bpflab:lang` window event (detail: the new language) and
// says them again. Kept in localStorage ("bpflab.lang"); the first default is the lessons' saved choice from before
// the switch existed, else the browser's language. It imports nothing, so that a test can load it with plain node.

export const LANGS = Object.freeze(['es', 'en']);
export const LANG_EVENT = 'bpflab:lang';
const KEY = 'bpflab.lang';
const LESSONS_KEY = 'bpflab.lessons'; // the lesson pane kept the language in its own record until the switch

/** 'es' when the browser prefers Spanish (any region), else 'en'. */
export function browserLang(language = globalThis.navigator?.language) {
  return /^es\b/i.test(language ?? '') ? 'es' : 'en';
}

function savedLang() {
  try {
    const saved = localStorage.getItem(KEY);
    if (LANGS.includes(saved)) return saved;
    const lessons = JSON.parse(localStorage.getItem(LESSONS_KEY) ?? '{}');
    if (LANGS.includes(lessons?.lang)) return lessons.lang;
  } catch { /* storage blocked or unreadable: the browser's language */ }
  return null;
}

let current = null;

/** The page's language now, 'es' or 'en'. */
export function pageLang() {
  if (current === null) current = savedLang() ?? browserLang();
  return current;
}

/** Switches the whole page to `lang` (ignored unless 'es' or 'en'), keeps it, and tells every listener once. */
export function setPageLang(lang) {
  if (!LANGS.includes(lang) || lang === pageLang()) return;
  current = lang;
  try {
    localStorage.setItem(KEY, lang);
  } catch { /* the choice lasts as long as this page */ }
  if (globalThis.document) document.documentElement.lang = lang;
  globalThis.dispatchEvent?.(new CustomEvent(LANG_EVENT, { detail: lang }));
}

/** Calls listener(lang) after every switch; returns a function that stops it. */
export function onLangChange(listener) {
  const handler = e => listener(e.detail);
  globalThis.addEventListener(LANG_EVENT, handler);
  return () => globalThis.removeEventListener(LANG_EVENT, handler);
}
