import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SequenceUnwrapper, seqAdd, seqDiff, seqNewer, tsAdd, tsDiff } from '../../src/rtp/index.ts';

test('sequence comparison treats 0 as newer than 65535 across the wrap', () => {
  assert.equal(seqNewer(0, 65535), true);
  assert.equal(seqNewer(65535, 0), false);
  assert.equal(seqDiff(2, 65534), 4);
  assert.equal(seqDiff(65534, 2), -4);
  assert.equal(seqAdd(65535, 2), 1);
});

test('timestamp difference wraps at 2^32', () => {
  assert.equal(tsDiff(80, 0xffffffb0), 160);
  assert.equal(tsDiff(0xffffffb0, 80), -160);
  assert.equal(tsAdd(0xffffffff, 1), 0);
});

test('property: seqDiff inverts seqAdd for steps within half the sequence space', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: -32768, max: 32767 }), (s, n) => {
    assert.equal(seqDiff(seqAdd(s, n), s), n);
  }));
});

test('extended sequence numbers count cycles and place late pre-wrap packets in the old cycle', () => {
  const u = new SequenceUnwrapper();
  assert.equal(u.extend(65534), 65534);
  assert.equal(u.extend(65535), 65535);
  assert.equal(u.extend(1), 65537);
  assert.equal(u.extend(0), 65536); // reordered, after the wrap
  assert.equal(u.extend(65533), 65533); // late, from before the wrap
  assert.equal(u.extend(2), 65538);
  u.reset();
  assert.equal(u.extend(100), 100);
});
