// The run contract of /ws/run as the page speaks it: the phases of a run and the message types of both directions.
// The Java side (dev.bpflab.protocol: RunPhase, ClientMessage, ServerMessage) is the source of truth;
// server/src/test/java/dev/bpflab/web/ProtocolJsTest.java keeps this file in step with it, and fails when another
// page module compares a phase or a message type with a string literal instead of using these names.
// This module imports nothing, so that the test can load it with plain node.

/** The phases of a run, in the order a run goes through them (RunPhase): a run that fails skips to FAILED. */
export const PHASE = Object.freeze({
  COMPILING: 'compiling',
  QUEUED: 'queued',
  LOADING: 'loading',
  ATTACHED: 'attached',
  STOPPED: 'stopped',
  FAILED: 'failed',
});

/** Every phase, in order. */
export const PHASES = Object.freeze(Object.values(PHASE));

/** The phases of a run that is still going: it holds a sandbox, or waits in the queue for one (RunPhase.LIVE). */
export const LIVE_PHASES = Object.freeze([PHASE.COMPILING, PHASE.QUEUED, PHASE.LOADING, PHASE.ATTACHED]);

/** The phases that end a run; nothing of the run follows them (RunPhase.FINAL). */
export const FINAL_PHASES = Object.freeze([PHASE.STOPPED, PHASE.FAILED]);

export const isLivePhase = phase => LIVE_PHASES.includes(phase);
export const isFinalPhase = phase => FINAL_PHASES.includes(phase);

/** What the page sends on /ws/run ("type"), named after the records of ClientMessage. */
export const CLIENT_MESSAGE = Object.freeze({
  RUN: 'run',
  WORKLOAD: 'workload',
  STOP: 'stop',
  CHECK: 'check',
  READ_ITERATOR: 'read_iterator',
  COMPILE: 'compile',
  MAP_UPDATE: 'map_update',
  MAP_DELETE: 'map_delete',
  READ_LOADED: 'read_loaded',
  RUN_ALL: 'run_all',
});

/**
 * What the server sends on /ws/run ("type"), named after the records of ServerMessage. Two names are shared with
 * the other direction and mean something else there: WORKLOAD_RESULT answers CLIENT_MESSAGE.WORKLOAD, and
 * CHECK_RESULT is the verdict of a CLIENT_MESSAGE.CHECK.
 */
export const SERVER_MESSAGE = Object.freeze({
  PHASE: 'phase',
  SANDBOX: 'sandbox',
  DIAGNOSTICS: 'diagnostics',
  EVENT: 'event',
  PRINTK: 'printk',
  MAP_SNAPSHOT: 'map',
  DROPPED: 'dropped',
  ERROR: 'error',
  WORKLOAD_RESULT: 'workload',
  CHECKING: 'checking',
  CHECK_RESULT: 'check',
  ITERATOR_OUTPUT: 'iterator_output',
  COMPILED: 'compiled',
  INSTRUCTIONS: 'instructions',
  MAP_WRITTEN: 'map_written',
  LOADED_PROGRAMS: 'loaded_programs',
  MATRIX: 'matrix',
  MATRIX_ROW: 'matrix_row',
  MATRIX_DONE: 'matrix_done',
});

// ---- client messages ----
// Only the fields that have a value are sent: the server fills in its defaults for the others.

/**
 * Run the learner's C source, or a template (id) rendered with params (an object) when one is picked; on kernel (an id
 * of GET /api/kernels) when one is picked, on the lab's default kernel without.
 */
export function runMessage({ source, template = null, params = null, kernel = null }) {
  const message = { type: CLIENT_MESSAGE.RUN, source };
  if (template) {
    message.template = template;
    if (params) message.params = params;
  }
  if (kernel) message.kernel = kernel;
  return message;
}

/** Fire the named workload (a name from GET /api/workloads) in the running program's sandbox. */
export function workloadMessage(name) {
  return { type: CLIENT_MESSAGE.WORKLOAD, name };
}

/** Create or replace an entry of the running program's map (key and value typed as its snapshot shows them). */
export function mapUpdateMessage(map, key, value) {
  return { type: CLIENT_MESSAGE.MAP_UPDATE, map, key, value };
}

/** Delete an entry of the running program's hash map. */
export function mapDeleteMessage(map, key) {
  return { type: CLIENT_MESSAGE.MAP_DELETE, map, key };
}

/** Stop the running (or queued) program. */
export function stopMessage() {
  return { type: CLIENT_MESSAGE.STOP };
}

/** Grade the attached program against step (a number from 0) of lesson (an id); lang "en" or "es" for the verdict. */
export function checkMessage({ lesson, step, lang }) {
  const message = { type: CLIENT_MESSAGE.CHECK, lesson, step };
  if (lang) message.lang = lang;
  return message;
}

/** Read the attached program's iterators (SEC("iter/…")) again: answered with one ITERATOR_OUTPUT per iterator. */
export function readIteratorMessage() {
  return { type: CLIENT_MESSAGE.READ_ITERATOR };
}

/** Read the attached program as the kernel holds it after load; answered with LOADED_PROGRAMS. */
export function readLoadedMessage() {
  return { type: CLIENT_MESSAGE.READ_LOADED };
}

/**
 * Run the source (or a template, as runMessage) on every ready kernel at once: answered with MATRIX, one MATRIX_ROW
 * per kernel, then MATRIX_DONE. workload: a name from GET /api/workloads fired once attached (null: the template's
 * own, or none); seconds: how long each kernel collects, 1 to 15 (null: the server's 3).
 */
export function runAllMessage({ source, template = null, params = null, workload = null, seconds = null }) {
  const message = { ...runMessage({ source, template, params }), type: CLIENT_MESSAGE.RUN_ALL };
  if (workload) message.workload = workload;
  if (seconds) message.seconds = seconds;
  return message;
}

/**
 * Compile source only (errors as you type): answered with one COMPILED carrying id (a whole number the page counts up,
 * so it can tell which text an answer is for). Nothing runs, and the connection's run is not touched. kernel: as in
 * runMessage.
 */
export function compileMessage(source, id, kernel = null) {
  const message = { type: CLIENT_MESSAGE.COMPILE, source, id };
  if (kernel) message.kernel = kernel;
  return message;
}

/** A message the page makes up itself when the server's answer cannot be read (shown like the server's errors). */
export function errorMessage(text) {
  return { type: SERVER_MESSAGE.ERROR, message: text };
}

// ---- reading server messages ----
// What the server sends is data to show, never markup: the page puts these values in textContent only.

/**
 * A diagnostic item's hint (ServerMessage.Diagnostics items[].hint: {kind, es, en}) in lang, "es" or "en" (English
 * when that language's text is missing); '' when the item has no hint or it is not text.
 */
export function diagnosticHint(item, lang) {
  const hint = item?.hint;
  if (!hint || typeof hint !== 'object') return '';
  const text = typeof hint[lang] === 'string' ? hint[lang] : hint.en;
  return typeof text === 'string' ? text : '';
}

/** A map snapshot entry's values per CPU (MapEntry.cpus, CPU 0 first), or null when its map is not per-CPU. */
export function perCpuValues(entry) {
  return Array.isArray(entry?.cpus) ? entry.cpus : null;
}
