// "Run on all kernels": the grid's rows and cells (src/matrix-rows.js) as the matrix messages arrive. Run with
// `node --test test/` in web/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ENTRIES_SHOWN, SAMPLES_SHOWN, applyMatrixMessage, cancelledMatrix, emptyMatrix, isPending, matrixRows, rowCells,
  startedMatrix,
} from '../src/matrix-rows.js';

const MATRIX = { type: 'matrix', kernels: ['debian12', 'debian13'], skipped: [{ kernel: 'old', reason: 'still preparing' }] };
const ROW_13 = {
  type: 'matrix_row', kernel: 'debian13', name: 'Debian 13 (trixie)', release: '6.12.57+deb13-amd64', compile: 'ok',
  diagnostics: [], verifier: 'accepted', processed: 27, attach: 'attached', error: null, events: 5,
  sample: [{ map: 'events', fields: { pid: 42, comm: 'rm', path: '/tmp/x'.repeat(30) } }, { pid: 43 }, { pid: 44 }, { pid: 45 }],
  maps: [{ name: 'counts', entries: [1, 2, 3, 4, 5].map(k => ({ key: k, value: k * 10 })) },
    { name: 'per_cpu', entries: [{ key: 0, value: null, cpus: [1, 2] }] }],
};
const ROW_12 = {
  type: 'matrix_row', kernel: 'debian12', name: 'Debian 12 (bookworm)', release: '6.1.0-40-amd64', compile: 'ok',
  diagnostics: [
    { line: 3, column: 1, severity: 'warning', message: 'unused variable' },
    { line: 18, column: 5, severity: 'error', message: "R0 invalid mem access 'map_value_or_null'",
      hint: { kind: 'null-check', en: 'Check the lookup for NULL.', es: 'Comprobá que la búsqueda no sea NULL.' } },
  ],
  verifier: 'rejected', processed: 7, attach: null, error: null, events: 0, sample: [], maps: [],
};
const apply = (...messages) => messages.reduce(applyMatrixMessage, startedMatrix());

test('before any row: every kernel waits, the skipped ones say why; other messages leave the grid alone', () => {
  const state = apply(MATRIX);
  assert.equal(isPending(state), true);
  assert.deepEqual(matrixRows(state), [
    { kernel: 'debian12', waiting: true }, { kernel: 'debian13', waiting: true }, { kernel: 'old', skipped: 'still preparing' },
  ]);
  assert.equal(applyMatrixMessage(state, { type: 'event', map: 'x', fields: {} }), state);
  assert.equal(applyMatrixMessage(state, { type: 'matrix_row' }), state, 'a row that names no kernel');
});

test('rows fill in as they arrive, in the order the server listed the kernels, and the last message ends it', () => {
  const partway = apply(MATRIX, ROW_13);
  assert.deepEqual(matrixRows(partway).map(r => [r.kernel, Boolean(r.row), Boolean(r.waiting)]),
    [['debian12', false, true], ['debian13', true, false], ['old', false, false]]);
  const done = apply(MATRIX, ROW_13, ROW_12, { type: 'matrix_done' });
  assert.equal(isPending(done), false);
  assert.deepEqual(matrixRows(done).map(r => r.row?.kernel ?? r.kernel), ['debian12', 'debian13', 'old']);
});

test('stopped before the end: the rows not in yet are missing, not waiting; a finished matrix stays finished', () => {
  const stopped = cancelledMatrix(apply(MATRIX, ROW_13));
  assert.equal(isPending(stopped), false);
  assert.deepEqual(matrixRows(stopped)[0], { kernel: 'debian12', missing: true });
  const done = apply(MATRIX, ROW_13, ROW_12, { type: 'matrix_done' });
  assert.equal(cancelledMatrix(done), done);
  assert.equal(isPending(emptyMatrix()), false, 'nothing asked for: nothing pending');
});

test('a rejected program: compile ok, the verifier\'s first error with its line and its hint in the page\'s language', () => {
  const es = rowCells(ROW_12, 'es');
  assert.deepEqual(es.compile, { ok: true, problem: null });
  assert.equal(es.verifier.state, 'rejected');
  assert.deepEqual(es.verifier.problem, { line: 18, column: 5, message: "R0 invalid mem access 'map_value_or_null'",
    hint: 'Comprobá que la búsqueda no sea NULL.' });
  assert.equal(rowCells(ROW_12, 'en').verifier.problem.hint, 'Check the lookup for NULL.');
  assert.equal(es.processed, 7);
  assert.deepEqual(es.attach, { state: null, error: null }, 'never got to attach');
});

test('a compile error names its line; the verifier and attach never ran', () => {
  const cells = rowCells({ kernel: 'debian12', compile: 'failed', verifier: null, attach: null, processed: null,
    diagnostics: [{ line: 9, column: 0, severity: 'error', message: "expected ';'" }] }, 'en');
  assert.deepEqual(cells.compile, { ok: false, problem: { line: 9, column: 1, message: "expected ';'", hint: '' } });
  assert.deepEqual(cells.verifier, { state: null, problem: null });
  assert.equal(cells.processed, null);
  assert.equal(cells.name, 'debian12', 'a row without a name is named by its id');
  assert.deepEqual(cells.events, { count: 0, samples: [] });
});

test('an attached program: its event count, the first few samples clipped, and a few entries of each map', () => {
  const cells = rowCells(ROW_13, 'en');
  assert.equal(cells.name, 'Debian 13 (trixie)');
  assert.equal(cells.release, '6.12.57+deb13-amd64');
  assert.deepEqual(cells.attach, { state: true, error: null });
  assert.equal(cells.events.count, 5);
  assert.equal(cells.events.samples.length, SAMPLES_SHOWN);
  assert.match(cells.events.samples[0], /^pid=42 comm=rm path=\/tmp\/x.*…$/);
  assert.ok(cells.events.samples[0].length <= 80);
  assert.equal(cells.events.samples[1], 'pid=43');
  assert.deepEqual(cells.maps[0], { name: 'counts', entries: ['1 → 10', '2 → 20', '3 → 30'], more: 5 - ENTRIES_SHOWN });
  assert.deepEqual(cells.maps[1], { name: 'per_cpu', entries: ['0 → [1, 2]'], more: 0 });
});

test('an attach that failed says why', () => {
  const cells = rowCells({ ...ROW_13, attach: 'failed', error: 'fentry is not supported here', events: 0, sample: [] }, 'en');
  assert.deepEqual(cells.attach, { state: false, error: 'fentry is not supported here' });
});

test('a matrix the server ended early (a stop or a run) says so: its missing rows will not come', () => {
  const stopped = apply(MATRIX, ROW_13, { type: 'matrix_done', stopped: true });
  assert.equal(stopped.cancelled, true);
  assert.deepEqual(matrixRows(stopped)[0], { kernel: 'debian12', missing: true });
  assert.equal(apply(MATRIX, ROW_13, ROW_12, { type: 'matrix_done' }).cancelled, false);
});
