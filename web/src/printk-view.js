// The printk tab: bpf_printk lines as trace_pipe gives them, newest at the bottom; it follows new lines only while the
// learner has not scrolled up, and keeps the latest KEEP lines.
import { clockTime } from './format.js';

const KEEP = 2000;

export class PrintkView {
  /** log: the <pre> the lines go in; badge: the tab's count; clear: the button that empties the log. */
  constructor({ log, badge, clear }) {
    Object.assign(this, { log, badge });
    this.count = 0;
    clear.addEventListener('click', () => log.replaceChildren());
  }

  /** One printk message ({text, comm?, pid?}). */
  add(message) {
    const log = this.log;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
    const who = message.comm ? `${message.comm}${message.pid !== undefined ? `(${message.pid})` : ''}: ` : '';
    log.append(`${clockTime()} ${who}${message.text ?? ''}\n`);
    while (log.childNodes.length > KEEP) log.firstChild.remove();
    this.count++;
    this.badge.textContent = String(this.count);
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  /** A new run: no lines yet. */
  reset() {
    this.log.replaceChildren();
    this.count = 0;
    this.badge.textContent = '0';
  }
}
