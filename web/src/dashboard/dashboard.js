// The instructor's live dashboard: one WebSocket (/ws/rooms/{id}/dashboard) for a snapshot and then changed rows,
// REST calls for the actions (push, broadcast, export, lock joining, remove a student, close). The secret lives in the
// page's #fragment only.
import { ago, clock, el, requestJson, wsUrl } from './dom.js';
import { localized } from '../templates.js';
import { PHASE, PHASES } from '../protocol.js';

// Sorting by phase puts failed runs first (they need the instructor), then the others in the order a run goes.
const PHASE_ORDER = [PHASE.FAILED, ...PHASES.filter(phase => phase !== PHASE.FAILED)];
const phaseRank = phase => (PHASE_ORDER.includes(phase) ? PHASE_ORDER.indexOf(phase) : PHASE_ORDER.length);
const IDLE_MS = 5 * 60 * 1000;
// "step" on the wire is the step's index; people read the learner's page numbering, "Step 1" for index 0.
const stepLabel = step => (Number.isInteger(step) ? `Step ${step + 1}` : '');
const PUSH_PENDING = 'pending';
const SILENT_MS = 20 * 1000;

// A student who left keeps their row, frozen at what was last known; nothing about it is live any more, so no
// live count or filter (attached, silent, flowing, stuck, …) includes them.
const present = s => !s.leftAt;
const attached = s => present(s) && s.phase === PHASE.ATTACHED;

const FILTERS = {
  all: () => true,
  stuck: s => present(s) && s.failStreak >= 2,
  verify: s => present(s) && s.diagnostic?.stage === 'verify',
  compile: s => present(s) && s.diagnostic?.stage === 'compile',
  silent: (s, now) => attached(s) && s.events === 0 && now - s.phaseAt > SILENT_MS,
  flowing: s => attached(s) && s.events > 0,
  failedCheck: s => s.check && !s.check.passed,
  pushPending: s => present(s) && s.pushState === PUSH_PENDING,
  idle: (s, now) => now - s.lastActivity > IDLE_MS,
  offline: s => !s.online,
  left: s => Boolean(s.leftAt),
};

const SORTS = {
  name: (a, b) => a.name.localeCompare(b.name),
  step: (a, b) => (a.lesson ?? '').localeCompare(b.lesson ?? '') || (a.step ?? -1) - (b.step ?? -1),
  phase: (a, b) => phaseRank(a.phase) - phaseRank(b.phase),
  diagnostic: (a, b) => diagRank(b) - diagRank(a) || b.failStreak - a.failStreak,
  events: (a, b) => b.events - a.events,
  check: (a, b) => checkRank(a) - checkRank(b),
  runs: (a, b) => b.runs - a.runs,
  activity: (a, b) => b.lastActivity - a.lastActivity,
};

function diagRank(s) {
  if (!s.diagnostic) return 0;
  return s.diagnostic.stage === 'verify' ? 2 : 1;
}

function checkRank(s) {
  if (!s.check) return 2;
  return s.check.passed ? 1 : 0;
}

export function startDashboard({ roomId, secret, notice, connection }) {
  const $ = id => document.getElementById(id);
  const students = new Map();
  const changedAt = new Map();
  const rowCache = new Map();
  let room = null;
  let locked = false;
  let skew = 0; // client clock minus server clock
  let sort = { key: 'name', dir: 1 };
  let renderQueued = false;
  let socket = null;
  let retry = 0;
  let finished = false;
  const lessonSteps = new Map(); // lesson id → how many steps it has

  $('dashboard-view').hidden = false;
  const serverNow = () => Date.now() - skew;

  // ---- the live connection ----
  function connect() {
    const url = wsUrl(`/ws/rooms/${encodeURIComponent(roomId)}/dashboard?secret=${encodeURIComponent(secret)}`);
    socket = new WebSocket(url);
    let opened = false;
    setConnection('connecting', 'connecting…');
    socket.onopen = () => {
      opened = true;
      retry = 0;
      setConnection('live', 'live');
    };
    socket.onmessage = e => {
      let message;
      try {
        message = JSON.parse(e.data);
      } catch {
        return;
      }
      onMessage(message);
    };
    socket.onclose = async e => {
      if (finished) return;
      if (e.code === 4404) return roomClosed();
      if (!opened) {
        // The browser does not say why an upgrade was refused; the REST API does.
        try {
          await requestJson(`/api/rooms/${encodeURIComponent(roomId)}`, { secret });
        } catch (error) {
          if ([401, 403, 404].includes(error.status)) {
            finished = true;
            setConnection('lost', 'no access');
            showNotice(error.status === 404 ? 'This room does not exist (any more).' : `No access: ${error.message}`, true);
            return;
          }
        }
      }
      setConnection('lost', 'reconnecting…');
      retry = Math.min(retry + 1, 5);
      setTimeout(connect, 500 * 2 ** retry);
    };
  }

  function onMessage(message) {
    switch (message.type) {
      case 'snapshot':
        skew = Date.now() - message.now;
        room = message.room;
        students.clear();
        rowCache.clear();
        for (const s of message.students) students.set(s.id, s);
        showRoom();
        showLock(message.room.locked === true);
        $('announcements').replaceChildren();
        [...message.broadcasts, ...(message.push ? [message.push] : [])].sort((a, b) => a.at - b.at).forEach(announce);
        break;
      case 'students':
        skew = Date.now() - message.now;
        for (const s of message.students) {
          students.set(s.id, s);
          changedAt.set(s.id, Date.now());
        }
        break;
      case 'push':
      case 'broadcast':
        announce(message);
        break;
      case 'removed':
        // The row leaves for good: the student's token no longer works (they may join again as someone new).
        students.delete(message.studentId);
        rowCache.delete(message.studentId);
        changedAt.delete(message.studentId);
        actionResult(`${message.name} was removed from the room.`);
        break;
      case 'locked':
        showLock(message.locked === true);
        break;
      case 'closed':
        roomClosed();
        return;
      default:
        return;
    }
    queueRender();
  }

  function roomClosed() {
    finished = true;
    setConnection('lost', 'closed');
    showNotice('This room was closed. Students can no longer join or report to it.', true);
    document.querySelectorAll('#dashboard-view button, #dashboard-view input, #dashboard-view select')
      .forEach(control => { control.disabled = true; });
  }

  function setConnection(state, text) {
    connection.hidden = false;
    connection.dataset.state = state;
    connection.textContent = text;
  }

  function showNotice(text, error = false) {
    notice.hidden = false;
    notice.textContent = text;
    notice.classList.toggle('error', error);
  }

  function showRoom() {
    document.title = `${room.title} · bpflab dashboard`;
    $('room-title').textContent = room.title;
    $('page-title').textContent = 'Instructor dashboard';
    const joinLink = `${location.origin}/join/${room.joinCode}`;
    $('join-link').href = joinLink;
    $('join-link').textContent = `${location.host}/join`;
    $('join-code-big').textContent = room.joinCode;
    $('fullscreen-code').textContent = room.joinCode;
    $('fullscreen-link').textContent = `${location.host}/join`;
  }

  /** Whether the room refuses new students, on the lock button and beside the join link. */
  function showLock(isLocked) {
    locked = isLocked;
    const button = $('lock-room');
    button.textContent = locked ? 'Unlock joining' : 'Lock joining';
    button.setAttribute('aria-pressed', String(locked));
    button.title = locked ? 'Let new students join again' : 'Refuse new students; those already in stay';
    $('locked-badge').hidden = !locked;
  }

  // ---- rendering ----
  function queueRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      render();
    });
  }

  function render() {
    const now = serverNow();
    const filter = FILTERS[$('filter').value] ?? FILTERS.all;
    const search = $('search').value.trim().toLowerCase();
    const all = [...students.values()];
    const shown = all.filter(s => filter(s, now) && (!search || searchable(s).includes(search)));
    const compare = SORTS[sort.key];
    shown.sort((a, b) => sort.dir * compare(a, b) || a.name.localeCompare(b.name));

    const tbody = $('students').tBodies[0];
    const rows = shown.map(s => cachedRow(s, now));
    const current = [...tbody.children];
    if (rows.length !== current.length || rows.some((r, i) => r !== current[i])) tbody.replaceChildren(...rows);
    $('empty').hidden = shown.length > 0;
    $('empty').textContent = all.length === 0 ? 'Nobody has joined yet.' : 'Nobody matches this filter.';
    const plural = n => `${n} student${n === 1 ? '' : 's'}`;
    $('shown').textContent = shown.length === all.length ? plural(all.length) : `${shown.length} of ${plural(all.length)}`;
    renderCounters(all, now);
    for (const th of $('students').tHead.rows[0].cells) {
      if (th.dataset.sort === sort.key) th.setAttribute('aria-sort', sort.dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
  }

  function searchable(s) {
    return [s.name, s.lesson, s.diagnostic?.message, s.error, s.check?.message].filter(Boolean).join(' ').toLowerCase();
  }

  function renderCounters(all, now) {
    const count = predicate => all.filter(s => predicate(s, now)).length;
    const counters = [
      ['online', count(s => s.online), ''],
      ['left', count(FILTERS.left), ''],
      [PHASE.ATTACHED, count(attached), 'ok'],
      ['verifier', count(FILTERS.verify), 'err'],
      ['compile', count(FILTERS.compile), 'err'],
      ['stuck', count(FILTERS.stuck), 'err'],
      ['push pending', count(FILTERS.pushPending), 'warn'],
    ];
    $('counters').replaceChildren(...counters.map(([label, n, cls]) =>
      el('div', { class: n > 0 ? cls : '' }, el('dt', {}, label), el('dd', {}, n))));
  }

  /** A row is rebuilt only when what it shows changed, so a button under the pointer stays the same element. */
  function cachedRow(s, now) {
    const recentlyChanged = Date.now() - (changedAt.get(s.id) ?? 0) < 1200;
    const signature = `${JSON.stringify(s)}|${ago(now - s.lastActivity)}|${recentlyChanged}`;
    const cached = rowCache.get(s.id);
    if (cached && cached.signature === signature) return cached.tr;
    const tr = row(s, now, recentlyChanged);
    rowCache.set(s.id, { signature, tr });
    return tr;
  }

  function row(s, now, recentlyChanged) {
    const tr = el('tr', { class: [s.failStreak >= 2 ? 'stuck' : '', recentlyChanged ? 'flash' : '', s.leftAt ? 'left' : '']
      .join(' ').trim() || null });
    tr.append(
      el('td', { title: `joined ${clock(s.joinedAt)}` },
        el('span', { class: `dot${s.online ? ' on' : ''}`, title: s.online ? 'page open' : 'page closed' }),
        el('span', { class: 'name' }, s.name),
        // A student who left keeps their row (runs, checks: the class's record) until the instructor removes it.
        s.leftAt ? el('span', { class: 'badge left', title: `left the room at ${clock(s.leftAt)}` }, `left ${clock(s.leftAt)}`) : null),
      el('td', {}, s.lesson ? `${s.lesson}${Number.isInteger(s.step) ? ` · ${stepLabel(s.step)}` : ''}` : '—',
        s.passedSteps ? el('div', { class: 'small muted' }, `✓ ${s.passedSteps} step${s.passedSteps === 1 ? '' : 's'} passed`) : null,
        s.pushState === PUSH_PENDING ? el('div', {}, el('span', { class: 'badge pending',
          title: 'The page has not taken your latest push yet: it is closed, or the student has not chosen "Replace" or "Keep my code".' },
        'push pending')) : null),
      el('td', {}, phaseBadge(s),
        // The kernel the last Run asked for (GET /api/kernels): a program may work on one kernel and not another.
        s.kernel ? el('div', { class: 'small muted', title: 'the kernel of the last Run' }, `on ${s.kernel}`) : null),
      el('td', { class: 'diag' }, diagnosticCell(s)),
      el('td', { class: 'num' }, s.events || (s.phase === PHASE.ATTACHED ? '0' : ''),
        s.workload ? el('div', { class: 'small muted', title: s.workload.detail ?? '' },
          `${s.workload.name} ${s.workload.ok ? '✓' : '✗'}`) : null),
      el('td', {}, checkCell(s)),
      el('td', { class: 'num' }, s.runs, s.failStreak >= 2 ? el('div', { class: 'streak' }, `${s.failStreak} failed in a row`) : null),
      el('td', { title: clock(s.lastActivity) }, ago(now - s.lastActivity)),
      el('td', { class: 'row-actions' }, el('button', {
        type: 'button', class: 'ghost small', disabled: !s.source,
        title: s.source ? `${s.source.origin === 'run' ? 'the code of the last Run' : 'the editor'}, ${clock(s.source.at)}` : 'no code yet',
        onclick: () => openCode(s),
      }, 'Code'), el('button', {
        type: 'button', class: 'ghost small danger', title: `Remove ${s.name} from the room`,
        onclick: () => removeStudent(s),
      }, 'Remove')),
    );
    return tr;
  }

  function phaseBadge(s) {
    if (!s.phase) return el('span', { class: 'muted' }, 'no run yet');
    if (s.leftAt) return el('span', { class: 'muted', title: `last known before they left, at ${clock(s.phaseAt)}` }, `was ${s.phase}`);
    const label = s.phase === PHASE.QUEUED && s.queuePosition ? `queued #${s.queuePosition}` : s.phase;
    return el('span', { class: `badge ${s.phase}`, title: `since ${clock(s.phaseAt)}` }, label);
  }

  function diagnosticCell(s) {
    const d = s.diagnostic;
    if (d) {
      const where = d.line ? `L${d.line}${d.column ? `:${d.column}` : ''}` : '';
      return [
        el('span', { class: `badge ${d.stage}` }, d.stage === 'verify' ? 'verifier' : d.stage), ' ',
        where, d.errors > 1 ? el('span', { class: 'muted' }, ` (+${d.errors - 1})`) : null,
        el('span', { class: 'msg', title: d.message }, d.message),
      ];
    }
    if (s.error) return el('span', { class: 'msg check fail', title: s.error }, s.error);
    return '';
  }

  function checkCell(s) {
    const c = s.check;
    if (!c) return '';
    const where = c.lesson ? `${c.lesson}${Number.isInteger(c.step) ? ` · ${stepLabel(c.step)}` : ''}` : '';
    return el('span', { class: `check ${c.passed ? 'pass' : 'fail'}`, title: c.message ?? '' },
      `${c.passed ? '✓' : '✗'} ${where}`, c.message ? el('span', { class: 'msg' }, c.message) : null);
  }

  async function openCode(s) {
    const dialog = $('code-dialog');
    $('code-title').textContent = `${s.name}'s code`;
    $('code-meta').textContent = 'loading…';
    $('code-body').replaceChildren();
    dialog.showModal();
    try {
      const code = await requestJson(`/api/rooms/${encodeURIComponent(roomId)}/students/${encodeURIComponent(s.id)}/source`, { secret });
      const hit = students.get(s.id)?.diagnostic?.line;
      $('code-meta').textContent = code.source === null ? 'no code yet'
        : `${code.origin === 'run' ? 'last Run' : 'editor'} at ${clock(code.at)} · read-only`;
      const lines = (code.source ?? '').split('\n');
      $('code-body').replaceChildren(...lines.map((text, i) =>
        el('span', { class: `line${i + 1 === hit ? ' hit' : ''}` }, text || ' ')));
      $('code-body').querySelector('.hit')?.scrollIntoView({ block: 'center' });
    } catch (error) {
      $('code-meta').textContent = error.message;
    }
  }

  // ---- actions ----
  /** The room's latest pushes and broadcasts, newest first, as students received them. */
  function announce(m) {
    const list = $('announcements');
    const text = m.type === 'push' ? `pushed ${describePush(m)}` : `“${m.text}”`;
    list.prepend(el('li', {}, el('span', { class: 'muted' }, clock(m.at)), ' ', text));
    while (list.children.length > 5) list.lastChild.remove();
  }

  function actionResult(text) {
    $('action-result').textContent = text;
  }

  function describePush(p) {
    return p.kind === 'lesson' ? `lesson ${p.lesson}${Number.isInteger(p.step) ? `, ${stepLabel(p.step)}` : ''}` : `template ${p.template}`;
  }

  async function act(what, path, body) {
    try {
      const answer = await requestJson(`/api/rooms/${encodeURIComponent(roomId)}${path}`, { method: 'POST', body, secret });
      actionResult(`${what}: delivered to ${answer.delivered} open page${answer.delivered === 1 ? '' : 's'}.`);
      return true;
    } catch (error) {
      actionResult(`${what} failed: ${error.message}`);
      return false;
    }
  }

  $('push-lesson-form').addEventListener('submit', async e => {
    e.preventDefault();
    await act('Lesson pushed', '/push', { lesson: $('push-lesson').value, step: Number($('push-step').value) });
  });
  $('push-lesson').addEventListener('change', () => showSteps($('push-lesson').value));
  $('push-template-form').addEventListener('submit', async e => {
    e.preventDefault();
    await act('Template pushed', '/push', { template: $('push-template').value, params: {} });
  });
  $('broadcast-form').addEventListener('submit', async e => {
    e.preventDefault();
    if (await act('Message sent', '/broadcast', { text: $('broadcast-text').value })) $('broadcast-text').value = '';
  });
  $('export').addEventListener('click', async () => {
    try {
      const response = await fetch(`/api/rooms/${encodeURIComponent(roomId)}/export.csv`, { headers: { Authorization: `Bearer ${secret}` } });
      if (!response.ok) throw new Error((await response.json().catch(() => null))?.message ?? response.statusText);
      const url = URL.createObjectURL(await response.blob());
      const link = el('a', { href: url, download: `bpflab-room-${room?.joinCode ?? roomId}.csv` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      actionResult(`Export failed: ${error.message}`);
    }
  });
  $('close-room').addEventListener('click', async () => {
    if (!confirm('Close this room? Students are disconnected and its data is deleted from the server. Export the CSV first if you need it.')) return;
    try {
      await requestJson(`/api/rooms/${encodeURIComponent(roomId)}`, { method: 'DELETE', secret });
    } catch (error) {
      actionResult(`Closing failed: ${error.message}`);
    }
  });
  $('lock-room').addEventListener('click', async () => {
    try {
      const answer = await requestJson(`/api/rooms/${encodeURIComponent(roomId)}/lock`, { method: 'POST', body: { locked: !locked }, secret });
      showLock(answer.locked === true);
      actionResult(answer.locked ? 'Joining is locked: new students are refused, those in the room stay.' : 'Joining is open again.');
    } catch (error) {
      actionResult(`Locking failed: ${error.message}`);
    }
  });

  async function removeStudent(s) {
    if (!confirm(`Remove ${s.name} from the room? Their page is disconnected, and their row leaves this dashboard and the CSV. `
      + 'They can join again with the code unless you lock joining.')) return;
    try {
      await requestJson(`/api/rooms/${encodeURIComponent(roomId)}/students/${encodeURIComponent(s.id)}`, { method: 'DELETE', secret });
    } catch (error) {
      actionResult(`Removing ${s.name} failed: ${error.message}`);
    }
  }

  $('code-close').addEventListener('click', () => $('code-dialog').close());
  $('join-code-big').addEventListener('click', () => $('code-fullscreen').showModal());
  $('fullscreen-close').addEventListener('click', () => $('code-fullscreen').close());
  $('filter').addEventListener('change', queueRender);
  $('search').addEventListener('input', queueRender);
  for (const th of $('students').tHead.rows[0].cells) {
    if (!th.dataset.sort) continue;
    th.tabIndex = 0;
    const choose = () => {
      sort = sort.key === th.dataset.sort ? { key: sort.key, dir: -sort.dir } : { key: th.dataset.sort, dir: 1 };
      queueRender();
    };
    th.addEventListener('click', choose);
    th.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); choose(); } });
  }

  loadChoices();
  connect();
  setInterval(queueRender, 1000); // "active … ago" and the time-based filters move on their own

  async function loadChoices() {
    // Titles come per language ({"es","en"}); the instructor reads them in the browser's language.
    const lang = /^es\b/i.test(navigator.language ?? '') ? 'es' : 'en';
    try {
      const templates = await requestJson('/api/templates');
      $('push-template').append(...templates.map(t => {
        const title = localized(t.title, lang);
        return el('option', { value: t.id }, title ? `${title} (${t.id})` : t.id);
      }));
    } catch { /* the template push then lists nothing */ }
    try {
      const answer = await requestJson('/api/lessons');
      const lessons = Array.isArray(answer) ? answer : [];
      for (const l of lessons) lessonSteps.set(l.id, l.steps);
      $('push-lesson').append(...lessons.map(l => {
        const title = localized(l.title, lang);
        return el('option', { value: l.id }, title ? `${title} (${l.id})` : l.id);
      }));
    } catch { /* lessons not available on this server: the lesson push lists nothing */ }
  }

  /** The chosen lesson's steps, numbered as its learners see them; the value sent is the step's index. */
  function showSteps(lessonId) {
    const total = lessonSteps.get(lessonId) ?? 0;
    $('push-step').replaceChildren(...(total > 0
      ? Array.from({ length: total }, (_, i) => el('option', { value: String(i) }, `${stepLabel(i)} of ${total}`))
      : [el('option', { value: '' }, 'Step…')]));
  }
}
