import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RtpReceiveStats } from '../../src/rtp/index.ts';

/** Feeds packets seq0.. with 20 ms spacing; `skip` drops sequence offsets, `jitterMs(i)` delays arrival. */
function feed(st: RtpReceiveStats, n: number, seq0: number, ts0: number, skip = new Set<number>(), jitterMs = (_i: number) => 0): void {
  for (let i = 0; i < n; i++) {
    if (skip.has(i)) continue;
    st.update((seq0 + i) & 0xffff, (ts0 + i * 160) >>> 0, 1000 + i * 20 + jitterMs(i));
  }
}

test('a new source is on probation until two packets arrive in sequence (RFC 3550 A.1)', () => {
  const st = new RtpReceiveStats();
  assert.equal(st.update(10, 0, 0), 'probation');
  assert.equal(st.update(11, 160, 20), 'ok');
  assert.equal(st.expected, 1);
  assert.equal(st.received, 1);
});

test('counts expected, lost and fraction lost across a sequence wrap (A.3)', () => {
  const st = new RtpReceiveStats();
  feed(st, 200, 65500, 0, new Set([50, 51, 52, 53, 54, 120]));
  // First packet only ends probation, so the base is the second.
  assert.equal(st.expected, 199);
  assert.equal(st.lost, 6);
  assert.equal(st.extendedMax, 65536 + ((65500 + 199) & 0xffff));
  assert.equal(st.takeFractionLost(), Math.floor((6 * 256) / 199));
  feed(st, 100, (65500 + 200) & 0xffff, 200 * 160);
  assert.equal(st.takeFractionLost(), 0, 'no loss in the second interval');
});

test('interarrival jitter is zero for a regular stream and tracks ±5 ms alternating delay (A.8)', () => {
  const steady = new RtpReceiveStats();
  feed(steady, 100, 0, 0);
  assert.equal(steady.jitterTs, 0);
  const jittery = new RtpReceiveStats();
  feed(jittery, 500, 0, 0xffff0000, new Set(), (i) => (i % 2 ? 5 : 0));
  // |D| is 5 ms = 40 timestamp units on every packet, so the estimate converges to 40.
  assert.ok(Math.abs(jittery.jitter - 40) < 0.5, String(jittery.jitter));
  assert.ok(Math.abs(jittery.jitterMs - 5) < 0.1);
});

test('ignores one packet after a big jump, and restarts when the next confirms it', () => {
  const st = new RtpReceiveStats();
  feed(st, 10, 100, 0);
  assert.equal(st.update(30000, 0, 500), 'bad-jump');
  assert.equal(st.badJumps, 1);
  assert.equal(st.update(30001, 160, 520), 'restarted');
  assert.equal(st.restarts, 1);
  assert.equal(st.expected, 1);
  assert.equal(st.lost, 0);
});

test('reordered and duplicate packets inside MAX_MISORDER count as received, not as jumps', () => {
  const st = new RtpReceiveStats();
  feed(st, 10, 0, 0);
  assert.equal(st.update(5, 800, 300), 'ok');
  assert.equal(st.received, 10);
  assert.equal(st.lost, -1, 'a duplicate makes loss negative, as RFC 3550 A.3 allows');
});
