// The verifier log reader (src/verifier-states.js) and the words of its view (src/verifier-view.js), on real level-1
// logs: verifier-logs/NAME.6.1.log from the qemu guest (Debian 12's 6.1), NAME.6.18.log from a 6.18 host, each of
// server/src/test/resources/programs/NAME.bpf.c. long_walk.6.1.tail.log is the end of a log longer than the page is
// sent (its start cut, as the agent cuts it). Run with `node --test test/` in web/; VerifierStatesJsTest runs it in
// the Maven build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  complainedRegisters, orderedSlots, parseState, parseValue, readVerifierLog, stepsOfLine, writtenBy, isBtfArgumentNote,
} from '../src/verifier-states.js';
import { describeDetails, describeType, verifierStrings } from '../src/verifier-view.js';

const here = dirname(fileURLToPath(import.meta.url));
const log = name => readFileSync(join(here, 'verifier-logs', name), 'utf8');
const program = name => readFileSync(join(here, '..', '..', 'server', 'src', 'test', 'resources', 'programs',
  `${name}.bpf.c`), 'utf8');
const read = (name, kernel) => readVerifierLog(log(`${name}.${kernel}.log`), { source: program(name) });
const stepAt = (walk, insn) => walk.steps.findLast(s => s.insn === insn);
const KERNELS = ['6.1', '6.18'];

for (const kernel of KERNELS) {
  test(`${kernel}: an unchecked lookup — R0 is map_value_or_null from the call on, and the failing load names it`, () => {
    const walk = read('null_deref', kernel);
    assert.deepEqual(walk.steps.map(s => s.insn), [0, 1, 2, 3, 4, 6, 7]);
    assert.equal(walk.steps[walk.failing].insn, 7);
    assert.equal(walk.complaint, "R0 invalid mem access 'map_value_or_null'");
    assert.deepEqual(walk.complained, ['R0']);
    const failing = walk.steps[walk.failing];
    assert.equal(failing.after, null, 'the failing instruction never completed');
    assert.equal(failing.before.get('R0').value.type, 'map_value_or_null');
    assert.equal(failing.line, 20);

    const call = stepAt(walk, 6);
    assert.equal(call.line, 18);
    assert.equal(call.after.get('R0').value.type, 'map_value_or_null');
    assert.deepEqual(call.changed, ['R0']);
    assert.equal(call.after.has('R1'), false, 'a helper call leaves R1-R5 unset');
    assert.equal(call.before.get('R1').value.type, 'map_ptr');
    assert.equal(stepAt(walk, 4).before.get('R1').value.constant, true, 'before the map load R1 held the key 1');
    assert.equal(stepAt(walk, 4).after.get('R10').value.type, 'fp');
    assert.equal(stepAt(walk, 1).after.get('fp-8').value.raw, 'mmmm????');
    assert.deepEqual(stepsOfLine(walk.steps, 18).map(i => walk.steps[i].insn), [4, 6]);
  });

  test(`${kernel}: a branch taken up again — the state where the walk resumes comes from the verifier's whole print`, () => {
    const walk = read('branch_null', kernel);
    const failing = walk.steps[walk.failing];
    assert.equal(failing.insn, 15);
    const branch = stepAt(walk, 12);
    assert.match(branch.text, /^if r2 == 0x0 goto pc\+2$/, 'the glued state is not part of the instruction');
    assert.equal(failing.before.get('R2').value.raw, '0', 'on the path taken, r2 is 0');
    assert.notEqual(branch.after.get('R2').value.raw, '0', 'before the branch, r2 was 0 or 1');
    assert.equal(failing.before.get('R0').value.type, 'map_value_or_null');
    assert.equal(failing.before.get('R6').value.type, 'ctx');
    assert.equal(stepAt(walk, 10).line, 19);
  });

  test(`${kernel}: an index out of the value — ranges of R6 and the stack slots comm wrote`, () => {
    const walk = read('array_bounds', kernel);
    const failing = walk.steps[walk.failing];
    assert.equal(failing.insn, 22);
    assert.deepEqual(walk.complained, ['R6']);
    const r6 = failing.before.get('R6').value;
    assert.equal(r6.type, 'map_value');
    const en = describeDetails(r6, verifierStrings('en'));
    assert.match(en, /unsigned 0 … 56/);
    assert.match(en, /known bits 0x0, unknown 0x38/);
    assert.match(en, kernel === '6.1' ? /^(?!.*map ).*key 4 B, value 32 B/ : /map table, key 4 B, value 32 B/);
    assert.match(describeDetails(r6, verifierStrings('es')), /sin signo 0 … 56/);
    assert.equal(stepAt(walk, 14).after.get('fp-16').value.raw, 'mmmmmmmm');
    assert.equal(stepAt(walk, 14).after.get('fp-24').value.raw, 'mmmmmmmm');
    assert.equal(failing.line, 29);
    const names = orderedSlots(failing.before).map(s => s.name);
    assert.deepEqual(names.slice(0, 3), ['R0', 'R1', 'R6'], 'registers first, in number order');
    assert.ok(names.indexOf('fp-8') < names.indexOf('fp-24'), 'then stack slots from the top down');
  });

  test(`${kernel}: a leaked ring buffer record — the exit is where it stopped, refs kept as its own row`, () => {
    const walk = read('ringbuf_leak', kernel);
    const failing = walk.steps[walk.failing];
    assert.equal(failing.insn, 15);
    assert.equal(failing.text, 'exit');
    assert.match(walk.complaint, /^Unreleased reference id=2 alloc_insn=4/);
    assert.equal(failing.before.get('refs').kind, 'other');
    assert.equal(failing.before.get('refs').value.raw, '2');
    const r6 = failing.before.get('R6').value;
    assert.ok(['ringbuf_mem', 'alloc_mem'].includes(r6.type), r6.type);
    assert.equal(new Map(r6.args).get('ref_obj_id'), '2');
  });
}

test('the tail of a cut log: what was printed is read, the start state is missing, the last loop visit is chosen', () => {
  const walk = readVerifierLog(log('long_walk.6.1.tail.log'), { source: program('long_walk') });
  const failing = walk.steps[walk.failing];
  assert.equal(failing.insn, 17);
  assert.equal(failing.before.get('R0').value.type, 'map_value_or_null');
  assert.equal(walk.steps[0].before.size, 0, 'no whole state was printed in the part sent');
  const loop = stepsOfLine(walk.steps, 22);
  assert.deepEqual(loop.map(i => walk.steps[i].insn), [5, 6, 7]);
  assert.ok(loop[0] > walk.steps.length - 20, 'the last time round the loop');
});

test('shapes it does not know are kept as text, never dropped', () => {
  const state = parseState('R1=ctx() weird frame1: R3_w=P5 fp-16_w=00000000 x= R2=foo(bar R4=1');
  assert.deepEqual(state.other, ['weird']);
  assert.equal(state.slots.get('frame1 R2').value.raw, 'foo(bar R4=1', 'an unclosed parenthesis keeps the rest');
  assert.equal(state.slots.get('frame1 R3').value.precise, true);
  assert.equal(state.slots.get('frame1 R3').mark, 'w');
  assert.equal(state.slots.get('frame1 fp-16').value.type, 'bytes');
  assert.equal(state.slots.get('x').value.raw, '');
  assert.deepEqual(parseValue('scalar(smin=smin32=0,smax=umax=7,var_off=(0x0; 0x7))').args,
    [['smin', '0'], ['smin32', '0'], ['smax', '7'], ['umax', '7'], ['var_off', '(0x0; 0x7)']]);
  const walk = readVerifierLog('0: R1=ctx() R10=fp0\n0: (b7) r1 = 1 ; R1_w=1 ??\nsomething new\n');
  assert.deepEqual(walk.steps[0].other, ['??']);
  assert.equal(walk.complaint, 'something new');
  assert.deepEqual(complainedRegisters('R1 type=scalar expected=fp, R10 is read only'), ['R1', 'R10']);
  assert.deepEqual(readVerifierLog('').steps, []);
});

test('every word of the view is there in Spanish and in English', () => {
  const en = verifierStrings('en');
  const es = verifierStrings('es');
  assert.deepEqual(Object.keys(es).sort(), Object.keys(en).sort());
  assert.deepEqual(Object.keys(es.types).sort(), Object.keys(en.types).sort());
  assert.equal(verifierStrings('fr'), en, 'another language falls back to English');
  assert.match(describeType('map_value_or_null', es), /NULL/);
  assert.match(describeType('ptr_task_struct', en), /^a pointer to task_struct$/);
  assert.match(describeType('ptr_or_null_sock', es), /^un puntero a sock, o NULL/);
});

// "Set here" (the view's mark) is what the instruction writes, from its text: not every register the kernel printed
// after it, which names the registers it read too (R10 of a store to the stack, R0 of "r6 += r0").
for (const kernel of KERNELS) {
  test(`${kernel}: what an instruction writes — a stack store, a load, an ALU op, a call`, () => {
    const walk = read('null_deref', kernel);
    const store = stepAt(walk, 1);
    assert.equal(store.text, '*(u32 *)(r10 -4) = r1');
    assert.ok(store.changed.includes('R10') && store.changed.includes('R1'), 'the kernel printed the registers read');
    assert.deepEqual(store.written, ['fp-8'], 'a store to r10-4 writes the slot fp-8 only');
    assert.deepEqual(stepAt(walk, 2).written, ['R2'], 'r2 = r10 writes R2, not R10');
    assert.deepEqual(stepAt(walk, 3).written, ['R2']);
    assert.deepEqual(stepAt(walk, 4).written, ['R1']);
    assert.deepEqual(stepAt(walk, 6).written, ['R0', 'R1', 'R2', 'R3', 'R4', 'R5'], 'a call: R0, and R1-R5 clobbered');

    const bounds = read('array_bounds', kernel);
    const add = stepAt(bounds, 18);
    assert.equal(add.text, 'r6 += r0');
    assert.deepEqual([...add.changed].sort(), ['R0', 'R6']);
    assert.deepEqual(add.written, ['R6'], 'r6 += r0 only reads R0');
    assert.deepEqual(stepAt(bounds, 16).written, ['R0']);
    assert.deepEqual(stepAt(bounds, 2).written, ['fp-16']);
    assert.deepEqual(stepAt(bounds, 10).written, [], 'a conditional jump writes nothing');
    const load = stepAt(bounds, 19);
    assert.match(load.text, /^r1 = \*\(u8 \*\)\(r10 -24\)$/);
    assert.deepEqual(load.written, ['R1'], 'a load from the stack writes its register, not R10');
    assert.deepEqual(stepAt(bounds, 14).written, ['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'fp-16', 'fp-24'],
      'bpf_get_current_comm writes its buffer in the stack, which the kernel prints after the call');
  });
}

test('writtenBy: stores across slots, through a stack pointer, elsewhere in memory; 32-bit ops; atomics; frames', () => {
  const fp = off => new Map([['R2', { name: 'R2', value: parseValue(`fp${off}`) }]]);
  assert.deepEqual(writtenBy('*(u64 *)(r10 -12) = r1'), ['fp-8', 'fp-16'], '8 bytes at -12 cover two slots');
  assert.deepEqual(writtenBy('*(u8 *)(r10 -1) = r1'), ['fp-8']);
  assert.deepEqual(writtenBy('*(u32 *)(r2 +0) = r1', fp(-4)), ['fp-8'], 'r2 points at fp-4');
  assert.deepEqual(writtenBy('*(u32 *)(r2 +0) = r1'), [], 'r2 not known to point into the stack');
  assert.deepEqual(writtenBy('*(u64 *)(r0 +0) = r1'), [], 'a map value is not a register or a stack slot');
  assert.deepEqual(writtenBy('w1 = w2'), ['R1']);
  assert.deepEqual(writtenBy('r3 s>>= 4'), ['R3']);
  assert.deepEqual(writtenBy('r1 = be16 r1'), ['R1']);
  assert.deepEqual(writtenBy('lock *(u64 *)(r10 -8) += r1'), ['fp-8']);
  assert.deepEqual(writtenBy('r0 = atomic64_fetch_add((u64 *)(r10 -8), r0)'), ['R0', 'fp-8']);
  assert.deepEqual(writtenBy('exit'), []);
  assert.deepEqual(writtenBy('goto pc+3'), []);
  assert.deepEqual(writtenBy('r0 = 0', new Map(), 'frame1 '), ['frame1 R0']);
});

// The kernel's line about the BTF of the program's arguments, first in these logs, is a note, not the error.
for (const kernel of KERNELS) {
  test(`${kernel}: the kernel's BTF note on the function's arguments is told apart from the error`, () => {
    for (const name of ['null_deref', 'array_bounds', 'branch_null', 'ringbuf_leak']) {
      const walk = read(name, kernel);
      // branch_null's handle takes a typed ctx (trace_event_raw_sys_enter *): 6.18 has its BTF, 6.1 still notes it.
      const expected = name === 'branch_null' && kernel === '6.18' ? [] : [0];
      assert.deepEqual(walk.informational, expected, `${name}: its first line only`);
      assert.doesNotMatch(walk.complaint, /arg#/, `${name}: the complaint is not the note`);
    }
  });
}

test('isBtfArgumentNote: the two kernels\' words, not a complaint', () => {
  assert.equal(isBtfArgumentNote('reg type unsupported for arg#0 function on_unlink#19'), true);
  assert.equal(isBtfArgumentNote("arg#0 reference type('UNKNOWN ') size cannot be determined: -22"), true);
  assert.equal(isBtfArgumentNote("R0 invalid mem access 'map_value_or_null'"), false);
  assert.equal(isBtfArgumentNote('0: R1=ctx() R10=fp0'), false);
  assert.deepEqual(readVerifierLog(log('long_walk.6.1.tail.log')).informational, []);
  const lines = ['reg type unsupported for arg#0 function handle#19'];
  assert.match(verifierStrings('en').btfNote(lines), /“reg type unsupported for arg#0 function handle#19” is .*not the error/);
  assert.match(verifierStrings('es').btfNote(lines), /“reg type unsupported for arg#0 function handle#19” es .*no es el error/);
  assert.match(verifierStrings('es').noSteps(3), /^La línea 3 no tiene instrucciones/);
  assert.match(verifierStrings('en').noSteps(3), /^Line 3 has no instructions/);
});
