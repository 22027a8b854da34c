// One WebSocket to /ws/run per Run press. Pressing Run again closes the old socket, which ends the old run.
import { leaveRoom, learnerQuery } from './dashboard/student-room.js';
import { errorMessage, stopMessage } from './protocol.js';

/**
 * What the lab shows before the server has said a run phase: no run yet, or the socket is opening. These are the
 * page's own states, not run phases (those are PHASE in protocol.js).
 */
/**
 * The close code of a run socket whose learner token belongs to no open room (the student left or was removed, or
 * the room closed): the server has said why in an error; the membership is forgotten here too, so the next Run runs
 * on the learner's own.
 */
export const MEMBERSHIP_ENDED = 4403;

export const PAGE_STATE = Object.freeze({
  IDLE: 'idle',
  CONNECTING: 'connecting',
  // "Run on all kernels" is under way: the server sends no phases for it, only its matrix rows (matrix-view.js).
  ALL_KERNELS: 'all-kernels',
});

/** The /ws/run address; learner (default true): in a room, with the learner token, so runs show on the dashboard. */
export function runSocketUrl(location = window.location, { learner = true } = {}) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // In a room (joined at /join), the learner token makes the run show on the instructor's dashboard.
  return `${scheme}//${location.host}/ws/run${learner ? learnerQuery() : ''}`;
}

export class RunClient {
  constructor({ onMessage, onClose }) {
    this.onMessage = onMessage;
    this.onClose = onClose;
    this.socket = null;
  }

  get active() {
    return this.socket !== null;
  }

  start(runMessage) {
    this.close();
    const socket = new WebSocket(runSocketUrl());
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify(runMessage));
    socket.onmessage = e => {
      if (this.socket !== socket) return;
      let message;
      try {
        message = JSON.parse(e.data);
      } catch {
        message = errorMessage(`The server sent something that is not JSON: ${String(e.data).slice(0, 200)}`);
      }
      this.onMessage(message);
    };
    socket.onclose = e => {
      if (e.code === MEMBERSHIP_ENDED) leaveRoom();
      if (this.socket !== socket) return;
      this.socket = null;
      this.onClose(e);
    };
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  stop() {
    return this.send(stopMessage());
  }

  /** Drops the socket without reporting its close: used when a new run replaces it. */
  close() {
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'replaced');
  }
}
