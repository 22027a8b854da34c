// The rooms page: /dashboard.html (create a room, or watch one with #room=…&secret=…) and /join[/CODE] (students).
import './rooms.css';
import { setupThemeToggle } from '../theme.js';
import { el, hashParams, requestJson } from './dom.js';
import { startDashboard } from './dashboard.js';
import { currentRoom, leaveRoom, leaveRoomOnServer, rememberRoom } from './student-room.js';
import { MAX_NAME_CHARS, checkJoinName } from './join-name.js';
import { LANGS, onLangChange, pageLang, setPageLang } from '../page-lang.js';
import { applyStaticWords, pageStrings } from '../page-strings.js';

const $ = id => document.getElementById(id);
const INSTRUCTOR_ROOMS = 'bpflab.instructorRooms';

const joining = location.pathname.startsWith('/join');
// The join page speaks the lab page's language (a student comes from it, or goes to it next); the dashboard is English.
const words = () => pageStrings(joining ? pageLang() : 'en');
const theme = setupThemeToggle($('theme-toggle'), words);

if (joining) {
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

/** A join-name.js problem in the page's language: its own English words, or the page's for its kind. */
function nameProblem({ kind, problem, character, length }) {
  const say = words().nameProblem[kind];
  return typeof say === 'function' ? say({ empty: MAX_NAME_CHARS, invisible: character, length: MAX_NAME_CHARS }[kind], length) : problem;
}

async function showJoin() {
  $('join-view').hidden = false;
  let shownProblem = null; // the name's problem on screen, said again when the language changes
  const showLanguage = () => {
    const lang = pageLang();
    document.documentElement.lang = lang;
    applyStaticWords(document, lang);
    $('page-title').textContent = words().joinTitle;
    for (const l of LANGS) $(`lang-${l}`).setAttribute('aria-pressed', String(l === lang));
    if (shownProblem) $('join-error').textContent = nameProblem(shownProblem);
    theme.relabel();
  };
  const sayProblem = checked => {
    shownProblem = checked.problem ? checked : null;
    $('join-error').textContent = checked.problem ? nameProblem(checked) : '';
  };
  $('lang-switch').hidden = false;
  for (const l of LANGS) $(`lang-${l}`).addEventListener('click', () => setPageLang(l));
  onLangChange(showLanguage);
  showLanguage();
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
    sayProblem({});
    try {
      await leaveRoomOnServer();
      $('already').hidden = true;
    } catch (error) {
      $('join-error').textContent = error.message;
    }
  });
  // Said while typing once the name is too long or holds an invisible character; every problem on Join.
  $('join-name').addEventListener('input', () => {
    const checked = checkJoinName($('join-name').value);
    sayProblem(checked.kind === 'length' || checked.kind === 'invisible' ? checked : {});
  });
  $('join-form').addEventListener('submit', async e => {
    e.preventDefault();
    sayProblem({});
    const checked = checkJoinName($('join-name').value);
    if (checked.problem) {
      sayProblem(checked);
      $('join-name').focus();
      return;
    }
    const { name } = checked;
    try {
      const joined = await requestJson('/api/rooms/join', { method: 'POST', body: { code: $('join-code').value, name } });
      rememberRoom(joined);
      location.assign('/');
    } catch (error) {
      $('join-error').textContent = error.message;
    }
  });
}
