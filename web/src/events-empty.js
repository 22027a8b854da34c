// What the empty events table says, following the run: nothing running, waiting for the program to attach,
// attached and waiting for events (and whether a workload already fired without one), or a program that has no
// ring or perf buffer and so never sends events.
import { LIVE_PHASES, PHASE } from './protocol.js';
import { PAGE_STATE } from './run-client.js';
import { pageStrings } from './page-strings.js';

const STARTING = new Set([PAGE_STATE.CONNECTING, ...LIVE_PHASES.filter(phase => phase !== PHASE.ATTACHED)]);

/** Whether C source declares a map that streams records to the page (a ring buffer or a perf event array). */
export function declaresEventBuffer(source) {
  const code = String(source ?? '').replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  return /\bBPF_MAP_TYPE_(RINGBUF|PERF_EVENT_ARRAY)\b/.test(code);
}

/**
 * The text for: phase (a PHASE or PAGE_STATE), buffer (declaresEventBuffer of the running source), fired (a workload's
 * name), in `words` (page-strings.js).
 */
export function emptyEventsText({ phase, buffer, fired }, words = pageStrings('en')) {
  if (STARTING.has(phase)) return words.emptyWaiting;
  if (phase !== PHASE.ATTACHED) return words.emptyIdle;
  if (!buffer) return words.emptyNoBuffer;
  if (fired) return words.emptyFired(fired);
  return words.emptyAttached;
}

export class EventsEmpty {
  /** words(): the page's words in its language now; render() says the text again after a switch. */
  constructor(element, words = () => pageStrings('en')) {
    this.element = element;
    this.words = words;
    this.state = { phase: PAGE_STATE.IDLE, buffer: false, fired: null };
    this.render();
  }

  /** A Run started with this source. */
  started(source) {
    this.state = { ...this.state, buffer: declaresEventBuffer(source), fired: null };
    this.render();
  }

  phase(phase) {
    this.state.phase = phase;
    this.render();
  }

  /** A workload answered; `name` fired when ok. */
  fired(name, ok) {
    if (ok) this.state.fired = name;
    this.render();
  }

  render() {
    this.element.textContent = emptyEventsText(this.state, this.words());
  }
}
