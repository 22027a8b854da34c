// Errors as you type: once typing pauses, the editor's text is compiled only (nothing runs) over a /ws/run socket of
// its own, so pressing Run (which replaces the run's socket) never loses a compile and a compile never touches a run.
// The server compiles one request per connection at a time and answers only the newest waiting one (run-contract.md,
// "compile"); each request carries a number, and only the answer to the newest one, for the text still in the
// editor, becomes markers.
import { SERVER_MESSAGE, compileMessage } from './protocol.js';
import { runSocketUrl } from './run-client.js';

/** How long typing must pause before the text is compiled, in milliseconds. */
export const TYPING_PAUSE_MS = 500;

export class CompileAsYouType {
  /**
   * getSource: () => the editor's text. getKernel: () => the kernel to compile for (null: the lab's default).
   * onCompiled(answer): a COMPILED answer ({ok, diagnostics, problem}) for the
   * text the editor holds now. onInstructions(listing): the INSTRUCTIONS that follow a successful answer, for the same text.
   */
  constructor({ getSource, getKernel, onCompiled, onInstructions }) {
    this.onInstructions = onInstructions;
    this.getKernel = getKernel;
    this.getSource = getSource;
    this.onCompiled = onCompiled;
    this.socket = null;
    this.timer = 0;
    this.nextId = 1;
    this.sent = null; // {id, source, kernel} of the newest request sent
    this.answered = null; // the source of the newest answer shown
  }

  /** The text changed: compile it once typing pauses. */
  edited() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.compileNow(), TYPING_PAUSE_MS);
  }

  /** Compiles the editor's text now, unless it is blank or is the text last sent for the same kernel. */
  compileNow() {
    clearTimeout(this.timer);
    const source = this.getSource();
    const kernel = this.getKernel();
    if (!source.trim() || (source === this.sent?.source && kernel === this.sent.kernel)) return;
    this.sent = { id: this.nextId++, source, kernel };
    const socket = this.open();
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(this.request()));
    // Still connecting: the open handler sends the newest request.
  }

  request() {
    return compileMessage(this.sent.source, this.sent.id, this.sent.kernel);
  }

  open() {
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) return this.socket;
    const socket = new WebSocket(runSocketUrl(window.location, { learner: false }));
    this.socket = socket;
    socket.onopen = () => {
      if (this.sent) socket.send(JSON.stringify(this.request()));
    };
    socket.onmessage = e => {
      let message;
      try {
        message = JSON.parse(e.data);
      } catch {
        return;
      }
      // An ERROR here refused a request (a program over the size limit): Run says the same, in the banner.
      if (message.type === SERVER_MESSAGE.INSTRUCTIONS && message.id === this.sent?.id
        && this.getSource() === this.sent.source) {
        this.onInstructions?.(message); // the Instructions tab follows the text as typed
        return;
      }
      if (message.type !== SERVER_MESSAGE.COMPILED || message.id !== this.sent?.id) return;
      if (this.getSource() !== this.sent.source) return; // typed on since: the next pause asks again
      this.answered = this.sent.source;
      this.onCompiled(message);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      // Closed while an answer was awaited (the server restarted, the idle timeout): the next pause asks again.
      if (this.sent && this.answered !== this.sent.source) this.sent = null;
    };
    return socket;
  }
}
