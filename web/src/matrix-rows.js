// "Run on all kernels": what the grid shows, read from the server's MATRIX, MATRIX_ROW and MATRIX_DONE messages
// (run-contract.md). The state is plain data and every function here is pure, so that node can test it
// (web/test/matrix-rows.test.js); matrix-view.js puts it on the page.
import { PHASE, SERVER_MESSAGE, diagnosticHint } from './protocol.js';
import { formatValue } from './format.js';

/** How many event samples and map entries a cell shows, and how long each may be: the grid stays compact. */
export const SAMPLES_SHOWN = 3;
export const ENTRIES_SHOWN = 3;
export const SAMPLE_CHARS = 80;

/** No matrix asked for yet. */
export function emptyMatrix() {
  return { started: false, kernels: [], skipped: [], rows: {}, done: false, cancelled: false };
}

/** A run_all was sent: nothing known yet but that it goes. */
export function startedMatrix() {
  return { ...emptyMatrix(), started: true };
}

/** The state after one message of the matrix; other messages leave it as it is. */
export function applyMatrixMessage(state, message) {
  switch (message?.type) {
    case SERVER_MESSAGE.MATRIX:
      return {
        ...state,
        kernels: Array.isArray(message.kernels) ? message.kernels.map(String) : [],
        skipped: Array.isArray(message.skipped) ? message.skipped.filter(s => s && s.kernel) : [],
      };
    case SERVER_MESSAGE.MATRIX_ROW:
      if (typeof message.kernel !== 'string') return state;
      return {
        ...state,
        kernels: state.kernels.includes(message.kernel) ? state.kernels : [...state.kernels, message.kernel],
        rows: { ...state.rows, [message.kernel]: message },
      };
    case SERVER_MESSAGE.MATRIX_DONE:
      // stopped: a stop or a run ended it before every kernel finished.
      return { ...state, done: true, cancelled: state.cancelled || message.stopped === true };
    default:
      return state;
  }
}

/** Stopped, or replaced by a new run, before every row came: the rows still missing will not come. */
export function cancelledMatrix(state) {
  return state.done ? state : { ...state, cancelled: true };
}

/** Whether rows are still awaited. */
export const isPending = state => state.started && !state.done && !state.cancelled;

/**
 * The grid's rows in the order the server listed the kernels, then the skipped ones: {kernel, row} for a kernel that
 * finished, {kernel, waiting: true} (or {kernel, missing: true} once none will come) for one that did not,
 * {kernel, skipped: reason} for one the server left out.
 */
export function matrixRows(state) {
  const rows = state.kernels.map(kernel => {
    const row = state.rows[kernel];
    if (row) return { kernel, row };
    return isPending(state) ? { kernel, waiting: true } : { kernel, missing: true };
  });
  return [...rows, ...state.skipped.map(s => ({ kernel: String(s.kernel), skipped: String(s.reason ?? '') }))];
}

const isError = item => String(item?.severity || 'error').includes('error');

/** The first error of a row's diagnostics (the first item if none says error), with its line and hint in lang. */
export function firstProblem(row, lang) {
  const items = Array.isArray(row.diagnostics) ? row.diagnostics.filter(Boolean) : [];
  const item = items.find(isError) ?? items[0];
  if (!item) return null;
  const line = item.line | 0;
  return { line: line >= 1 ? line : null, column: (item.column | 0) || 1, message: String(item.message ?? ''),
    hint: diagnosticHint(item, lang) };
}

const clip = text => (text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS - 1)}…` : text);

/** An event sample as one line: its fields (an event message's "fields", or the sample itself). */
export function sampleText(sample) {
  const fields = sample && typeof sample === 'object' && sample.fields && typeof sample.fields === 'object'
    ? sample.fields : sample;
  return clip(formatValue(fields));
}

/** A map snapshot as {name, entries: ["key → value", …] (the first few), more: how many are not shown}. */
export function mapSummary(snapshot) {
  const entries = Array.isArray(snapshot?.entries) ? snapshot.entries : [];
  const value = e => (Array.isArray(e.cpus) ? formatValue(e.cpus) : formatValue(e.value));
  return {
    name: String(snapshot?.name ?? '?'),
    entries: entries.slice(0, ENTRIES_SHOWN).map(e => clip(`${formatValue(e.key)} → ${value(e)}`)),
    more: Math.max(0, entries.length - ENTRIES_SHOWN),
  };
}

/**
 * What each cell of a finished kernel's row says, as data: compile {ok, problem}, verifier {state, problem} (state
 * "accepted", "rejected" or null when it never ran), processed (a number or null), attach {state: true, false or null,
 * error}, events {count, samples}, maps [mapSummary…]. lang: for the hints.
 */
export function rowCells(row, lang) {
  const compiled = row.compile === 'ok';
  const problem = firstProblem(row, lang);
  const verifier = row.verifier === 'accepted' || row.verifier === 'rejected' ? row.verifier : null;
  const attach = row.attach == null ? null : row.attach === PHASE.ATTACHED;
  return {
    name: String(row.name || row.kernel),
    release: row.release ? String(row.release) : '',
    compile: { ok: compiled, problem: compiled ? null : problem },
    verifier: { state: verifier, problem: verifier === 'rejected' ? problem : null },
    processed: Number.isFinite(row.processed) ? row.processed : null,
    attach: { state: attach, error: typeof row.error === 'string' && row.error ? row.error : null },
    events: {
      count: Number.isFinite(row.events) ? row.events : 0,
      samples: (Array.isArray(row.sample) ? row.sample : []).slice(0, SAMPLES_SHOWN).map(sampleText),
    },
    maps: (Array.isArray(row.maps) ? row.maps : []).map(mapSummary),
  };
}
