// PlayoutHistory: the echo canceller's reference, block by block, in step with the driver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlayoutHistory } from '../src/echo/playout-history.ts';

const block = (v: number): Uint8Array => new Uint8Array(4).fill(v);

test('blocks come out in write order, one per block received; idle code on underrun', () => {
  const h = new PlayoutHistory(4, 4, 0xd5);
  const out = new Uint8Array(4);
  h.played(out);
  assert.deepEqual(out, block(0xd5), 'nothing written yet: the card played idle');
  h.written(block(1));
  h.written(block(2));
  h.played(out);
  assert.deepEqual(out, block(1));
  h.written(block(3));
  h.played(out);
  assert.deepEqual(out, block(2));
  h.played(out);
  assert.deepEqual(out, block(3));
  assert.equal(h.size, 0);
});

test('taken without a copy it still advances (a port without a canceller stays aligned); full keeps the newest', () => {
  const h = new PlayoutHistory(3, 4, 0xff);
  for (let v = 1; v <= 5; v++) h.written(block(v));
  assert.equal(h.size, 3);
  h.played(null);
  const out = new Uint8Array(4);
  h.played(out);
  assert.deepEqual(out, block(4));
  h.played(out);
  assert.deepEqual(out, block(5));
});
