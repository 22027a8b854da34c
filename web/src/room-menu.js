// The lab page's way into rooms: a toolbar button ("Rooms", or "Room: <title>" once joined) and its panel.
// Not in a room: join one with a code (students) or create one and open its dashboard (instructors), both on the rooms
// page (/join, /dashboard.html). In a room: who you are there, and Leave, which the server hears of (the dashboard
// then shows you as left). The membership itself is student-room.js's; this only shows it and asks it to end.
import './room-menu.css';
import { ROOM_EVENT, currentRoom, leaveRoomOnServer } from './dashboard/student-room.js';
import { el } from './format.js';

/**
 * Fills `slot` (an element in the toolbar) with the button and its panel. `room()` returns the page's room handle
 * (attachRoom's answer, with leave()) or null; it is asked each time, so a room attached later is seen.
 */
export function setupRoomMenu(slot, room) {
  const button = el('button', {
    type: 'button', id: 'room-menu-button', class: 'ghost', 'aria-expanded': 'false', 'aria-controls': 'room-panel',
  });
  const panel = el('div', { id: 'room-panel', class: 'popover room-panel', role: 'dialog', 'aria-label': 'Rooms', hidden: true });
  slot.replaceChildren(button, panel);
  let note = ''; // what just happened, shown once at the top of the panel ("You left …")

  const open = show => {
    panel.hidden = !show;
    button.setAttribute('aria-expanded', String(show));
    if (!show && note) {
      note = '';
      render();
    }
  };

  const fill = (...children) => panel.replaceChildren(...children.filter(Boolean));

  function render() {
    const member = currentRoom();
    button.textContent = member ? `Room: ${member.title}` : 'Rooms';
    button.title = member ? `You are ${member.name} in the room ${member.title}` : 'Join a class room, or create one';
    const close = el('button', { type: 'button', class: 'ghost icon room-panel-close', 'aria-label': 'Close', onclick: () => open(false) }, '✕');
    const said = note ? el('p', { class: 'room-note', role: 'status' }, note) : null;
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
            note = `You left ${title}. Your code stays here; your runs no longer show on its dashboard.`;
            render();
          } catch (e) {
            error.textContent = e.message;
            leave.disabled = false;
          }
        },
      }, 'Leave the room');
      fill(close, said,
        el('p', {}, 'You are ', el('strong', {}, member.name), ' in ', el('strong', {}, member.title), '.'),
        el('p', { class: 'muted' }, 'Your runs, checks and code show on your instructor\'s dashboard, and their pushes and messages reach this page.'),
        el('div', { class: 'row' }, leave), error);
    } else {
      fill(close, said,
        el('p', {}, el('strong', {}, 'Student? '), 'Join your class with the code your instructor shows: ',
          el('a', { id: 'room-join-link', href: '/join' }, 'Join a room'), '.'),
        el('p', {}, el('strong', {}, 'Instructor? '), 'Create a room and watch every student\'s runs live: ',
          el('a', { id: 'room-create-link', href: '/dashboard.html' }, 'Create a room'), '.'),
        el('p', { class: 'muted' }, 'Rooms need no account: a code and a display name.'));
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
  window.addEventListener('storage', e => {
    if (e.key === 'bpflab.room') render();
  });
  render();
}
