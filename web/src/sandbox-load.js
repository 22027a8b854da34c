// While a run waits in line, how busy the sandboxes are (GET /api/sandbox), said beside the phase every few seconds.
import { api } from './api.js';

const EVERY_MS = 3000;

export class SandboxLoad {
  /** box: where it is said; words(): the page's words; stillWaiting(): whether the run still waits for a sandbox. */
  constructor({ box, words, stillWaiting }) {
    Object.assign(this, { box, words, stillWaiting });
    this.timer = null;
  }

  /** Follows the load while queued is true; stops and clears it once not. */
  follow(queued) {
    if (queued && !this.timer) {
      this.show();
      this.timer = setInterval(() => this.show(), EVERY_MS);
    } else if (!queued && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
      this.box.textContent = '';
    }
  }

  /** Says it again now (in the page's current language), if it is being followed. */
  refresh() {
    if (this.timer) this.show();
  }

  async show() {
    let load;
    try {
      load = await api('/api/sandbox');
    } catch {
      load = null;
    }
    if (!load || !this.stillWaiting()) return;
    this.box.textContent = this.words().sandboxLoad(load.live, load.capacity, load.waiting);
    this.box.title = this.words().sandboxPooled(load.backend, load.pooled);
  }
}
