import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelAligner } from '../../src/recorder/channel-aligner.ts';

const SIL = 0xff;
const frame = (v: number, n = 160) => new Uint8Array(n).fill(v);
const channel = (out: Uint8Array, bytes: number, ch: number, n: number) => Array.from({ length: bytes / n }, (_, i) => out[i * n + ch]!);

test('two streams with unrelated timestamps are laid side by side from their arrival and interleaved', () => {
  const a = new ChannelAligner({ channels: 2, silence: SIL });
  for (let f = 0; f < 5; f++) {
    a.push(0, 1000 + f * 20, 0xaaaa, 5000 + f * 160, frame(1), 0, 160);
    a.push(1, 1000 + f * 20, 0xbbbb, 900_000 + f * 160, frame(2), 0, 160);
  }
  const out = new Uint8Array(10_000);
  const n = a.drain(a.end, out);
  assert.equal(n, 2 * 800);
  assert.ok(channel(out, n, 0, 2).every((v) => v === 1));
  assert.ok(channel(out, n, 1, 2).every((v) => v === 2));
  assert.equal(a.drained, 800);
});

test('a lost packet leaves exactly its 20 ms of silence and the channel stays in step', () => {
  const a = new ChannelAligner({ channels: 2, silence: SIL });
  for (let f = 0; f < 5; f++) {
    a.push(0, f * 20, 1, f * 160, frame(1), 0, 160);
    if (f !== 2) a.push(1, f * 20, 2, f * 160, frame(2), 0, 160);
  }
  const out = new Uint8Array(10_000);
  const n = a.drain(a.end, out);
  const ch1 = channel(out, n, 1, 2);
  assert.deepEqual([ch1[319], ch1[320], ch1[479], ch1[480]], [2, SIL, SIL, 2]);
  assert.equal(a.stats(1).missingSamples, 160);
  assert.equal(a.stats(0).missingSamples, 0);
});

test('reordered packets land in order; one arriving after its slot was written is counted late', () => {
  const a = new ChannelAligner({ channels: 1, silence: SIL });
  a.push(0, 0, 1, 0, frame(1), 0, 160);
  a.push(0, 40, 1, 320, frame(3), 0, 160);
  a.push(0, 41, 1, 160, frame(2), 0, 160); // late but before the drain: fine
  const out = new Uint8Array(1000);
  const n = a.drain(480, out);
  assert.deepEqual([out[0], out[160], out[320], n], [1, 2, 3, 480]);
  assert.equal(a.push(0, 60, 1, 320, frame(9), 0, 160), 'late');
  assert.equal(a.stats(0).late, 1);
});

test('a stream that starts later begins at its arrival time, silence before it', () => {
  const a = new ChannelAligner({ channels: 2, silence: SIL });
  for (let f = 0; f < 10; f++) a.push(0, f * 20, 1, f * 160, frame(1), 0, 160);
  for (let f = 0; f < 5; f++) a.push(1, 100 + f * 20, 2, 77 + f * 160, frame(2), 0, 160); // joins 100 ms in
  const out = new Uint8Array(10_000);
  const n = a.drain(a.end, out);
  const ch1 = channel(out, n, 1, 2);
  assert.equal(ch1[799], SIL);
  assert.equal(ch1[800], 2);
  assert.equal(ch1.length, 1600);
});

test('an SSRC change re-anchors on arrival time instead of jumping by the new timestamps', () => {
  const a = new ChannelAligner({ channels: 1, silence: SIL });
  for (let f = 0; f < 5; f++) a.push(0, f * 20, 1, f * 160, frame(1), 0, 160);
  assert.equal(a.push(0, 100, 99, 123_456_789, frame(2), 0, 160), 'reanchored');
  const out = new Uint8Array(10_000);
  const n = a.drain(a.end, out);
  assert.equal(n, 960);
  assert.equal(out[800], 2);
  assert.equal(a.stats(0).reanchors, 1);
});

test('a timestamp jump beyond the ring re-anchors rather than growing memory', () => {
  const a = new ChannelAligner({ channels: 1, silence: SIL, capacity: 8000 });
  a.push(0, 0, 1, 0, frame(1), 0, 160);
  assert.equal(a.push(0, 20, 1, 10 * 8000, frame(2), 0, 160), 'reanchored');
  assert.ok(a.end <= 8000);
});

test('drain stops at the flush horizon and the ring is reused for the next stretch', () => {
  const a = new ChannelAligner({ channels: 1, silence: SIL, capacity: 1600 });
  const out = new Uint8Array(1600);
  let total = 0;
  for (let f = 0; f < 100; f++) {
    a.push(0, f * 20, 1, f * 160, frame(f & 0x7f), 0, 160);
    total += a.drain(a.positionAt(f * 20 - 40), out);
  }
  total += a.drain(a.end, out);
  assert.equal(total, 100 * 160);
  assert.equal(a.stats(0).missingSamples, 0);
});

test('the write horizon waits for a stream whose packets are still queued, but no longer than the max wait', () => {
  const a = new ChannelAligner({ channels: 2, silence: SIL });
  for (let f = 0; f < 50; f++) a.push(0, f * 20, 1, f * 160, frame(1), 0, 160); // 1 s on channel 0
  for (let f = 0; f < 10; f++) a.push(1, f * 20, 2, f * 160, frame(2), 0, 160); // channel 1 stalled after 200 ms
  // At 1000 ms: the jitter allowance alone would allow 800 ms, channel 1 has only 200 ms.
  assert.equal(a.horizon(1000, 200, 750), 250 * 8); // held back to now − max wait (250 ms), not to 200 ms
  assert.equal(a.horizon(900, 200, 750), 200 * 8); // channel 1's end, within the max wait
  // Channel 1's queued packets arrive late: they still land, nothing was written over them.
  for (let f = 10; f < 50; f++) assert.equal(a.push(1, 1010, 2, f * 160, frame(2), 0, 160), 'stored');
  assert.equal(a.horizon(1010, 200, 750), 810 * 8);
  const out = new Uint8Array(20_000);
  const n = a.drain(a.end, out);
  assert.ok(channel(out, n, 1, 2).every((v) => v === 2));
  // A channel that never started does not hold anything back.
  const b = new ChannelAligner({ channels: 2, silence: SIL });
  b.push(0, 0, 1, 0, frame(1), 0, 160);
  b.push(0, 500, 1, 4000, frame(1), 0, 160);
  assert.equal(b.horizon(500, 200, 750), 300 * 8);
});
