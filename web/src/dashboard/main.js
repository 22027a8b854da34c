// The rooms page: /dashboard.html (create a room, or watch one with #room=…&secret=…) and /join[/CODE] (students).
import './rooms.css';
import { setupThemeToggle } from '../theme.js';
import { el, hashParams, requestJson } from './dom.js';
import { startDashboard } from './dashboard.js';
import { currentRoom, leaveRoom, leaveRoomOnServer, rememberRoom } from './student-room.js';
import { checkJoinName } from './join-name.js';

const $ = id => document.getElementById(id);
const INSTRUCTOR_ROOMS = 'bpflab.instructorRooms';

setupThemeToggle($('theme-toggle'));

if (location.pathname.startsWith('/join')) {
  showJoin();
} else {
  const params = hashParams();
  if (params.get('room') && params.get('secret')) {
    startDashboard({ roomId: params.get('room'), secret: params.get('secret'), notice: $('notice'), connection: $('connection') });
  } else {
    showCreate();
  }
  window.addEventListener('hashchange', () => location.reload());
}

function showCreate() {
  $('create-view').hidden = false;
  $('page-title').textContent = 'New room';
  const mine = savedRooms();
  if (mine.length) {
    $('create-view').append(el('section', { class: 'card' },
      el('strong', {}, 'Rooms created in this browser'),
      el('ul', {}, mine.map(r => el('li', {}, el('a', { href: r.link }, r.title), ' ', el('span', { class: 'muted' }, r.joinCode))))));
  }
  $('create-form').addEventListener('submit', async e => {
    e.preventDefault();
    const button = e.submitter ?? $('create-form').querySelector('button');
    button.disabled = true;
    try {
      const created = await requestJson('/api/rooms', { method: 'POST', body: { title: $('create-title').value } });
      saveRoom({ title: created.title, joinCode: created.joinCode, link: created.instructorLink });
      $('create-form').replaceWith(el('section', { class: 'card' },
        el('p', {}, el('strong', {}, 'Keep this link: '), 'it is the only key to your dashboard (it is also remembered in this browser).'),
        el('dl', { class: 'created' },
          el('dt', {}, 'Your dashboard'), el('dd', {}, el('a', { href: created.instructorLink }, created.instructorLink)),
          el('dt', {}, 'Students join at'), el('dd', {}, created.joinLink),
          el('dt', {}, 'Join code'), el('dd', { class: 'join-code' }, created.joinCode)),
        el('a', { class: 'button primary', href: created.instructorLink }, 'Open the dashboard')));
    } catch (error) {
      $('notice').hidden = false;
      $('notice').classList.add('error');
      $('notice').textContent = `Could not create the room: ${error.message}`;
      button.disabled = false;
    }
  });
}

function savedRooms() {
  try {
    return JSON.parse(localStorage.getItem(INSTRUCTOR_ROOMS) ?? '[]');
  } catch {
    return [];
  }
}

function saveRoom(room) {
  try {
    localStorage.setItem(INSTRUCTOR_ROOMS, JSON.stringify([room, ...savedRooms()].slice(0, 10)));
  } catch { /* storage blocked: the link on screen is all there is */ }
}

async function showJoin() {
  $('join-view').hidden = false;
  $('page-title').textContent = 'Join';
  const code = decodeURIComponent(location.pathname.split('/')[2] ?? '');
  if (code) $('join-code').value = code.toUpperCase();
  ($('join-code').value ? $('join-name') : $('join-code')).focus();

  const member = currentRoom();
  if (member) {
    try {
      const me = await requestJson('/api/rooms/me', { secret: member.learnerToken });
      $('already').hidden = false;
      $('already-title').textContent = me.title;
      $('already-name').textContent = me.name;
    } catch (error) {
      if (error.status === 401 || error.status === 403) leaveRoom(); // the room was closed
    }
  }
  $('leave').addEventListener('click', async () => {
    $('join-error').textContent = '';
    try {
      await leaveRoomOnServer();
      $('already').hidden = true;
    } catch (error) {
      $('join-error').textContent = error.message;
    }
  });
  // Said while typing once the name is too long or holds an invisible character; every problem on Join.
  $('join-name').addEventListener('input', () => {
    const { kind, problem } = checkJoinName($('join-name').value);
    $('join-error').textContent = kind === 'length' || kind === 'invisible' ? problem : '';
  });
  $('join-form').addEventListener('submit', async e => {
    e.preventDefault();
    $('join-error').textContent = '';
    const { name, problem } = checkJoinName($('join-name').value);
    if (problem) {
      $('join-error').textContent = problem;
      $('join-name').focus();
      return;
    }
    try {
      const joined = await requestJson('/api/rooms/join', { method: 'POST', body: { code: $('join-code').value, name } });
      rememberRoom(joined);
      location.assign('/');
    } catch (error) {
      $('join-error').textContent = error.message;
    }
  });
}
