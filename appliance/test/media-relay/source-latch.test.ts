import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RELATCH_AFTER_MS, SourceLatch } from '../../src/media-relay/source-latch.ts';

test('latches to the first source and refuses another one while the first keeps sending', () => {
  const l = new SourceLatch();
  assert.equal(l.accept('10.0.0.1', 4000, 0), true);
  assert.equal(l.accept('10.0.0.9', 5000, 10), false);
  assert.equal(l.accept('10.0.0.1', 4000, 1500), true);
  assert.equal(l.accept('10.0.0.9', 5000, 1500 + RELATCH_AFTER_MS - 1), false);
  assert.deepEqual([l.address, l.port, l.moves], ['10.0.0.1', 4000, 1]);
});

test('moves to a new source once the latched one has been silent for 2 s', () => {
  const l = new SourceLatch();
  l.accept('10.0.0.1', 4000, 0);
  assert.equal(l.accept('10.0.0.1', 4002, RELATCH_AFTER_MS), true);
  assert.deepEqual([l.address, l.port, l.moves], ['10.0.0.1', 4002, 2]);
});

test('reset forgets the source so the next packet latches at once', () => {
  const l = new SourceLatch();
  l.accept('10.0.0.1', 4000, 0);
  l.reset();
  assert.equal(l.accept('10.0.0.2', 4000, 1), true);
  assert.equal(l.address, '10.0.0.2');
});
