import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConferenceMixer, MixerError, softLimit, type MixerRole } from '../../src/mixer/index.ts';

const N = 160;
/** A frame whose every sample is `v` (a party's "voice" we can recognise in the mix). */
const flat = (v: number) => new Int16Array(N).fill(v);
/** A frame with a ramp so sums are checked sample by sample. */
const ramp = (scale: number) => Int16Array.from({ length: N }, (_, i) => scale * (i - 80));

test('three members: each hears exactly the sum of the other two, sample by sample', () => {
  const m = new ConferenceMixer({ limiter: 'hard' });
  for (const id of ['a', 'b', 'c']) m.setParty(id, 'member');
  const fa = ramp(3);
  const fb = ramp(-7);
  const fc_ = flat(1000);
  m.put('a', fa);
  m.put('b', fb);
  m.put('c', fc_);
  const out = m.mix();
  for (let i = 0; i < N; i++) {
    assert.equal(out.get('a')![i], fb[i]! + fc_[i]!);
    assert.equal(out.get('b')![i], fa[i]! + fc_[i]!);
    assert.equal(out.get('c')![i], fa[i]! + fb[i]!);
  }
});

/** Mixes one tick where every party "speaks" a distinct power of two, and returns who hears whom. */
function audibility(roles: Record<string, [MixerRole, string?]>): Record<string, string> {
  const m = new ConferenceMixer({ limiter: 'hard' });
  const ids = Object.keys(roles);
  ids.forEach((id) => m.setParty(id, roles[id]![0], roles[id]![1]));
  ids.forEach((id, k) => m.put(id, flat(1 << k)));
  const out = m.mix();
  const heard: Record<string, string> = {};
  for (const id of ids) heard[id] = ids.filter((_, k) => (out.get(id)![0]! & (1 << k)) !== 0).join('');
  return heard;
}

test('supervisor roles: listen hears all and is heard by none; whisper is heard by its target only; barge is a full member', () => {
  // c = caller, a = agent, s = supervisor, t = a second agent in the conference.
  assert.deepEqual(audibility({ c: ['member'], a: ['member'], s: ['listen'] }), { c: 'a', a: 'c', s: 'ca' });
  assert.deepEqual(audibility({ c: ['member'], a: ['member'], s: ['whisper', 'a'] }), { c: 'a', a: 'cs', s: 'ca' });
  assert.deepEqual(audibility({ c: ['member'], a: ['member'], s: ['barge'] }), { c: 'as', a: 'cs', s: 'ca' });
  assert.deepEqual(audibility({ c: ['member'], a: ['member'], t: ['muted'] }), { c: 'a', a: 'c', t: 'ca' });
  assert.deepEqual(audibility({ c: ['member'], a: ['member'], s: ['whisper', 'a'], t: ['listen'] }), { c: 'a', a: 'cs', s: 'ca', t: 'ca' });
});

test('changing a role takes effect on the next tick (listen -> whisper -> barge)', () => {
  const m = new ConferenceMixer<number>({ limiter: 'hard' });
  m.setParty(1, 'member');
  m.setParty(2, 'member');
  m.setParty(3, 'listen');
  const tick = () => {
    m.put(1, flat(1));
    m.put(2, flat(2));
    m.put(3, flat(4));
    const o = m.mix();
    return [o.get(1)![0], o.get(2)![0], o.get(3)![0]];
  };
  assert.deepEqual(tick(), [2, 1, 3]);
  m.setParty(3, 'whisper', 2);
  assert.deepEqual(tick(), [2, 5, 3]);
  m.setParty(3, 'barge');
  assert.deepEqual(tick(), [6, 5, 3]);
  assert.equal(m.roleOf(3), 'barge');
});

test('a party with no frame this tick (lost packet) contributes silence, and inputs do not carry over', () => {
  const m = new ConferenceMixer({ limiter: 'hard' });
  m.setParty('a', 'member');
  m.setParty('b', 'member');
  m.put('a', flat(500));
  m.put('b', flat(700));
  assert.equal(m.mix().get('a')![0], 700);
  m.put('a', flat(500));
  const out = m.mix();
  assert.equal(out.get('a')![0], 0);
  assert.equal(out.get('b')![0], 500);
});

test('output frames and the map are the same objects every tick (no allocation per tick)', () => {
  const m = new ConferenceMixer();
  m.setParty('a', 'member');
  m.setParty('b', 'member');
  m.put('a', flat(1));
  const first = m.mix();
  const fa = first.get('a');
  m.put('b', flat(2));
  const second = m.mix();
  assert.equal(second, first);
  assert.equal(second.get('a'), fa);
  assert.equal(fa![0], 2);
});

test('hard limiter: sums beyond int16 saturate at 32767 / -32768 and never wrap (property)', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 2, maxLength: 12 }), (levels) => {
    const m = new ConferenceMixer<number>({ limiter: 'hard' });
    levels.forEach((_, k) => m.setParty(k, 'member'));
    levels.forEach((v, k) => m.put(k, flat(v)));
    const out = m.mix();
    const total = levels.reduce((s, v) => s + v, 0);
    levels.forEach((v, k) => assert.equal(out.get(k)![0], Math.max(-32768, Math.min(32767, total - v))));
  }));
});

test('soft limiter: identity below -3 dBFS, monotonic above, never reaches full scale', () => {
  assert.equal(softLimit(23000), 23000);
  assert.equal(softLimit(-23000), -23000);
  let prev = softLimit(23197);
  for (let v = 23198; v < 400000; v += 97) {
    const y = softLimit(v);
    assert.ok(y >= prev && y <= 32767 && softLimit(-v) === -y);
    prev = y;
  }
  const m = new ConferenceMixer();
  for (const id of ['a', 'b', 'c', 'd']) m.setParty(id, 'member');
  for (const id of ['a', 'b', 'c', 'd']) m.put(id, flat(30000));
  const v = m.mix().get('a')![0]!;
  assert.ok(v > 30000 && v <= 32767, `${v}`);
});

test('misuse is a MixerError: unknown party, wrong frame length, whisper without a target', () => {
  const m = new ConferenceMixer();
  m.setParty('a', 'member');
  assert.throws(() => m.put('x', flat(1)), MixerError);
  assert.throws(() => m.put('a', new Int16Array(80)), MixerError);
  assert.throws(() => m.setParty('s', 'whisper'), MixerError);
  assert.throws(() => m.setParty('s', 'whisper', 's'), MixerError);
});

test('removing a party drops its output and silences whispers aimed at it', () => {
  const m = new ConferenceMixer({ limiter: 'hard' });
  m.setParty('a', 'member');
  m.setParty('b', 'member');
  m.setParty('s', 'whisper', 'b');
  assert.equal(m.removeParty('b'), true);
  assert.equal(m.removeParty('b'), false);
  m.put('a', flat(1));
  m.put('s', flat(5));
  const out = m.mix();
  assert.equal(out.has('b'), false);
  assert.equal(out.get('a')![0], 0);
  assert.equal(out.get('s')![0], 1);
  assert.equal(m.size, 2);
});
