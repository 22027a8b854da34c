// What the empty events table says, following the run: nothing running, waiting for the program to attach,
// attached and waiting for events (and whether a workload already fired without one), or a program that has no
// ring or perf buffer and so never sends events.
import { LIVE_PHASES, PHASE } from './protocol.js';
import { PAGE_STATE } from './run-client.js';

const STARTING = new Set([PAGE_STATE.CONNECTING, ...LIVE_PHASES.filter(phase => phase !== PHASE.ATTACHED)]);

/** Whether C source declares a map that streams records to the page (a ring buffer or a perf event array). */
export function declaresEventBuffer(source) {
  const code = String(source ?? '').replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  return /\bBPF_MAP_TYPE_(RINGBUF|PERF_EVENT_ARRAY)\b/.test(code);
}

/** The text for: phase (a PHASE or PAGE_STATE), buffer (declaresEventBuffer of the running source), fired (a workload's name). */
export function emptyEventsText({ phase, buffer, fired }) {
  if (STARTING.has(phase)) return 'Waiting for the program to attach…';
  if (phase !== PHASE.ATTACHED) {
    return 'Nothing is running. Run a program that sends records through a ring buffer or perf buffer, then make it fire.';
  }
  if (!buffer) {
    return 'The program is attached, but it has no ring buffer or perf buffer, so no events come here: see printk and Maps.';
  }
  if (fired) {
    return `Attached, waiting for events. “${fired}” ran and no event came yet: if none comes, the program's conditions `
      + '(or its parameters) leave it out.';
  }
  return 'Attached, waiting for events: make it fire with the buttons above, or wait for the kernel to do it.';
}

export class EventsEmpty {
  constructor(element) {
    this.element = element;
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
    this.element.textContent = emptyEventsText(this.state);
  }
}
