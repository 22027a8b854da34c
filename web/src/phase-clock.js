// How long the run has been in its current waiting phase (connecting, compiling, queued, loading), shown beside the
// phase in whole seconds, so a long wait is visibly a wait and not a hang. It imports nothing, so that a test can
// load it with plain node.

export class PhaseClock {
  /** element: where "12 s" goes; waiting: the phases that count; now(): milliseconds (a test gives its own clock). */
  constructor(element, waiting, now = () => performance.now()) {
    this.element = element;
    this.waiting = new Set(waiting);
    this.now = now;
    this.phase = null;
    this.since = 0;
    this.timer = 0;
  }

  /** The page's phase changed (or was said again: a queued run's new position keeps its clock). */
  set(phase) {
    if (phase === this.phase) return;
    this.phase = phase;
    clearInterval(this.timer);
    this.timer = 0;
    this.element.textContent = '';
    if (!this.waiting.has(phase)) return;
    this.since = this.now();
    this.timer = setInterval(() => this.render(), 1000);
  }

  render() {
    const seconds = Math.floor((this.now() - this.since) / 1000);
    this.element.textContent = seconds >= 1 ? `${seconds} s` : '';
  }
}
