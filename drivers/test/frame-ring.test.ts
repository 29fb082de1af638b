// FrameRing: the shared-memory SPSC ring between the I/O worker and the main thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameRing } from '../src/dahdi/frame-ring.ts';

test('frames come out in order, a full ring refuses the next push, and a second view over the same memory sees the frames', () => {
  const a = new FrameRing(4, 3);
  const b = new FrameRing(4, 3, a.buffer);
  for (let i = 0; i < 4; i++) assert.equal(a.push(Uint8Array.of(i, i, i)), true);
  assert.equal(a.push(Uint8Array.of(9, 9, 9)), false);
  assert.equal(b.size, 4);
  for (let i = 0; i < 4; i++) { assert.deepEqual([...b.peek()!], [i, i, i]); b.advance(); }
  assert.equal(b.peek(), null);
});

test('a frame of the wrong size and a slot count that is not a power of two are refused', () => {
  assert.throws(() => new FrameRing(3, 160), RangeError);
  assert.throws(() => new FrameRing(4, 160).push(new Uint8Array(10)), RangeError);
});

test('any interleaving of pushes and pops behaves like a bounded FIFO (property)', () => {
  fc.assert(fc.property(fc.array(fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 255 })), { maxLength: 200 }), (ops) => {
    const ring = new FrameRing(8, 2);
    const model: number[] = [];
    for (const op of ops) {
      if (op < 0) {
        const f = ring.peek();
        if (model.length === 0) { assert.equal(f, null); continue; }
        assert.equal(f![0], model.shift());
        ring.advance();
      } else {
        assert.equal(ring.push(Uint8Array.of(op, op)), model.length < 8);
        if (model.length < 8) model.push(op);
      }
    }
    assert.equal(ring.size, model.length);
  }));
});
