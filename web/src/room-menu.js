// The lab page's way into rooms: a toolbar button ("Rooms", or "Room: <title>" once joined) and its panel.
// Not in a room: join one with a code (students) or create one and open its dashboard (instructors), both on the rooms
// page (/join, /dashboard.html). In a room: who you are there, and Leave, which the server hears of (the dashboard
// then shows you as left). The membership itself is student-room.js's; this only shows it and asks it to end.
import './room-menu.css';
import { ROOM_EVENT, currentRoom, leaveRoomOnServer } from './dashboard/student-room.js';
import { el } from './format.js';
import { onLangChange, pageLang } from './page-lang.js';
import { pageStrings } from './page-strings.js';

/**
 * Fills `slot` (an element in the toolbar) with the button and its panel. `room()` returns the page's room handle
 * (attachRoom's answer, with leave()) or null; it is asked each time, so a room attached later is seen.
 */
export function setupRoomMenu(slot, room) {
  const button = el('button', {
    type: 'button', id: 'room-menu-button', class: 'ghost', 'aria-expanded': 'false', 'aria-controls': 'room-panel',
  });
  const panel = el('div', { id: 'room-panel', class: 'popover room-panel', role: 'dialog', hidden: true });
  slot.replaceChildren(button, panel);
  let note = null; // words => what just happened, shown once at the top of the panel ("You left …")

  const open = show => {
    panel.hidden = !show;
    button.setAttribute('aria-expanded', String(show));
    if (!show && note) {
      note = null;
      render();
    }
  };

  const fill = (...children) => panel.replaceChildren(...children.filter(Boolean));

  function render() {
    const t = pageStrings(pageLang());
    const member = currentRoom();
    panel.setAttribute('aria-label', t.rooms);
    button.textContent = member ? t.roomButton(member.title) : t.rooms;
    button.title = member ? t.roomTitleIn(member.name, member.title) : t.roomTitleOut;
    const close = el('button', { type: 'button', class: 'ghost icon room-panel-close', 'aria-label': t.close, onclick: () => open(false) }, '✕');
    const said = note ? el('p', { class: 'room-note', role: 'status' }, note(t)) : null;
    if (member) {
      const error = el('p', { class: 'error-text', role: 'alert' });
      const leave = el('button', {
        type: 'button', id: 'room-leave',
        onclick: async () => {
          leave.disabled = true;
          error.textContent = '';
          try {
            const handle = room();
            const title = member.title;
            await (handle ? handle.leave() : leaveRoomOnServer());
            note = words => words.youLeft(title);
            render();
          } catch (e) {
            error.textContent = e.message;
            leave.disabled = false;
          }
        },
      }, t.leaveRoom);
      const [youAre, inRoom, end] = t.youAre;
      fill(close, said,
        el('p', {}, youAre, el('strong', {}, member.name), inRoom, el('strong', {}, member.title), end),
        el('p', { class: 'muted' }, t.roomShows),
        el('div', { class: 'row' }, leave), error);
    } else {
      fill(close, said,
        el('p', {}, el('strong', {}, t.student), t.studentJoin,
          el('a', { id: 'room-join-link', href: '/join' }, t.joinRoom), '.'),
        el('p', {}, el('strong', {}, t.instructor), t.instructorCreate,
          el('a', { id: 'room-create-link', href: '/dashboard.html' }, t.createRoom), '.'),
        el('p', { class: 'muted' }, t.roomsNoAccount));
    }
  }

  button.addEventListener('click', () => open(panel.hidden));
  panel.addEventListener('keydown', e => {
    if (e.key === 'Escape') {
      open(false);
      button.focus();
    }
  });
  // Removed by the instructor, the room closed, or left from another tab: the button follows.
  window.addEventListener(ROOM_EVENT, render);
  onLangChange(render);
  window.addEventListener('storage', e => {
    if (e.key === 'bpflab.room') render();
  });
  render();
}
