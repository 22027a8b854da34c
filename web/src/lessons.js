// The lesson pane (#lesson-slot): pick a lesson, read it step by step in Spanish or English, load its starting code,
// reveal hints, and press Check. It never loses the learner's code: each lesson keeps its own draft of the editor's
// text, and replacing text the learner wrote always asks first, in the pane.
import { api } from './api.js';
import { el } from './format.js';
import { localized } from './templates.js';
import { renderInline, renderMarkdown } from './markdown.js';
import { LANGS, strings } from './lesson-strings.js';
import { LessonStore } from './lesson-store.js';
import { CHECK_STATE, LessonChecker } from './lesson-check.js';
import { SERVER_MESSAGE } from './protocol.js';
import { onLangChange, setPageLang } from './page-lang.js';

const NEEDS_VM = ['lsm', 'fentry']; // program types the local backend's host kernel refuses
const LANG_NAMES = { es: 'Español', en: 'English' };
const DRAFT_SAVE_MS = 500;

const clamp = (n, low, high) => Math.min(Math.max(n, low), high);
const stepKey = (id, step) => `${id}/${step}`;
const checkedSteps = lesson => lesson.steps.filter(s => s.check).length;

export class LessonPane {
  /** lab: window.bpflab (editor, run, phase, send, onPhase, onRunMessage, showLesson, templates, room). */
  constructor({ slot, lab }) {
    this.slot = slot;
    this.lab = lab;
    this.store = new LessonStore();
    this.list = [];
    this.listError = null;
    this.details = new Map(); // id → promise of GET /api/lessons/{id}
    this.lesson = null;
    this.step = 0;
    this.draftTimer = 0;
    this.opening = 0; // bumped by every open(), so the answer to an older question changes nothing
    this.question = null; // {keys, resolve} of the question shown in #lesson-confirm
    this.hintsShown = new Map(); // "id/step" → how many hints are shown
    this.results = new Map(); // "id/step" → the latest check result
    this.backend = null; // the sandbox backend of the latest run
    let started;
    this.started = new Promise(resolve => { started = resolve; });
    this.markStarted = started;

    this.build();
    this.checker = new LessonChecker(lab, { onUpdate: result => this.checkUpdated(result) });
    lab.editor.onChange(() => this.editorChanged());
    lab.onRunMessage(message => {
      if (message.type !== SERVER_MESSAGE.SANDBOX) return;
      this.backend = message.backend ?? null;
      this.renderVmNote();
    });
    window.addEventListener('bpflab:push', e => this.pushed(e.detail));
    onLangChange(() => this.languageChanged()); // the header's switch, or this pane's select
    window.addEventListener('pagehide', () => this.flushDraft());
  }

  get t() {
    return strings(this.store.lang);
  }

  /** Whether the editor's text is this.lesson's draft (then saved as the learner types); kept across reloads. */
  get ownsEditor() {
    return this.store.owns;
  }

  set ownsEditor(owns) {
    if (this.store.owns === owns) return;
    this.store.owns = owns;
    this.store.save();
  }

  // ---------- the pane's elements ----------
  build() {
    const button = (id, attrs = {}) => el('button', { type: 'button', id, ...attrs });
    const ui = {};
    this.ui = ui;
    ui.heading = el('h2', { id: 'lesson-heading', class: 'visually-hidden' });
    ui.selectLabel = el('label', { for: 'lesson-select', class: 'visually-hidden' });
    ui.select = el('select', { id: 'lesson-select', onchange: () => this.choose(ui.select.value) });
    ui.langLabel = el('label', { for: 'lesson-lang', class: 'visually-hidden' });
    ui.lang = el('select', { id: 'lesson-lang', onchange: () => this.setLang(ui.lang.value) },
      ...LANGS.map(lang => el('option', { value: lang, lang, text: LANG_NAMES[lang] })));
    ui.status = el('p', { id: 'lesson-status', class: 'lesson-status', role: 'status', hidden: true });

    ui.confirmText = el('p', { id: 'lesson-confirm-text' });
    ui.confirmYes = button('lesson-confirm-yes', { class: 'primary', onclick: () => this.answer(true) });
    ui.confirmNo = button('lesson-confirm-no', { onclick: () => this.answer(false) });
    ui.confirm = el('div', {
      id: 'lesson-confirm', class: 'lesson-confirm', role: 'alertdialog', 'aria-labelledby': 'lesson-confirm-text', hidden: true,
      onkeydown: e => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        this.answer(false);
      },
    }, ui.confirmText, el('div', { class: 'row' }, ui.confirmYes, ui.confirmNo));

    ui.index = el('ol', { id: 'lesson-index', class: 'lesson-index' });

    ui.title = el('h2', { id: 'lesson-title', class: 'lesson-title' });
    ui.vmNote = el('p', { id: 'lesson-vm-note', class: 'lesson-note', hidden: true });
    ui.loadStart = button('lesson-load-start', { onclick: () => this.loadStart() });
    ui.loadSolution = button('lesson-load-solution', { class: 'ghost', onclick: () => this.loadSolution() });
    ui.introLabel = el('summary');
    ui.introBody = el('div', { id: 'lesson-intro-body', class: 'md' });
    ui.intro = el('details', { id: 'lesson-intro', class: 'lesson-intro' }, ui.introLabel, ui.introBody);
    ui.stepsLabel = el('h3', { id: 'lesson-steps-label', class: 'visually-hidden' });
    ui.steps = el('ol', { id: 'lesson-steps', class: 'lesson-steps', 'aria-labelledby': 'lesson-steps-label' });

    ui.stepCounter = el('p', { id: 'lesson-step-counter', class: 'lesson-step-counter' });
    ui.stepTitle = el('h3', { id: 'lesson-step-title', class: 'lesson-step-title', tabindex: '-1' });
    ui.stepBody = el('div', { id: 'lesson-step-body', class: 'md' });
    ui.hint = button('lesson-hint', { class: 'ghost', 'aria-controls': 'lesson-hints', onclick: () => this.revealHint() });
    ui.hints = el('ol', { id: 'lesson-hints', class: 'lesson-hints' });
    ui.check = button('lesson-check', { class: 'primary', onclick: () => this.check() });
    ui.checkResult = el('div', { id: 'lesson-check-result', class: 'lesson-check-result', role: 'status', 'aria-live': 'polite' });
    ui.checkBox = el('div', { class: 'lesson-check' }, ui.check, ui.checkResult);
    ui.step = el('section', { id: 'lesson-step', class: 'lesson-step', 'aria-labelledby': 'lesson-step-title' },
      ui.stepCounter, ui.stepTitle, ui.stepBody,
      el('div', { class: 'lesson-hint-box' }, ui.hint, ui.hints),
      ui.checkBox);
    ui.prev = button('lesson-prev', { onclick: () => this.go(this.step - 1, { scroll: true }) });
    ui.next = button('lesson-next', { onclick: () => this.next() });

    ui.content = el('article', { id: 'lesson-content', class: 'lesson-content', 'aria-labelledby': 'lesson-title', hidden: true },
      ui.title, ui.vmNote,
      el('div', { class: 'lesson-row' }, ui.loadStart, ui.loadSolution),
      ui.intro,
      el('nav', { 'aria-labelledby': 'lesson-steps-label' }, ui.stepsLabel, ui.steps),
      ui.step,
      el('div', { class: 'lesson-row lesson-nav' }, ui.prev, ui.next));

    this.slot.replaceChildren(
      ui.heading,
      el('div', { class: 'lesson-head' }, ui.selectLabel, ui.select, ui.langLabel, ui.lang),
      ui.status, ui.confirm, ui.index, ui.content);
    this.slot.classList.add('lesson');
    this.applyLabels();
    this.showStatus(this.t.loading);
  }

  applyLabels() {
    const { ui, t } = this;
    this.slot.lang = this.store.lang;
    ui.lang.value = this.store.lang;
    ui.heading.textContent = t.heading;
    ui.selectLabel.textContent = t.lesson;
    ui.langLabel.textContent = t.language;
    ui.lang.title = t.language;
    ui.loadStart.textContent = t.loadStart;
    ui.loadSolution.textContent = t.showSolution;
    ui.introLabel.textContent = t.intro;
    ui.stepsLabel.textContent = t.steps;
    ui.check.textContent = t.check;
    ui.check.title = t.checkTitle;
    ui.prev.textContent = t.prev;
    if (this.question) this.showQuestion();
  }

  showStatus(text) {
    this.ui.status.textContent = text ?? '';
    this.ui.status.hidden = !text;
  }

  // ---------- starting: the list, then where the learner was (or what a link or share says) ----------
  /** Fetches GET /api/lessons; main.js awaits it with the templates. */
  async load() {
    try {
      const list = await api('/api/lessons');
      this.list = Array.isArray(list) ? list : [];
      this.listError = null;
      this.showStatus(this.list.length ? '' : this.t.noLessons);
    } catch (e) {
      this.list = [];
      this.listError = e.message;
      this.showStatus(this.t.unavailable(e.message));
    }
    this.renderList();
  }

  /**
   * Called once the editor holds what the page restored (a draft or a share). shared: GET /api/shares/{id}'s answer,
   * when the page opened a share link. search: the page's query, for deep links (?lesson=<id>&step=<n>).
   */
  async start({ shared = null, search = window.location.search } = {}) {
    try {
      const query = new URLSearchParams(search);
      if (shared) {
        this.store.merge(shared.progress);
        if (shared.lesson?.id) {
          this.showPane(true);
          await this.openShared(shared.lesson.id, shared.lesson.step);
          return;
        }
      } else if (query.has('lesson')) {
        window.history.replaceState(null, '', window.location.pathname + window.location.hash);
        this.showPane(true);
        await this.open(query.get('lesson'), Number(query.get('step')) || 0);
        return;
      }
      this.showPane(this.store.open);
      const at = this.store.position;
      // The editor holds the draft the page restored, this lesson's unless the learner kept other code; a shared
      // program is nobody's.
      if (at) await this.open(at.id, at.step, { editor: 'keep', owns: !shared && this.ownsEditor });
    } finally {
      this.markStarted();
    }
  }

  async openShared(id, step) {
    const opened = await this.open(id, step, { editor: 'keep', owns: false });
    if (!opened) return;
    const own = this.store.draft(id);
    const ticket = this.opening;
    if (own === null || own === this.lab.editor.getSource()) {
      this.ownsEditor = true;
    } else if (await this.ask('askOwnDraft', 'openMine', 'keepShared')) {
      if (ticket === this.opening) this.loadCode(own);
    }
    // "Keep the shared code": the learner's own draft stays as it is; the shared code is not saved over it.
  }

  /** The words of a toast for a pushed lesson step: the lesson's title and the step, in the pane's language. */
  async describePush(push) {
    await this.started;
    const summary = this.list.find(l => l.id === push.lesson);
    const title = localized(summary?.title, this.store.lang) || push.lesson;
    const total = Number.isInteger(summary?.steps) ? summary.steps : null;
    return this.t.pushedLesson(title, Number.isInteger(push.step) ? push.step + 1 : null, total);
  }

  async pushed(push) {
    if (push?.kind !== 'lesson' || typeof push.lesson !== 'string') return;
    await this.started;
    this.showPane(true);
    await this.open(push.lesson, Number.isInteger(push.step) ? push.step : 0);
  }

  showPane(open) {
    this.lab.showLesson(open);
  }

  /** main.js's showLesson reports the pane's visibility, kept for the next visit. */
  shown(open) {
    if (this.store.open === open) return;
    this.store.open = open;
    this.store.save();
  }

  // ---------- opening lessons and moving between steps ----------
  fetchLesson(id) {
    if (!this.details.has(id)) {
      const request = api(`/api/lessons/${encodeURIComponent(id)}`).then(lesson => {
        if (!lesson || !Array.isArray(lesson.steps) || lesson.steps.length === 0) throw new Error(`lesson '${id}' has no steps`);
        return lesson;
      });
      request.catch(() => this.details.delete(id)); // a failure is not remembered: the next try asks again
      this.details.set(id, request);
    }
    return this.details.get(id);
  }

  /**
   * Opens lesson `id` at `step`. editor "enter": the editor gets the lesson's draft (or its starting code), asking first
   * when that would replace code the learner wrote; "keep": the editor stays as it is, and `owns` says whether its
   * text is this lesson's draft. Returns whether the lesson opened.
   */
  async open(id, step = 0, { editor = 'enter', owns = true } = {}) {
    const ticket = ++this.opening;
    let lesson;
    try {
      lesson = await this.fetchLesson(id);
    } catch (e) {
      if (ticket === this.opening) this.showStatus(this.t.lessonFailed(e.message));
      return false;
    }
    if (ticket !== this.opening) return false;
    this.showStatus(this.listError ? this.t.unavailable(this.listError) : '');
    if (this.lesson?.id === lesson.id) {
      this.go(step, { scroll: true });
      return true;
    }
    this.flushDraft();
    this.dismissQuestion();
    const previous = this.store.position;
    const text = this.lab.editor.getSource();
    // Safe to replace: text nobody wrote, or text kept as the previous lesson's draft.
    const safe = this.lab.editor.isUnedited() || text === lesson.start
      || (previous && this.ownsEditor && this.store.draft(previous.id) === text);
    this.lesson = lesson;
    this.ownsEditor = false;
    // A lesson written for one kernel ("kernel" in its metadata, as GET /api/lessons lists it) picks it beside Run.
    const kernel = lesson.kernel ?? this.list.find(l => l.id === lesson.id)?.kernel;
    this.lab.kernels?.prefer(kernel, words => words.theLesson(localized(lesson.title, this.store.lang) || lesson.id));
    this.store.checks[lesson.id] = checkedSteps(lesson);
    this.renderLesson();
    this.go(step, { report: false });
    if (editor === 'keep') {
      this.ownsEditor = owns;
    } else {
      const target = this.store.draft(lesson.id) ?? lesson.start ?? '';
      if (text === target) {
        this.ownsEditor = true;
      } else if (safe || await this.ask('askReplace', 'replace', 'keepMine')) {
        if (ticket === this.opening) this.loadCode(target);
      } else if (ticket === this.opening) {
        // The learner keeps their code: it becomes this lesson's draft, unless that would overwrite one.
        this.ownsEditor = this.store.draft(lesson.id) === null;
      }
    }
    if (ticket === this.opening) this.reportPosition();
    return true;
  }

  choose(id) {
    if (!id) return;
    this.showPane(true);
    this.open(id, this.store.steps[id] ?? 0);
  }

  go(step, { scroll = false, report = true } = {}) {
    if (!this.lesson) return;
    this.step = clamp(Number.isInteger(step) ? step : Number(step) | 0, 0, this.lesson.steps.length - 1);
    this.store.moveTo(this.lesson.id, this.step);
    this.ui.intro.open = this.step === 0;
    this.renderSteps();
    this.renderStep();
    this.renderList();
    if (scroll) this.scrollToStep();
    if (report) this.reportPosition();
  }

  next() {
    if (this.step < this.lesson.steps.length - 1) {
      this.go(this.step + 1, { scroll: true });
      return;
    }
    const following = this.followingLesson();
    if (following) this.open(following.id, this.store.steps[following.id] ?? 0);
  }

  followingLesson() {
    const i = this.list.findIndex(l => l.id === this.lesson?.id);
    return i >= 0 ? this.list[i + 1] ?? null : null;
  }

  reportPosition() {
    this.lab.room?.progress(this.lesson.id, this.step);
  }

  scrollToStep() {
    const pane = this.slot.closest('.lesson-pane') ?? this.slot;
    const head = this.slot.querySelector('.lesson-head')?.offsetHeight ?? 0; // sticky: the step must land below it
    const top = this.ui.step.getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop;
    pane.scrollTop = Math.max(0, top - head - 8);
  }

  // ---------- the editor's text ----------
  editorChanged() {
    if (!this.lesson || !this.ownsEditor) return;
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.flushDraft(), DRAFT_SAVE_MS);
  }

  flushDraft() {
    clearTimeout(this.draftTimer);
    this.draftTimer = 0;
    if (this.lesson && this.ownsEditor) this.store.saveDraft(this.lesson.id, this.lab.editor.getSource());
  }

  /**
   * Puts lesson code in the editor as this lesson's draft; Run then sends it as source, not as a template. What spoke
   * of the code it replaces goes with it: the template's parameters, and a notice whose Undo would bring older code
   * back over the lesson's.
   */
  loadCode(source) {
    const { start, solution } = this.lesson;
    this.lab.templates.clear();
    this.lab.editor.dismissNotice?.();
    this.lab.editor.setSource(source, { pristine: source === start || source === solution });
    this.ownsEditor = true;
    this.flushDraft();
  }

  async loadStart() {
    const { start } = this.lesson;
    const text = this.lab.editor.getSource();
    if (text === start) return;
    const ticket = this.opening;
    if (this.lab.editor.isUnedited() || await this.ask('askStart', 'replace', 'cancel', { focus: true })) {
      if (ticket === this.opening) this.loadCode(start);
    }
  }

  async loadSolution() {
    const { solution } = this.lesson;
    if (this.lab.editor.getSource() === solution) return;
    const ticket = this.opening;
    if (await this.ask('askSolution', 'showIt', 'cancel', { focus: true }) && ticket === this.opening) this.loadCode(solution);
  }

  // ---------- questions, asked in the pane ----------
  /** Shows a question in #lesson-confirm; resolves true (yes), or false (no, or another question replaced it). */
  ask(message, yes, no, { focus = false } = {}) {
    this.dismissQuestion();
    this.showPane(true);
    return new Promise(resolve => {
      const returnFocus = focus ? document.activeElement : null;
      this.question = { keys: { message, yes, no }, resolve, returnFocus };
      this.showQuestion();
      this.ui.confirm.scrollIntoView({ block: 'nearest' });
      if (focus) this.ui.confirmNo.focus();
    });
  }

  showQuestion() {
    const { ui, t } = this;
    const { message, yes, no } = this.question.keys;
    ui.confirmText.textContent = t[message];
    ui.confirmYes.textContent = t[yes];
    ui.confirmNo.textContent = t[no];
    ui.confirm.hidden = false;
  }

  answer(yes) {
    const question = this.question;
    this.question = null;
    // Focus must not vanish with the hidden buttons: back to what asked, or to the lesson select.
    if (this.ui.confirm.contains(document.activeElement)) {
      const target = question?.returnFocus?.isConnected ? question.returnFocus : this.ui.select;
      target.focus();
    }
    this.ui.confirm.hidden = true;
    question?.resolve(yes);
  }

  dismissQuestion() {
    if (this.question) this.answer(false);
  }

  // ---------- hints and checks ----------
  hintsOf(step = this.step) {
    const hints = this.lesson.steps[step]?.hints;
    return hints?.[this.store.lang] ?? hints?.en ?? [];
  }

  revealHint() {
    const key = stepKey(this.lesson.id, this.step);
    const shown = this.hintsShown.get(key) ?? 0;
    this.hintsShown.set(key, Math.min(shown + 1, this.hintsOf().length));
    this.renderHints();
    this.ui.hints.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }

  check() {
    const check = this.lesson?.steps[this.step]?.check;
    if (!check || this.checker.busy) return;
    this.checker.check({
      lesson: this.lesson.id,
      step: this.step,
      lang: this.store.lang,
      workloads: Array.isArray(check.workloads) ? check.workloads : [],
    });
  }

  checkUpdated(result) {
    this.results.set(stepKey(result.lesson, result.step), result);
    if (result.state === CHECK_STATE.PASSED) {
      this.store.markPassed(result.lesson, result.step);
      this.renderList();
      if (this.lesson?.id === result.lesson) this.renderSteps();
    }
    this.ui.check.disabled = this.checker.busy;
    if (this.lesson?.id !== result.lesson || this.step !== result.step) return;
    this.renderCheck();
    if (result.state === CHECK_STATE.PASSED || result.state === CHECK_STATE.FAILED) this.ui.checkResult.scrollIntoView({ block: 'nearest' });
  }

  // ---------- rendering ----------
  /** Switches the whole page's language (page-lang.js); the pane follows in languageChanged(). */
  setLang(lang) {
    setPageLang(lang);
  }

  languageChanged() {
    this.applyLabels();
    if (this.listError) this.showStatus(this.t.unavailable(this.listError));
    this.renderList();
    if (this.lesson) {
      this.renderLesson();
      this.renderSteps();
      this.renderStep();
    }
  }

  progressLabel(id) {
    const passed = this.store.passedCount(id);
    return passed ? this.t.progress(passed, this.store.checks[id]) : '';
  }

  renderList() {
    const { ui, t, store } = this;
    const lang = store.lang;
    const current = this.lesson?.id ?? '';
    const options = this.list.map(l => {
      const progress = this.progressLabel(l.id);
      return el('option', {
        value: l.id,
        title: localized(l.summary, lang),
        text: `${localized(l.title, lang) || l.id}${progress ? ` — ${progress}` : ''}`,
      });
    });
    if (current && !this.list.some(l => l.id === current)) {
      options.push(el('option', { value: current, text: localized(this.lesson.title, lang) || current }));
    }
    if (!current) options.unshift(el('option', { value: '', text: t.choose, disabled: true }));
    ui.select.replaceChildren(...options);
    ui.select.value = current;
    ui.select.disabled = options.length === 0 || (options.length === 1 && !current);

    ui.index.hidden = Boolean(current) || this.list.length === 0;
    ui.index.replaceChildren(...this.list.map(l => {
      const progress = this.progressLabel(l.id);
      return el('li', {},
        el('button', { type: 'button', class: 'lesson-card', 'data-lesson': l.id, onclick: () => this.choose(l.id) },
          el('strong', { text: localized(l.title, lang) || l.id }),
          progress ? el('span', { class: 'lesson-progress', text: progress }) : null,
          el('span', { class: 'muted', text: localized(l.summary, lang) })));
    }));
  }

  text() {
    const text = this.lesson.text ?? {};
    return text[this.store.lang] ?? text.en ?? Object.values(text)[0] ?? { intro: '', steps: [] };
  }

  stepTitle(step) {
    return this.text().steps?.[step]?.title || this.t.step(step + 1, this.lesson.steps.length);
  }

  renderLesson() {
    const { ui, lesson } = this;
    ui.content.hidden = false;
    ui.title.textContent = localized(lesson.title, this.store.lang) || lesson.id;
    const intro = this.text().intro ?? '';
    renderMarkdown(ui.introBody, intro);
    ui.intro.hidden = !intro.trim();
    ui.loadSolution.hidden = typeof lesson.solution !== 'string';
    ui.loadStart.hidden = typeof lesson.start !== 'string';
    this.renderVmNote();
  }

  renderVmNote() {
    const note = this.ui.vmNote;
    const needsVm = Array.isArray(this.lesson?.requires) && this.lesson.requires.some(r => NEEDS_VM.includes(r));
    note.hidden = !needsVm;
    if (!needsVm) return;
    const wrong = this.backend && this.backend !== 'qemu';
    note.classList.toggle('warn', Boolean(wrong));
    note.textContent = !this.backend ? this.t.needsVm : wrong ? this.t.needsVmWrong(this.backend) : this.t.needsVmOk;
  }

  renderSteps() {
    const { lesson, store } = this;
    this.ui.steps.replaceChildren(...lesson.steps.map((s, i) => {
      const passed = Boolean(s.check) && store.hasPassed(lesson.id, i);
      const item = el('button', {
        type: 'button',
        'data-step': String(i),
        'aria-current': i === this.step ? 'step' : null,
        onclick: () => this.go(i, { scroll: true }),
      }, el('span', { class: 'step-number', text: `${i + 1}.` }), renderInline(el('span', { class: 'step-name' }), this.stepTitle(i)),
      passed ? el('span', { class: 'step-mark', title: this.t.passedMark, 'aria-label': this.t.passedMark, text: '✓' }) : null);
      return el('li', { class: passed ? 'passed' : null, 'data-step': String(i) }, item);
    }));
  }

  renderStep() {
    const { ui, lesson, step, t } = this;
    const total = lesson.steps.length;
    ui.stepCounter.textContent = t.step(step + 1, total);
    renderInline(ui.stepTitle, this.stepTitle(step));
    renderMarkdown(ui.stepBody, this.text().steps?.[step]?.body ?? '');
    ui.prev.disabled = step === 0;
    const following = step === total - 1 ? this.followingLesson() : null;
    ui.next.disabled = step === total - 1 && !following;
    ui.next.textContent = following ? `${localized(following.title, this.store.lang) || following.id} →` : t.next;
    ui.next.title = following ? localized(following.title, this.store.lang) : '';
    this.renderHints();
    this.renderCheck();
  }

  renderHints() {
    const { ui, t } = this;
    const hints = this.hintsOf();
    const shown = Math.min(this.hintsShown.get(stepKey(this.lesson.id, this.step)) ?? 0, hints.length);
    ui.hint.hidden = hints.length === 0;
    ui.hint.textContent = t.hint(shown, hints.length);
    ui.hint.disabled = shown >= hints.length;
    ui.hint.setAttribute('aria-expanded', String(shown > 0));
    ui.hints.replaceChildren(...hints.slice(0, shown).map(h => renderInline(el('li'), h)));
  }

  renderCheck() {
    const { ui, t } = this;
    const check = this.lesson.steps[this.step]?.check;
    ui.checkBox.hidden = !check;
    ui.check.disabled = this.checker.busy;
    const box = ui.checkResult;
    const result = this.results.get(stepKey(this.lesson.id, this.step));
    box.removeAttribute('data-passed');
    box.dataset.state = result?.state ?? 'none';
    const busy = result?.state === CHECK_STATE.STARTING || result?.state === CHECK_STATE.CHECKING;
    box.setAttribute('aria-busy', String(busy));
    if (!check || !result) {
      box.replaceChildren();
      return;
    }
    if (busy) {
      const text = result.state === CHECK_STATE.STARTING ? t.starting : t.checking(result.workloads ?? []);
      box.replaceChildren(el('p', { class: 'verdict' }, el('span', { class: 'spinner', 'aria-hidden': 'true' }), text));
      return;
    }
    const passed = result.state === CHECK_STATE.PASSED;
    box.dataset.passed = String(passed);
    const reasonText = { attach: t.mustAttach, ended: t.runEnded, timeout: t.noAnswer }[result.reason];
    const details = (result.details ?? []).map(d => el('li', { class: d.met ? 'met' : 'missing', 'data-met': String(Boolean(d.met)) },
      el('span', { class: 'mark', 'aria-label': d.met ? t.met : t.missing, text: d.met ? '✓' : '✗' }), ' ', String(d.message ?? '')));
    // A failure's message repeats its first missing item: when the list below shows it, the verdict just counts.
    const missing = (result.details ?? []).filter(d => !d.met);
    const listed = !passed && missing.some(d => d.message && String(result.message ?? '').startsWith(d.message));
    const verdict = reasonText ?? (listed ? t.notYet(missing.length, details.length) : result.message ?? '');
    box.replaceChildren(...[
      el('p', { class: 'verdict' }, `${passed ? '✓' : '✗'} `, verdict),
      details.length ? el('ul', { class: 'check-details' }, ...details) : null,
      result.reason === 'attach'
        ? el('button', { type: 'button', class: 'ghost', id: 'lesson-open-log', onclick: () => document.getElementById('tab-log')?.click() }, t.openLog)
        : null,
    ].filter(Boolean));
  }

  /** What a share link carries besides the code: where the learner is and the checks they passed. */
  shareState() {
    return {
      lesson: this.lesson ? { id: this.lesson.id, step: this.step } : null,
      progress: this.store.sharedProgress(),
    };
  }
}
