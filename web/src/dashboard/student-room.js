// The student's side of a room, for the lab page. Self-contained: it keeps the learner token (sessionStorage
// "bpflab.room" per tab, the last one joined in localStorage), opens /ws/rooms/student, shows who you are and the
// instructor's messages in a small corner bar, and hands pushes to the page.
//
// The lab page wires it in with (see web/src/dashboard/README.md):
//   import { attachRoom, learnerQuery } from './dashboard/student-room.js';
//   new WebSocket(`${scheme}//${location.host}/ws/run${learnerQuery()}`)       // so runs count for the room
//   const room = attachRoom({ onPush: push => …load push.template / push.lesson+step…, getSource: () => editor text });
//   room?.progress(lessonId, step)                                              // when the learner changes step

const STORAGE = 'bpflab.room';
const MAX_CODE_CHARS = 60_000; // stays under the server's 64 KiB WebSocket frame
const CODE_REPORT_MS = 5000;
/** The bar's and toasts' own words; the lab page passes its own, in its language (page-strings.js, same names). */
const ENGLISH = {
  dismiss: 'Dismiss',
  roomInstructorSays: text => `Instructor: ${text}`,
  roomClosed: 'The room was closed',
  roomRemoved: 'Your instructor removed you from the room',
  roomGone: 'Not in a room any more: join again',
  roomReconnecting: title => `${title} · reconnecting…`,
};
/** The window event ("bpflab:room") every change of membership fires: detail is the room now, or null. */
export const ROOM_EVENT = 'bpflab:room';

// Each tab keeps its own membership (sessionStorage), so two students sharing one browser profile (a lab PC) in two
// tabs stay two students: a second join in one tab no longer turns the first tab's runs into the second student's.
// localStorage keeps the last membership joined in this browser. A tab takes it when its page loads, once: a tab
// opened after a join (or the browser after a restart) is that student's, and a tab that was open before stays as
// it was ("null": in no room), whoever joins in other tabs later.
function parseRoom(text) {
  try {
    const room = JSON.parse(text ?? 'null');
    return room && typeof room.learnerToken === 'string' ? room : null;
  } catch {
    return null;
  }
}

try {
  if (sessionStorage.getItem(STORAGE) === null) {
    sessionStorage.setItem(STORAGE, JSON.stringify(parseRoom(localStorage.getItem(STORAGE))));
  }
} catch { /* storage blocked: no membership survives the page */ }

export function currentRoom() {
  try {
    return parseRoom(sessionStorage.getItem(STORAGE));
  } catch {
    return null;
  }
}

export function rememberRoom(joined) {
  const text = JSON.stringify({
    learnerToken: joined.learnerToken, roomId: joined.roomId, studentId: joined.studentId, name: joined.name, title: joined.title,
  });
  try {
    sessionStorage.setItem(STORAGE, text);
    localStorage.setItem(STORAGE, text);
  } catch { /* storage blocked: the room lasts as long as this page */ }
}

/**
 * Forgets this tab's membership (and the browser's last one, when it is the same); leaveRoomOnServer() tells the room
 * first.
 */
export function leaveRoom() {
  try {
    const own = parseRoom(sessionStorage.getItem(STORAGE));
    sessionStorage.setItem(STORAGE, 'null');
    const last = parseRoom(localStorage.getItem(STORAGE));
    if (!own || !last || last.learnerToken === own.learnerToken) localStorage.removeItem(STORAGE);
  } catch { /* nothing to forget */ }
  window.dispatchEvent(new CustomEvent(ROOM_EVENT, { detail: null }));
}

/**
 * Leaves the room this browser is in (DELETE /api/rooms/me): the dashboard then shows the student as left, and the
 * learner token stops working. Then forgets the membership here. A token the server no longer knows (the room was
 * closed, the instructor removed them) is forgotten too. Throws an Error with the server's reason otherwise
 * (nothing is forgotten then: the learner can try again).
 */
export async function leaveRoomOnServer() {
  const room = currentRoom();
  if (!room) return;
  let response;
  try {
    response = await fetch('/api/rooms/me', { method: 'DELETE', headers: { Authorization: `Bearer ${room.learnerToken}` } });
  } catch (error) {
    throw new Error(`Could not reach the bpflab server to leave the room (${error.message}).`);
  }
  if (!response.ok && response.status !== 401 && response.status !== 403) {
    const body = await response.json().catch(() => null);
    throw new Error(body?.message ?? `Leaving the room failed: HTTP ${response.status}.`);
  }
  leaveRoom();
}

/** "?learner=<token>" to append to /ws/run while in a room, else "". */
export function learnerQuery() {
  const room = currentRoom();
  return room ? `?learner=${encodeURIComponent(room.learnerToken)}` : '';
}

/**
 * Connects the page to its room, if it is in one. describePush(push) (optional) gives a push's toast text, or a
 * promise of it (null: the plain text with ids). onPush(push) gets {kind:"lesson",lesson,step} or
 * {kind:"template",template,params}; getSource() (optional) returns the editor's text, reported every few seconds when it
 * changed so the instructor can read it; words() (optional) gives the bar's and toasts' words in the page's language.
 * Returns {title, name, progress(lesson, step), leave(), relabel()} or null when not in a room; leave() tells the
 * server (the dashboard shows the student as left) and ends the membership; relabel() says the bar again after a
 * switch of language.
 */
export function attachRoom({ onPush = () => {}, getSource = null, onBroadcast = null, describePush = null, words = () => ENGLISH } = {}) {
  const room = currentRoom();
  if (!room) return null;
  injectStyle();
  const bar = document.createElement('div');
  bar.className = 'bpflab-room-bar';
  bar.setAttribute('role', 'status');
  bar.setAttribute('aria-live', 'polite');
  const who = document.createElement('div');
  who.className = 'who';
  bar.append(who);
  document.body.append(bar);

  let socket = null;
  let retry = 0;
  let closed = false;
  let lastSource = null;
  let lastPushId = sessionStorage.getItem('bpflab.room.lastPush');
  const seenBroadcasts = new Set();
  let position = null;

  let shown = { text: () => '', lost: false }; // the bar's words, to say again in another language
  const show = (text, lost = false) => {
    shown = { text: typeof text === 'function' ? text : () => text, lost };
    who.textContent = shown.text(words());
    who.classList.toggle('lost', lost);
  };

  function toast(text) {
    const node = document.createElement('div');
    node.className = 'toast';
    const body = document.createElement('span');
    body.className = 'body';
    body.textContent = text;
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = '✕';
    close.setAttribute('aria-label', words().dismiss);
    close.addEventListener('click', () => node.remove());
    node.append(body, close);
    bar.append(node);
    setTimeout(() => node.remove(), 60_000);
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${scheme}//${location.host}/ws/rooms/student?learner=${encodeURIComponent(room.learnerToken)}`);
    let opened = false;
    socket.onopen = () => {
      opened = true;
      retry = 0;
      if (position) send({ type: 'progress', ...position });
    };
    socket.onmessage = e => {
      let m;
      try {
        m = JSON.parse(e.data);
      } catch {
        return;
      }
      if (m.type === 'welcome') {
        show(`${m.room.title} · ${m.name}`);
        for (const b of m.broadcasts) seenBroadcasts.add(b.id); // old news: not shown again on reload
        if (m.push && m.push.id !== lastPushId) deliverPush(m.push);
        else if (m.push?.kind === 'template') send({ type: 'taken', push: m.push.id }); // applied before a reload
      } else if (m.type === 'push') {
        deliverPush(m);
      } else if (m.type === 'broadcast' && !seenBroadcasts.has(m.id)) {
        seenBroadcasts.add(m.id);
        if (onBroadcast) onBroadcast(m);
        toast(words().roomInstructorSays(m.text));
      } else if (m.type === 'closed') {
        closed = true;
        leaveRoom();
        show(w => w.roomClosed, true);
      } else if (m.type === 'removed') {
        closed = true;
        leaveRoom();
        show(w => w.roomRemoved, true);
      } else if (m.type === 'left') { // left from another tab
        ended();
      }
    };
    socket.onclose = async e => {
      if (closed) return;
      if (e.code === 4410) { // removed, and the notice did not arrive first
        closed = true;
        leaveRoom();
        show(w => w.roomRemoved, true);
        return;
      }
      if (e.code === 4411) { // left from another tab
        ended();
        return;
      }
      if (!opened) {
        const response = await fetch('/api/rooms/me', { headers: { Authorization: `Bearer ${room.learnerToken}` } }).catch(() => null);
        if (response && (response.status === 401 || response.status === 403)) {
          closed = true;
          leaveRoom();
          show(w => w.roomGone, true);
          return;
        }
      }
      show(w => w.roomReconnecting(room.title), true);
      retry = Math.min(retry + 1, 5);
      setTimeout(connect, 500 * 2 ** retry);
    };
  }

  function deliverPush(push) {
    lastPushId = push.id;
    try {
      sessionStorage.setItem('bpflab.room.lastPush', push.id);
    } catch { /* fine */ }
    // push.step is the step's index; the lesson pane shows it as "Step <index + 1> of N", and so does this.
    const plain = push.kind === 'lesson' ? `Your instructor moved everyone to ${push.lesson}${Number.isInteger(push.step) ? `, Step ${push.step + 1}` : ''}.`
      : `Your instructor sent the template ${push.template}.`;
    // The page may say it better (a lesson's title in its language): its words when it has them, these otherwise.
    Promise.resolve(describePush ? describePush(push) : null).then(text => toast(text || plain), () => toast(plain));
    try {
      onPush(push);
      // A template is applied by now; a lesson push counts as taken when the lesson pane reports the pushed step,
      // which it does once the learner chose whether to replace their code.
      if (push.kind === 'template') send({ type: 'taken', push: push.id });
    } catch (error) {
      console.error('the page could not apply a push', error);
    }
  }

  let codeTimer = 0;
  if (getSource) {
    codeTimer = setInterval(() => {
      let source;
      try {
        source = String(getSource() ?? '');
      } catch {
        return;
      }
      if (source === lastSource) return;
      lastSource = source;
      send({ type: 'code', source: source.slice(0, MAX_CODE_CHARS) });
    }, CODE_REPORT_MS);
  }

  /** The membership is over (this page or another one left): no reconnecting, no bar. */
  function ended() {
    closed = true;
    clearInterval(codeTimer);
    socket?.close(1000, 'left');
    bar.remove();
    if (currentRoom()?.learnerToken === room.learnerToken) leaveRoom();
  }

  show(`${room.title} · ${room.name}`);
  connect();
  return {
    title: room.title,
    name: room.name,
    progress(lesson, step) {
      position = { lesson, step };
      send({ type: 'progress', lesson, step });
    },
    relabel() {
      who.textContent = shown.text(words());
    },
    /** Leaves the room for good (the server marks the student as left); rejects with the server's reason. */
    async leave() {
      await leaveRoomOnServer();
      ended();
    },
  };
}

function injectStyle() {
  if (document.getElementById('bpflab-room-style')) return;
  const style = document.createElement('style');
  style.id = 'bpflab-room-style';
  style.textContent = `
.bpflab-room-bar { position: fixed; right: 12px; bottom: 12px; z-index: 50; display: flex; flex-direction: column; gap: 6px;
  align-items: flex-end; max-width: min(420px, 90vw); font: 13px/1.4 system-ui, sans-serif; }
.bpflab-room-bar .who { padding: 3px 10px; border-radius: 12px; background: var(--surface-2, #eaeef3);
  color: var(--text, #1d232b); border: 1px solid var(--border, #d5dbe2); }
.bpflab-room-bar .who.lost { color: var(--err, #c4232d); }
.bpflab-room-bar .toast { padding: 8px 12px; border-radius: 8px; background: var(--accent, #1f5fd1); color: var(--accent-text, #fff);
  box-shadow: 0 4px 14px rgba(0,0,0,.25); display: flex; gap: 8px; align-items: flex-start; }
.bpflab-room-bar .toast .body { flex: 1; white-space: pre-wrap; }
.bpflab-room-bar .toast button { background: transparent; border: 0; color: inherit; cursor: pointer; padding: 0 2px; }`;
  document.head.append(style);
}
