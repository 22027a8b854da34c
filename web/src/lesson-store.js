// What the browser remembers of the lessons (localStorage): where the learner is, which checks passed
// ("<lesson id>/<step>", as share links carry them), how many checked steps each lesson has, the step each lesson was
// left at, and one draft of editor text per lesson. The language is the page's (page-lang.js), one for everything.
import { pageLang, setPageLang } from './page-lang.js';

export { browserLang } from './page-lang.js';

const KEY = 'bpflab.lessons';
const DRAFT = 'bpflab.lessons.draft.';
// What a share link accepts (the server refuses the whole share otherwise).
const PASSED_STEP = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\/[0-9]{1,4}$/;
const MAX_SHARED_PROGRESS = 500;

export class LessonStore {
  constructor() {
    let saved = {};
    try {
      saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') ?? {};
    } catch { /* unreadable: start afresh */ }
    this.position = saved.position && typeof saved.position.id === 'string' ? saved.position : null;
    this.passed = new Set((Array.isArray(saved.passed) ? saved.passed : []).filter(p => typeof p === 'string'));
    this.checks = saved.checks && typeof saved.checks === 'object' ? saved.checks : {};
    this.steps = saved.steps && typeof saved.steps === 'object' ? saved.steps : {};
    this.open = saved.open === true;
    this.owns = saved.owns !== false;
  }

  save() {
    try {
      localStorage.setItem(KEY, JSON.stringify({
        position: this.position, passed: [...this.passed], checks: this.checks, steps: this.steps, open: this.open, owns: this.owns,
      }));
    } catch { /* storage full or blocked: progress lasts as long as this page */ }
  }

  /** The page's language, 'es' or 'en'; setting it switches the whole page. */
  get lang() {
    return pageLang();
  }

  set lang(lang) {
    setPageLang(lang);
  }

  /** Where the learner is now; each lesson also remembers its own step for when they come back to it. */
  moveTo(id, step) {
    this.position = { id, step };
    this.steps[id] = step;
    this.save();
  }

  hasPassed(id, step) {
    return this.passed.has(`${id}/${step}`);
  }

  markPassed(id, step) {
    this.passed.add(`${id}/${step}`);
    this.save();
  }

  passedCount(id) {
    let count = 0;
    for (const p of this.passed) if (p.slice(0, p.lastIndexOf('/')) === id) count++;
    return count;
  }

  merge(progress) {
    for (const p of Array.isArray(progress) ? progress : []) {
      if (typeof p === 'string' && PASSED_STEP.test(p)) this.passed.add(p);
    }
    this.save();
  }

  /** The passed checks as a share link carries them, or null when there are none. */
  sharedProgress() {
    const list = [...this.passed].filter(p => PASSED_STEP.test(p)).slice(-MAX_SHARED_PROGRESS);
    return list.length ? list : null;
  }

  draft(id) {
    try {
      return localStorage.getItem(DRAFT + id);
    } catch {
      return null;
    }
  }

  saveDraft(id, source) {
    try {
      localStorage.setItem(DRAFT + id, source);
    } catch { /* the global draft (bpflab.draft) still has the editor's text */ }
  }
}
