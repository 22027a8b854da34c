// bpflab's lab page: wires the editor, the /ws/run stream and the output panes together.
import './style.css';
import { createEditor } from './editor.js';
import { PAGE_STATE, RunClient } from './run-client.js';
import {
  LIVE_PHASES, PHASE, SERVER_MESSAGE, isFinalPhase, readIteratorMessage, readLoadedMessage, runAllMessage, runMessage,
  workloadMessage,
} from './protocol.js';
import { EventsView } from './events-view.js';
import { MapsView } from './maps-view.js';
import { LogView } from './log-view.js';
import { TemplatePicker, localized } from './templates.js';
import { strings } from './lesson-strings.js';
import { applyStaticWords, pageStrings, serverErrorText } from './page-strings.js';
import { LANGS, onLangChange, pageLang, setPageLang } from './page-lang.js';
import { setupThemeToggle } from './theme.js';
import { api } from './api.js';
import { el } from './format.js';
import { attachRoom } from './dashboard/student-room.js';
import { setupRoomMenu } from './room-menu.js';
import { LabPreparation } from './lab-preparation.js';
import { LessonPane } from './lessons.js';
import { IteratorView } from './iterator-view.js';
import { InstructionsView } from './instructions-view.js';
import { CodeGuard } from './code-guard.js';
import { PendingParams } from './pending-params.js';
import { EventsEmpty } from './events-empty.js';
import { PhaseClock } from './phase-clock.js';
import { setupSharePopover } from './share-popover.js';
import { CompileAsYouType } from './compile-as-you-type.js';
import { KernelPicker } from './kernel-picker.js';
import { MatrixView } from './matrix-view.js';
import { PrintkView } from './printk-view.js';
import { SandboxLoad } from './sandbox-load.js';
import { Banner } from './banner.js';
import { setupTabs } from './tabs.js';

const STARTER = `// Your first eBPF program: say hello whenever a program starts.
// Run it (Ctrl+Enter), press "exec-true", then open the printk tab.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/syscalls/sys_enter_execve")
int hello(void *ctx)
{
    bpf_printk("hello from pid %d", bpf_get_current_pid_tgid() >> 32);
    return 0;
}
`;

const $ = id => document.getElementById(id);
// Every word of the page, the diagnostics' hints too, comes in the page's one language (page-lang.js).
const hintLang = pageLang;
const t = () => pageStrings(pageLang());
// A run is going (Stop works, a closed socket is a failure) from the moment its socket opens until a final phase.
const ACTIVE_PHASES = new Set([PAGE_STATE.CONNECTING, PAGE_STATE.ALL_KERNELS, ...LIVE_PHASES]);
// How long "Run on all kernels" runs the program on each kernel, in seconds.
const MATRIX_SECONDS = 3;
const runListeners = new Set();
const phaseListeners = new Set();
const editListeners = new Set();

function notify(listeners, ...args) {
  for (const listener of listeners) {
    try {
      listener(...args);
    } catch (e) {
      console.error('a listener failed', e);
    }
  }
}

const banner = new Banner({ box: $('banner'), text: $('banner-text'), close: $('banner-close'), words: t });
const showBanner = text => banner.show(text);

const selectTab = setupTabs(document);

// ---------- editor ----------
let loadedSource = STARTER;
// Text the learner did not write (the starter, a template's rendering, a lesson's code as loaded): replacing it loses nothing.
let pristineSource = STARTER;
let draftTimer = 0;
let pendingParams = null; // the template form's values not applied yet (pending-params.js), once the picker exists
let instructions = null; // the Instructions tab (InstructionsView), made once the editor exists
let logView = null; // the Log tab (LogView), made once the editor exists
let cursor = { line: 1, column: 1 }; // where the editor's cursor is, for saying it again in the other language
let diagItems = []; // what the summary under the editor counts
// Which kernel Run and the compiles as you type are for; another pick compiles the text for it.
const kernels = new KernelPicker({
  box: $('kernel-picker'),
  select: $('kernel-select'),
  features: $('kernel-features'),
  note: $('kernel-note'),
  words: t,
  onChange: () => typing.edited(),
});
// Errors as you type: the markers follow the text once typing pauses, without pressing Run.
const typing = new CompileAsYouType({
  getSource: () => editor.getSource(),
  getKernel: () => kernels.value(),
  onCompiled: answer => {
    editor.showCompileDiagnostics(Array.isArray(answer.diagnostics) ? answer.diagnostics : []);
    updateDiagSummary(editor.diagnostics());
    instructions.compiled(answer, editor.getSource());
  },
  onInstructions: listing => instructions.show(listing, editor.getSource()),
});
const editor = createEditor($('editor'), {
  initialSource: STARTER,
  onRun: () => run(),
  onChange: () => {
    clearTimeout(draftTimer);
    draftTimer = setTimeout(saveDraft, 500);
    typing.edited();
    instructions?.edited();
    pendingParams?.update();
    notify(editListeners);
    showRunStale();
  },
  onCursor: (line, column) => {
    cursor = { line, column };
    $('cursor-pos').textContent = t().cursor(line, column);
    instructions?.cursorLine(line);
    logView?.cursorLine(line);
  },
  hintLang,
});

function setEditorSource(source, { pristine = false } = {}) {
  loadedSource = source;
  if (pristine) pristineSource = source;
  editor.setSource(source);
  updateDiagSummary([]);
}
const isUnedited = () => editor.getSource() === pristineSource;

// While a run is live, whether the editor still shows what it runs: a lesson, a push or the learner may have replaced
// the text since Run was pressed, and the page must not let the new text pass for the running program.
function showRunStale() {
  const stale = ACTIVE_PHASES.has(phase) && runSource !== null && editor.getSource() !== runSource;
  $('run-stale').hidden = !stale;
  $('run-stale').textContent = stale ? t().runStale : '';
}

// Everything on this page that replaces the editor's text goes through the guard (the lesson pane asks first instead).
const guard = new CodeGuard({
  words: t,
  notice: { box: $('editor-notice'), text: $('editor-notice-text'), actions: $('editor-notice-actions'), close: $('editor-notice-close') },
  editor: {
    getSource: () => editor.getSource(),
    setSource: setEditorSource,
    isUnedited,
    snapshot: () => ({ source: editor.getSource(), pristine: pristineSource, template: templates.state() }),
    restore: kept => {
      setEditorSource(kept.source);
      pristineSource = kept.pristine;
      templates.restoreState(kept.template);
      saveDraft();
    },
  },
});

function updateDiagSummary(items) {
  diagItems = items;
  const words = t();
  const summary = $('diag-summary');
  const errors = items.filter(i => (i.severity || 'error').includes('error'));
  const warnings = items.length - errors.length;
  summary.classList.toggle('has-errors', errors.length > 0);
  summary.classList.toggle('has-warnings', errors.length === 0 && warnings > 0);
  if (items.length === 0) {
    summary.textContent = '';
    return;
  }
  const parts = [];
  if (errors.length) parts.push(words.errorsCount(errors.length));
  if (warnings) parts.push(words.warningsCount(warnings));
  const first = (errors[0] || items[0]).line;
  summary.textContent = parts.join(' ') + (first >= 1 ? words.firstAt(first) : '');
}

// ---------- views ----------
const events = new EventsView({
  table: $('events-table'),
  empty: $('events-empty'),
  count: $('events-count'),
  dropped: $('events-dropped'),
  pause: $('events-pause'),
  filter: $('events-filter'),
  clear: $('events-clear'),
  badge: $('events-badge'),
  words: t,
});
const eventsEmpty = new EventsEmpty($('events-empty'), t);
const phaseClock = new PhaseClock($('phase-elapsed'),
  [PAGE_STATE.CONNECTING, PAGE_STATE.ALL_KERNELS, PHASE.COMPILING, PHASE.QUEUED, PHASE.LOADING]);
const maps = new MapsView({ container: $('maps'), badge: $('maps-badge'), send: message => client.send(message), words: t });
logView = new LogView({
  list: $('diag-list'),
  log: $('verifier-log'),
  badge: $('log-badge'),
  states: $('verifier-states'),
  onJump: (line, column) => editor.gotoLine(line, column),
  hintLang,
  source: () => runSource ?? editor.getSource(),
});
const iterators = new IteratorView({
  tabLabel: $('iterator-tab-label'),
  badge: $('iterator-badge'),
  button: $('iterator-read'),
  status: $('iterator-status'),
  container: $('iterator-outputs'),
  lang: pageLang,
  onRead: () => client.send(readIteratorMessage()),
});
// Declared before the editor calls it: the editor reports the cursor from its first update.
instructions = new InstructionsView({
  tabLabel: $('instructions-tab-label'),
  badge: $('instructions-badge'),
  container: $('instructions'),
  lang: pageLang,
  getSource: () => editor.getSource(),
  onJump: line => editor.gotoLine(line, 1),
  onReadLoaded: () => client.send(readLoadedMessage()),
});
const printk = new PrintkView({ log: $('printk-log'), badge: $('printk-badge'), clear: $('printk-clear') });
const matrix = new MatrixView({
  table: $('matrix-table'),
  intro: $('matrix-intro'),
  status: $('matrix-status'),
  badge: $('matrix-badge'),
  words: t,
  lang: pageLang,
  onJump: (line, column) => editor.gotoLine(line, column),
});

// ---------- run phase ----------
// Until the lab is ready (a fresh host builds its guest image first) the idle and queued texts say what it is doing.
const preparation = new LabPreparation({
  onChange: () => (phase === PAGE_STATE.IDLE || phase === PHASE.QUEUED) && setPhase(phase, lastPhaseDetail),
  onFailed: problem => showBanner(problem ? () => problem : words => words.labFailedLog),
  words: t,
});
const sandboxLoad = new SandboxLoad({
  box: $('sandbox-load'),
  words: t,
  stillWaiting: () => phase === PHASE.QUEUED && !lastPhaseDetail.preparing,
});
let phase = PAGE_STATE.IDLE; // a run phase (PHASE), or the page's own PAGE_STATE before the server said one
let sandbox = null; // which sandbox the run got ({"type":"sandbox","backend","description"})
let lastPhaseDetail = {};
function setPhase(next, detail = {}) {
  phase = next;
  lastPhaseDetail = detail;
  instructions?.runPhase({ attached: next === PHASE.ATTACHED, final: isFinalPhase(next) });
  const words = t();
  const text = {
    [PAGE_STATE.IDLE]: preparation.text() ?? words.phaseReady,
    [PAGE_STATE.CONNECTING]: words.phaseConnecting,
    [PAGE_STATE.ALL_KERNELS]: words.phaseAllKernels,
    [PHASE.QUEUED]: detail.position ? words.phaseQueuedAt(detail.position)
      : (detail.preparing && preparation.text()) || words.phaseQueued,
    [PHASE.COMPILING]: words.phaseCompiling,
    [PHASE.LOADING]: words.phaseLoading,
    [PHASE.ATTACHED]: words.phaseAttached,
    [PHASE.STOPPED]: words.phaseStopped,
    [PHASE.FAILED]: detail.reason ? words.failedBecause(detail.reason(words)) : words.phaseFailed,
  }[next] ?? next;
  const box = $('phase');
  box.dataset.phase = next;
  $('phase-text').textContent = text;
  phaseClock.set(next);
  eventsEmpty.phase(next);
  const programs = next === PHASE.ATTACHED && Array.isArray(detail.programs) && detail.programs.length
    ? words.attachedPrograms(detail.programs) : text;
  box.title = sandbox && ACTIVE_PHASES.has(next) ? `${programs}\n${words.sandbox(sandbox)}` : programs;
  $('stop').disabled = !ACTIVE_PHASES.has(next);
  showRunStale();
  sandboxLoad.follow(next === PHASE.QUEUED);
  iterators.setAttached(next === PHASE.ATTACHED);
  for (const b of $('workload-buttons').querySelectorAll('button')) {
    b.disabled = next !== PHASE.ATTACHED;
    b.title = next === PHASE.ATTACHED ? b.dataset.description : words.workloadNeedsRun;
  }
  notify(phaseListeners, next);
}

const client = new RunClient({
  onMessage: handleRunMessage,
  onClose: e => {
    matrix.cancel();
    if (ACTIVE_PHASES.has(phase)) {
      const why = words => (e.reason ? `: ${e.reason}` : e.code && e.code !== 1000 && e.code !== 1005 ? words.closeCode(e.code) : '');
      setPhase(PHASE.FAILED, { reason: words => words.connectionClosed });
      showBanner(words => words.connectionLost(why(words)));
    }
  },
});

function handleRunMessage(message) {
  notify(runListeners, message);
  if (matrix.message(message)) {
    // The server sends no phases for a matrix: it goes from its first message to its last.
    if (message.type === SERVER_MESSAGE.MATRIX) setPhase(PAGE_STATE.ALL_KERNELS);
    if (message.type === SERVER_MESSAGE.MATRIX_DONE && ACTIVE_PHASES.has(phase)) setPhase(PHASE.STOPPED);
    return;
  }
  switch (message.type) {
    case SERVER_MESSAGE.PHASE:
      // A failed run is then torn down and reported "stopped"; the failure is what the learner needs to see.
      if (phase === PHASE.FAILED && message.phase === PHASE.STOPPED) break;
      // position comes only with queued (when the run has a place in line), programs only with attached; preparing
      // only with queued, while the lab itself is not ready.
      if (message.preparing) preparation.heard(message.preparing);
      setPhase(message.phase, { position: message.position, programs: message.programs, preparing: message.preparing });
      break;
    case SERVER_MESSAGE.DIAGNOSTICS: {
      const items = Array.isArray(message.items) ? message.items : [];
      editor.showDiagnostics(items, message.stage);
      updateDiagSummary(items);
      logView.show(message);
      const hasError = items.length === 0 || items.some(i => (i.severity || 'error').includes('error'));
      if (hasError) {
        selectTab($('tab-log'));
        const first = items.find(i => (i.line | 0) >= 1);
        if (first) editor.gotoLine(first.line, first.column || 1);
        logView.revealFailing(); // after the cursor moved: the failing instruction stays the one chosen
      }
      break;
    }
    case SERVER_MESSAGE.SANDBOX:
      sandbox = [message.backend, message.description].filter(Boolean).join(': ');
      setPhase(phase, lastPhaseDetail);
      break;
    case SERVER_MESSAGE.EVENT:
      events.add(message);
      break;
    case SERVER_MESSAGE.PRINTK:
      printk.add(message);
      break;
    case SERVER_MESSAGE.MAP_SNAPSHOT:
      maps.update(message);
      break;
    case SERVER_MESSAGE.MAP_WRITTEN:
      maps.written(message);
      break;
    case SERVER_MESSAGE.DROPPED:
      events.addDropped(message.count);
      break;
    case SERVER_MESSAGE.INSTRUCTIONS:
      instructions.show(message, runSource);
      break;
    case SERVER_MESSAGE.LOADED_PROGRAMS:
      instructions.loaded(message);
      break;
    case SERVER_MESSAGE.ITERATOR_OUTPUT:
      iterators.show(message);
      if (message.read === 1) selectTab($('tab-iterator')); // an iterator's text is all such a program shows
      break;
    case SERVER_MESSAGE.WORKLOAD_RESULT:
      showWorkloadResult(message.ok ? 'ok' : 'fail', words => `${message.ok ? '✓' : '✗'} ${message.name ?? words.workload}: ${message.detail ?? ''}`);
      eventsEmpty.fired(message.name, message.ok);
      break;
    case SERVER_MESSAGE.ERROR: {
      // Known errors (a limit, the time limit, …) carry a code the page says in its own language; others are English.
      const said = words => serverErrorText(message, pageLang()) || words.runFailed;
      showBanner(said);
      logView.note(said(t()));
      matrix.cancel(); // a matrix's rows say their own kernel's errors: one here ends it
      // Still "connecting": the server refused this Run before it began (too big, a bad timeout, a limit), so no
      // phase will follow (each Run has a socket of its own, so the previous program ended when it was pressed).
      if (phase === PAGE_STATE.CONNECTING) setPhase(PAGE_STATE.IDLE);
      break;
    }
    default:
      break;
  }
}

let runSource = null; // the editor's text the latest Run sent
/** The program a Run sends: the editor's text, and the template it was rendered from with its applied values. */
function programToRun() {
  const picked = templates.current;
  return { source: editor.getSource(), template: picked?.id, params: picked ? templates.appliedValues() : null };
}

/** Runs the editor's text; parameters typed and not applied are applied first, or the page says they were not. */
async function run() {
  if (!(await pendingParams.beforeRun(run))) return;
  startRun(runMessage({ ...programToRun(), kernel: kernels.value() }));
}

/** Runs the editor's text on every kernel of the lab, firing the template's workload (or the one fired last) in each. */
async function runAll() {
  if (!(await pendingParams.beforeRun(runAll))) return;
  startRun(runAllMessage({ ...programToRun(), workload: suggested[0] ?? lastWorkload, seconds: MATRIX_SECONDS }));
  matrix.start();
  selectTab($('tab-matrix'));
}

/** Empties what the previous run showed and sends message on a new socket (which ends that run). */
function startRun(message) {
  matrix.cancel();
  runSource = message.source;
  instructions.runStarted(message.source);
  eventsEmpty.started(message.source);
  banner.hide();
  editor.clearDiagnostics();
  updateDiagSummary([]);
  events.reset();
  maps.reset();
  iterators.reset();
  logView.reset();
  printk.reset();
  showWorkloadResult('', () => '');
  sandbox = null;
  setPhase(PAGE_STATE.CONNECTING);
  client.start(message);
}

function stop() {
  // A matrix ends with its socket: the rows not in yet will not come.
  if (matrix.pending || !client.stop()) {
    client.close();
    setPhase(PHASE.STOPPED);
  }
  matrix.cancel();
}

$('run').addEventListener('click', () => run());
$('run-all').addEventListener('click', () => runAll());
$('stop').addEventListener('click', () => stop());
document.addEventListener('keydown', e => {
  // Ctrl/Cmd+Enter runs from anywhere on the page; inside the editor its own keymap already handled it.
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && !e.defaultPrevented) {
    e.preventDefault();
    run();
  }
});

// ---------- workloads ----------
let suggested = [];
let lastWorkload = null; // the workload fired last, for a matrix of a program no template suggests one for
let workloadResult = { kind: '', text: () => '' }; // the latest line beside the buttons; text(words) says it
function showWorkloadResult(kind, text) {
  workloadResult = { kind, text };
  const result = $('workload-result');
  result.className = `workload-result ${kind}`.trim();
  result.textContent = text(t());
  result.title = result.textContent;
}
async function loadWorkloads() {
  const box = $('workload-buttons');
  try {
    const list = await api('/api/workloads');
    box.replaceChildren(...(list || []).map(w => el('button', {
      type: 'button',
      'data-workload': w.name,
      'data-description': w.description || w.name,
      onclick: () => {
        lastWorkload = w.name;
        if (!client.send(workloadMessage(w.name))) {
          showWorkloadResult('fail', words => words.runFirst);
          return;
        }
        // The previous answer must not stand while this one runs: a learner would read it as this one's.
        showWorkloadResult('', words => words.workloadRunning(w.name));
      },
    }, w.name)));
  } catch (e) {
    box.replaceChildren(el('span', { class: 'muted', text: t().workloadsNone(e.message) }));
  }
  markSuggested();
  setPhase(phase, lastPhaseDetail);
}

function markSuggested() {
  for (const b of $('workload-buttons').querySelectorAll('button')) {
    b.classList.toggle('suggested', suggested.includes(b.dataset.workload));
  }
}

// ---------- templates ----------
const templates = new TemplatePicker({
  select: $('template-select'),
  form: $('params-form'),
  title: $('params-title'),
  description: $('params-description'),
  fields: $('params-fields'),
  error: $('params-error'),
  lang: pageLang,
  onSource: (source, template, before) => {
    const title = localized(template.title, pageLang()) || template.id;
    const what = words => (before.id === template.id ? words.applyingParams : words.theTemplate(title));
    guard.replace(source, { what, pristine: true, before: { template: before } });
    saveDraft();
  },
  onPending: () => pendingParams?.update(),
  onPick: template => {
    kernels.prefer(template?.kernel, words => words.theTemplate(localized(template.title, pageLang()) || template.id));
    const w = template?.workload ?? template?.workloads ?? [];
    suggested = (Array.isArray(w) ? w : [w]).filter(Boolean).map(String);
    markSuggested();
  },
  onError: showBanner,
});
pendingParams = new PendingParams({ templates, guard, isUnedited, note: $('params-pending'), words: t });

// ---------- drafts and share links ----------
function saveDraft() {
  clearTimeout(draftTimer);
  const source = editor.getSource();
  try {
    localStorage.setItem('bpflab.draft', JSON.stringify({
      source,
      template: templates.current?.id ?? null,
      params: templates.appliedValues(), // what the code was rendered with; values typed and not applied are not kept
      unedited: source === pristineSource,
    }));
  } catch { /* storage full or blocked: the draft is just not kept */ }
}
window.addEventListener('pagehide', saveDraft);

function readDraft() {
  try {
    const draft = JSON.parse(localStorage.getItem('bpflab.draft') || 'null');
    return draft && typeof draft.source === 'string' ? draft : null;
  } catch {
    return null;
  }
}

function shareIdFromPath(path = window.location.pathname) {
  const match = /^\/s\/([A-Za-z0-9_-]{1,64})\/?$/.exec(path);
  return match ? match[1] : null;
}

setupSharePopover({
  body: () => ({
    source: editor.getSource(),
    template: templates.current?.id ?? null,
    params: templates.appliedValues(),
    ...lessons.shareState(), // lesson: {id, step}, progress: ["<lesson id>/<step>", …]
  }),
  onError: showBanner,
  words: t,
});

// ---------- lesson pane (lessons.js) ----------
let lessons = null;
function showLesson(open) {
  $('lesson-pane').hidden = !open;
  document.querySelector('.layout').classList.toggle('with-lesson', open);
  $('lesson-toggle').setAttribute('aria-expanded', String(open));
  lessons?.shown(open);
}
$('lesson-toggle').addEventListener('click', () => showLesson($('lesson-pane').hidden));

const theme = setupThemeToggle($('theme-toggle'), t);

// ---------- the page's language ----------
// One language for every word on the page: the header's ES | EN and the lesson pane's select both set it
// (page-lang.js), and everything showing words says them again here, without touching the editor, the run or the lesson.
function showLanguage() {
  const lang = pageLang();
  document.documentElement.lang = lang;
  applyStaticWords(document, lang);
  for (const l of LANGS) $(`lang-${l}`).setAttribute('aria-pressed', String(l === lang));
}
for (const l of LANGS) $(`lang-${l}`).addEventListener('click', () => setPageLang(l));
onLangChange(() => {
  showLanguage();
  $('cursor-pos').textContent = t().cursor(cursor.line, cursor.column);
  updateDiagSummary(diagItems);
  banner.relabel();
  showWorkloadResult(workloadResult.kind, workloadResult.text);
  setPhase(phase, lastPhaseDetail);
  sandboxLoad.refresh();
  events.relabel();
  eventsEmpty.render();
  maps.relabel();
  iterators.relabel();
  instructions.relabel();
  logView.languageChanged();
  templates.relabel();
  pendingParams.update();
  guard.relabel();
  theme.relabel();
  kernels.relabel();
  matrix.relabel();
});
showLanguage();

// A small API for the parts that come later (the lesson pane, graders) and for tests.
window.bpflab = {
  editor: {
    getSource: () => editor.getSource(),
    /** setSource(text, {pristine: true}) for text the learner did not write (it can then be replaced without asking). */
    setSource: setEditorSource,
    isUnedited,
    onChange(listener) {
      editListeners.add(listener);
      return () => editListeners.delete(listener);
    },
    /** Forgets the notice above the editor (and its Undo): the code it spoke of was replaced. */
    dismissNotice: () => guard.dismiss(),
    gotoLine: (line, column) => editor.gotoLine(line, column),
    diagnostics: () => editor.diagnostics(),
  },
  lessonSlot: $('lesson-slot'),
  showLesson,
  run,
  stop,
  phase: () => phase,
  runSource: () => runSource,
  /** Sends a message on the current run's socket; false when no run is connected. */
  send: message => client.send(message),
  onRunMessage(listener) {
    runListeners.add(listener);
    return () => runListeners.delete(listener);
  },
  onPhase(listener) {
    phaseListeners.add(listener);
    return () => phaseListeners.delete(listener);
  },
  templates,
  /** prefer(id, words => "The lesson “…”"): a lesson written for kernel id picks it. */
  kernels,
};
lessons = new LessonPane({ slot: $('lesson-slot'), lab: window.bpflab });
window.bpflab.lessons = lessons;
iterators.relabel(); // in the language the lessons restored

/** A template push's toast: the template's title in the page's language; null (the plain words) if it is not known. */
function templatePushText(push) {
  const picked = templates.byId(push.template);
  const lang = pageLang();
  return picked ? strings(lang).pushedTemplate(localized(picked.title, lang) || push.template) : null;
}

// In a room (joined at /join): the instructor's pushes land here, and the editor's text is reported for the dashboard.
const room = attachRoom({
  getSource: () => editor.getSource(),
  words: t,
  // The toast names the pushed lesson or template by its title, in the lesson pane's language, once they are known.
  describePush: async push => (push.kind === 'lesson' ? lessons.describePush(push) : templatePushText(push)),
  onPush: push => {
    if (push.kind === 'template') templates.pick(push.template, Object.keys(push.params ?? {}).length ? push.params : undefined);
    window.dispatchEvent(new CustomEvent('bpflab:push', { detail: push })); // the lesson pane moves to push.lesson/step
  },
});
window.bpflab.room = room; // room?.progress(lessonId, step) when the learner changes step
onLangChange(() => room?.relabel());
setupRoomMenu($('room-menu'), () => window.bpflab.room); // join, create, or leave a room from the toolbar

// ---------- start ----------
async function openShare(shareId) {
  try {
    const shared = await api(`/api/shares/${encodeURIComponent(shareId)}`);
    const draft = readDraft();
    if (draft && !draft.unedited && draft.source !== STARTER && draft.source !== shared.source) {
      // The learner's own code from before is not in the editor any more, and the shared program's draft will take
      // its place in storage: kept here, it can be brought back.
      guard.keep({ source: draft.source, pristine: null, template: { id: draft.template, applied: draft.params } },
        words => words.sharedKept);
    }
    setEditorSource(shared.source ?? '');
    if (shared.template) templates.restore(shared.template, shared.params || undefined);
    document.title = t().sharedTitle(localized(templates.current?.title, pageLang()) || t().program);
    return shared;
  } catch (e) {
    // 404: no such share (or one deleted since); 410: it expired just now. The server's message says which.
    showBanner(words => (e.status === 404 || e.status === 410 ? words.shareGone(e.message) : words.shareFailedOpen(e.message)));
    return null;
  }
}

function restoreDraft() {
  const draft = readDraft();
  if (draft && draft.source !== loadedSource) {
    setEditorSource(draft.source, { pristine: draft.unedited === true });
    if (draft.template) templates.restore(draft.template, draft.params || undefined);
  }
}

async function loadKernels() {
  await kernels.load();
  $('run-all').hidden = !kernels.available;
  matrix.setAvailable(kernels.available);
}

async function start() {
  setPhase(PAGE_STATE.IDLE);
  preparation.start();
  const shareId = shareIdFromPath();
  await Promise.all([templates.load(), loadWorkloads(), lessons.load(), loadKernels()]);
  const shared = shareId ? await openShare(shareId) : null;
  if (!shared) restoreDraft();
  // The lesson pane comes last: it must see what the editor restored before it decides what to load.
  await lessons.start({ shared });
}
start();
