// What the kernel picker shows (src/kernels.js) for GET /api/kernels answers, and the page's words it uses in both
// languages. Run with `node --test test/` in web/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultKernel, initialKernel, kernelFeatures, kernelOptions, readKernels } from '../src/kernels.js';
import { pageStrings } from '../src/page-strings.js';

const ANSWER = {
  default: 'debian12',
  kernels: [
    { id: 'debian12', name: 'Debian 12 (bookworm)', release: '6.1.0-40-amd64', toolchain: 'clang 14, libbpf 1.1',
      state: 'ready', detail: null, default: true,
      features: { kprobe: true, fentry: true, 'open-coded-iterators': false }, notes: {} },
    { id: 'debian13', name: 'Debian 13 (trixie)', release: null, toolchain: null, state: 'preparing',
      detail: 'building its image', default: false, features: null, notes: {} },
    { id: 'broken', name: 'Broken', release: '6.99', state: 'failed', detail: 'no image', features: null },
  ],
};

test('one option per kernel: name and release, the ones not ready disabled with their state in the page\'s language', () => {
  const kernels = readKernels(ANSWER);
  const en = kernelOptions(kernels, 'debian12', pageStrings('en'));
  assert.deepEqual(en.map(o => [o.value, o.label, o.disabled]), [
    ['debian12', 'Debian 12 (bookworm) · 6.1.0-40-amd64', false],
    ['debian13', 'Debian 13 (trixie) (preparing)', true],
    ['broken', 'Broken · 6.99 (failed)', true],
  ]);
  assert.equal(en[0].title, 'the lab\u2019s default · clang 14, libbpf 1.1');
  assert.equal(en[1].title, 'building its image');
  const es = kernelOptions(kernels, 'debian12', pageStrings('es'));
  assert.deepEqual(es.slice(1).map(o => o.label), ['Debian 13 (trixie) (preparándose)', 'Broken · 6.99 (falló)']);
});

test('the default is the answer\'s, else the one marked default, else the first; none for an answer without kernels', () => {
  assert.equal(defaultKernel(ANSWER), 'debian12');
  assert.equal(defaultKernel({ kernels: ANSWER.kernels.map(k => ({ ...k, default: k.id === 'debian13' })) }), 'debian13');
  assert.equal(defaultKernel({ kernels: [{ id: 'host', state: 'ready' }] }), 'host');
  for (const old of [null, undefined, {}, { kernels: 'no' }, { kernels: [null, { name: 'no id' }] }]) {
    assert.deepEqual(readKernels(old), []);
    assert.equal(defaultKernel(old), null);
  }
});

test('a tab keeps its pick while that kernel is ready; otherwise the default', () => {
  const kernels = readKernels(ANSWER);
  const withTrixieReady = readKernels({ kernels: ANSWER.kernels.map(k => ({ ...k, state: 'ready' })) });
  assert.equal(initialKernel(withTrixieReady, 'debian12', 'debian13'), 'debian13');
  assert.equal(initialKernel(kernels, 'debian12', 'debian13'), 'debian12', 'debian13 is still preparing');
  assert.equal(initialKernel(kernels, 'debian12', 'gone'), 'debian12');
  assert.equal(initialKernel(kernels, 'debian12', null), 'debian12');
});

test('a kernel\'s features in the server\'s order; none before they are probed', () => {
  assert.deepEqual(kernelFeatures(ANSWER.kernels[0]), [
    { name: 'kprobe', has: true }, { name: 'fentry', has: true }, { name: 'open-coded-iterators', has: false },
  ]);
  assert.deepEqual(kernelFeatures(ANSWER.kernels[1]), []);
  assert.deepEqual(kernelFeatures(undefined), []);
});
