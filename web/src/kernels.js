// The lab's kernels as GET /api/kernels lists them, read into what the kernel picker shows: one option per kernel
// ("Debian 13 · 6.12.57+deb13-amd64"), the ones not ready disabled with their state, and a kernel's features as a
// list. No DOM here, so that node can test it (web/test/kernels.test.js).

/**
 * The kernels of a GET /api/kernels answer ({default, kernels: [...]}), each with an id; [] for anything else (an
 * older server, a broken answer), which the picker takes as "the lab has one kernel, its default".
 */
export function readKernels(answer) {
  const list = Array.isArray(answer?.kernels) ? answer.kernels : [];
  return list.filter(k => k && typeof k.id === 'string' && k.id);
}

/** The id of the lab's default kernel: the answer's "default", else the kernel marked default, else the first. */
export function defaultKernel(answer) {
  const kernels = readKernels(answer);
  const named = kernels.find(k => k.id === answer?.default) ?? kernels.find(k => k.default === true) ?? kernels[0];
  return named?.id ?? null;
}

export const isReady = kernel => kernel?.state === 'ready';

/**
 * One option per kernel: {value, label, disabled, title}. words: the page's words (page-strings.js) for the states
 * and the default mark.
 */
export function kernelOptions(kernels, defaultId, words) {
  return kernels.map(k => {
    const name = k.name || k.id;
    const parts = [k.release ? `${name} · ${k.release}` : name];
    if (!isReady(k)) parts.push(`(${words.kernelStates[k.state] ?? String(k.state ?? '?')})`);
    const title = [k.id === defaultId ? words.kernelDefault : '', k.toolchain ?? '', k.detail ?? ''].filter(Boolean);
    return { value: k.id, label: parts.join(' '), disabled: !isReady(k), title: title.join(' · ') };
  });
}

/** A kernel's probed features as [{name, has}], in the order the server lists them; [] when not probed yet. */
export function kernelFeatures(kernel) {
  const features = kernel?.features;
  if (!features || typeof features !== 'object') return [];
  return Object.entries(features).map(([name, has]) => ({ name, has: has === true }));
}

/**
 * Which kernel to pick when the page opens: the one this tab picked before if the lab still has it ready, else the
 * default. null when the lab lists no kernels.
 */
export function initialKernel(kernels, defaultId, remembered) {
  const kept = kernels.find(k => k.id === remembered && isReady(k));
  return kept?.id ?? defaultId;
}
