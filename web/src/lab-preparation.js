// What the lab does before it can run anything: a fresh qemu host builds its guest image and boots the VM every run
// starts from (minutes without KVM). GET /api/sandbox says so ({state: "preparing", preparing: {stage, step, steps,
// text, stageSeconds, seconds}}, or {state: "failed", problem}), and a Run pressed meanwhile hears it in its queued
// phase ({"phase":"queued","preparing":{…}}, docs/run-contract.md). This keeps the latest word, asks again every few
// seconds until the lab is ready, counts the seconds in between, and says it in a sentence for the phase box.
import './lab-preparation.css';
import { api } from './api.js';
import { pageStrings } from './page-strings.js';

const POLL_MS = 2000;
const TICK_MS = 1000;
export const PREPARATION_STATE = Object.freeze({
  UNKNOWN: 'unknown', PREPARING: 'preparing', READY: 'ready', FAILED: 'failed',
});

/** "45 s", "1 min 10 s", "12 min" (whole seconds; minutes alone from 10 min on). */
export function durationText(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  return minutes >= 10 || s % 60 === 0 ? `${minutes} min` : `${minutes} min ${s % 60} s`;
}

/**
 * "Preparing the lab (step 1 of 4, 1 min 10 s): building the guest image: Debian packages", for a preparing object
 * as the server sends it, `later` seconds after it was sent, in `words` (page-strings.js): a stage the page knows is
 * said in the page's language, another in the server's text. How far along comes first: a narrow toolbar cuts the end.
 */
export function preparingText(preparing, later = 0, words = pageStrings('en')) {
  const known = typeof preparing?.stage === 'string' && Object.hasOwn(words.stages, preparing.stage)
    ? words.stages[preparing.stage] : null;
  const text = known ?? (typeof preparing?.text === 'string' ? preparing.text : words.gettingReady);
  const stepped = Number.isInteger(preparing?.step) && Number.isInteger(preparing?.steps);
  const seconds = Number.isFinite(preparing?.stageSeconds) ? preparing.stageSeconds : 0;
  return words.preparing(stepped ? preparing.step : 0, stepped ? preparing.steps : 0, durationText(seconds + later), text);
}

export class LabPreparation {
  /**
   * onChange() is called whenever text() may read differently (a new word from the server, or a second went by
   * while preparing); onFailed(problem) once, when the server says the lab could not get ready ('' when it did not
   * say why). words(): the page's words in its language now.
   */
  constructor({ onChange = () => {}, onFailed = () => {}, words = () => pageStrings('en') } = {}) {
    this.onChange = onChange;
    this.onFailed = onFailed;
    this.words = words;
    this.state = PREPARATION_STATE.UNKNOWN;
    this.preparing = null; // the server's latest preparing object
    this.heardAt = 0; // when it came, Date.now()
    this.problem = '';
    this.pollTimer = 0;
    this.tickTimer = 0;
  }

  /** Asks the server now, and again every few seconds until the lab is ready (or failed). */
  start() {
    this.poll();
  }

  /** A Run's queued phase said the lab is preparing. */
  heard(preparing) {
    this.update(PREPARATION_STATE.PREPARING, preparing, '');
    if (!this.pollTimer) this.pollTimer = setTimeout(() => this.poll(), POLL_MS);
  }

  /** What to show instead of "Ready" while the lab is not: null once it is ready (or before the server said). */
  text() {
    if (this.state === PREPARATION_STATE.PREPARING) {
      return preparingText(this.preparing, (Date.now() - this.heardAt) / 1000, this.words());
    }
    if (this.state === PREPARATION_STATE.FAILED) return this.words().labFailed;
    return null;
  }

  async poll() {
    this.pollTimer = 0;
    let load = null;
    try {
      load = await api('/api/sandbox');
    } catch {
      load = null; // the server is restarting, or unreachable: ask again
    }
    if (load?.state === PREPARATION_STATE.READY || load?.state === PREPARATION_STATE.FAILED
        || load?.state === PREPARATION_STATE.PREPARING) {
      this.update(load.state, load.preparing ?? null, load.problem ?? '');
    }
    if (this.state !== PREPARATION_STATE.READY && this.state !== PREPARATION_STATE.FAILED && !this.pollTimer) {
      this.pollTimer = setTimeout(() => this.poll(), POLL_MS);
    }
  }

  update(state, preparing, problem) {
    const failedNow = state === PREPARATION_STATE.FAILED && this.state !== PREPARATION_STATE.FAILED;
    this.state = state;
    this.preparing = preparing;
    this.heardAt = Date.now();
    this.problem = problem;
    if (state === PREPARATION_STATE.PREPARING && !this.tickTimer) {
      this.tickTimer = setInterval(() => this.onChange(), TICK_MS);
    } else if (state !== PREPARATION_STATE.PREPARING && this.tickTimer) {
      clearInterval(this.tickTimer);
      this.tickTimer = 0;
    }
    document.documentElement.dataset.labPreparation = state;
    this.onChange();
    if (failedNow) this.onFailed(problem || '');
  }
}
