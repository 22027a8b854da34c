// Check: the server grades a lesson step on what the learner's attached program does ({"type":"check"} on /ws/run).
// With nothing attached, or with a program older than the editor's text, the checker runs the editor's program first
// and sends the check as soon as it is attached.
import { LIVE_PHASES, PHASE, SERVER_MESSAGE, checkMessage } from './protocol.js';
import { PAGE_STATE } from './run-client.js';

// A run on its way to attached: its socket is opening, or it is in a live phase before attached.
const STARTING = new Set([PAGE_STATE.CONNECTING, ...LIVE_PHASES.filter(phase => phase !== PHASE.ATTACHED)]);
const ANSWER_TIMEOUT_MS = 90_000; // the grader fires its workloads up to three rounds; this is far beyond that

/** Where a check is, as onUpdate reports it: the checker's own states, not run phases. */
export const CHECK_STATE = Object.freeze({
  STARTING: 'starting', // the editor's program is being run first
  CHECKING: 'checking', // the server fires the step's workloads
  PASSED: 'passed',
  FAILED: 'failed',
});

export class LessonChecker {
  /**
   * lab: window.bpflab. onUpdate({lesson, step, state, …}) gets a CHECK_STATE: STARTING, CHECKING (workloads),
   * PASSED or FAILED (message, details from the server, or reason "attach" | "ended" | "timeout" from the page).
   */
  constructor(lab, { onUpdate }) {
    this.lab = lab;
    this.onUpdate = onUpdate;
    this.waiting = null; // a check waiting for its run to attach
    this.asked = null; // a check sent, waiting for the server's verdict
    this.timer = 0;
    lab.onPhase(phase => this.phaseChanged(phase));
    lab.onRunMessage(message => this.runMessage(message));
  }

  get busy() {
    return this.waiting !== null || this.asked !== null;
  }

  check({ lesson, step, lang, workloads = [] }) {
    if (this.busy) return;
    const request = { lesson, step, lang, workloads };
    const current = this.lab.phase() === PHASE.ATTACHED && this.lab.runSource() === this.lab.editor.getSource();
    if (current && this.send(request)) return;
    this.waiting = request;
    this.report(request, { state: CHECK_STATE.STARTING });
    const running = STARTING.has(this.lab.phase()) && this.lab.runSource() === this.lab.editor.getSource();
    if (!running) this.lab.run();
  }

  send(request) {
    const { lesson, step, lang } = request;
    if (!this.lab.send(checkMessage({ lesson, step, lang }))) return false;
    this.asked = request;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.finish({ state: CHECK_STATE.FAILED, reason: 'timeout' }), ANSWER_TIMEOUT_MS);
    this.report(request, { state: CHECK_STATE.CHECKING, workloads: request.workloads });
    return true;
  }

  phaseChanged(phase) {
    if (this.waiting) {
      if (phase === PHASE.ATTACHED) {
        const request = this.waiting;
        this.waiting = null;
        if (!this.send(request)) this.report(request, { state: CHECK_STATE.FAILED, reason: 'ended' });
      } else if (!STARTING.has(phase)) {
        this.fail('attach');
      }
    } else if (this.asked && phase !== PHASE.ATTACHED) {
      this.finish({ state: CHECK_STATE.FAILED, reason: 'ended' });
    }
  }

  runMessage(message) {
    if (this.waiting && message.type === SERVER_MESSAGE.DIAGNOSTICS && hasErrors(message.items)) {
      this.fail('attach');
      return;
    }
    const asked = this.asked;
    if (!asked) return;
    const about = message.lesson === asked.lesson && message.step === asked.step;
    if (message.type === SERVER_MESSAGE.CHECKING && about) {
      const workloads = Array.isArray(message.workloads) ? message.workloads.map(String) : asked.workloads;
      this.report(asked, { state: CHECK_STATE.CHECKING, workloads });
    } else if (message.type === SERVER_MESSAGE.CHECK_RESULT && about) {
      this.finish({
        state: message.passed === true ? CHECK_STATE.PASSED : CHECK_STATE.FAILED,
        message: message.message ?? '',
        details: Array.isArray(message.details) ? message.details : [],
      });
    } else if (message.type === SERVER_MESSAGE.ERROR) {
      this.finish({ state: CHECK_STATE.FAILED, message: message.message ?? '' });
    }
  }

  fail(reason) {
    const request = this.waiting;
    this.waiting = null;
    this.report(request, { state: CHECK_STATE.FAILED, reason });
  }

  finish(result) {
    const request = this.asked;
    this.asked = null;
    clearTimeout(this.timer);
    if (request) this.report(request, result);
  }

  report({ lesson, step }, result) {
    this.onUpdate({ lesson, step, ...result });
  }
}

function hasErrors(items) {
  return !Array.isArray(items) || items.length === 0 || items.some(i => (i.severity || 'error').includes('error'));
}
