import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JitterBuffer, type JitterPacketInfo } from '../../src/jitter/index.ts';

/** A packet whose payload bytes all equal `fill`, so played frames can be identified. */
function pkt(seq: number, fill: number, opts: Partial<JitterPacketInfo> = {}): JitterPacketInfo {
  return { sequenceNumber: seq & 0xffff, timestamp: (seq * 160) >>> 0, ssrc: 1, marker: false, buffer: Buffer.alloc(160, fill), payloadOffset: 0, payloadLength: 160, ...opts };
}

interface Arrival { seq: number; at: number }

/**
 * Runs a synthetic call: packets sent every 20 ms from t=0, arriving at `arrive(i)`
 * (null = lost), popped every 20 ms. Returns the buffer and the kinds popped.
 */
function run(n: number, arrive: (i: number) => number | null, opts: ConstructorParameters<typeof JitterBuffer>[0] = { law: 'pcmu' }, seq0 = 0) {
  const jb = new JitterBuffer(opts);
  const arrivals: Arrival[] = [];
  for (let i = 0; i < n; i++) {
    const at = arrive(i);
    if (at !== null) arrivals.push({ seq: i, at });
  }
  arrivals.sort((a, b) => a.at - b.at);
  const kinds: string[] = [];
  const delays: number[] = [];
  const playedFills: number[] = [];
  let k = 0;
  for (let t = 0; t < n * 20 + 600; t += 20) {
    while (k < arrivals.length && arrivals[k]!.at <= t) {
      const a = arrivals[k++]!;
      jb.push(pkt(seq0 + a.seq, a.seq & 0x7f), a.at);
    }
    const o = jb.pop(t);
    kinds.push(o.kind);
    if (o.kind === 'frame') {
      delays.push(jb.lastFrameDelayMs);
      playedFills.push(o.frame[0]!);
    }
  }
  return { jb, kinds, delays, playedFills };
}

test('a clean stream plays in order with no loss and settles at the minimum target delay', () => {
  const { jb, playedFills, delays } = run(200, (i) => i * 20 + 1);
  // The 40 ms initial delay is brought down to the 20 ms target by shedding one frame.
  assert.equal(jb.stats.shrunk, 1);
  assert.equal(jb.stats.played, 199);
  assert.equal(jb.stats.lost, 0);
  assert.equal(jb.stats.late, 0);
  assert.deepEqual(playedFills.slice(20), Array.from({ length: 179 }, (_, i) => (i + 21) & 0x7f));
  assert.equal(jb.targetDelayMs, 20);
  assert.ok(Math.max(...delays.slice(50)) <= 40, `delay ${Math.max(...delays.slice(50))}`);
});

test('reordered packets are played in sequence order', () => {
  // Swap every pair: packet 2k+1 arrives 1 ms before 2k.
  const { jb, playedFills } = run(100, (i) => (i % 2 ? i * 20 - 19 : i * 20 + 1));
  assert.equal(jb.stats.played, 100);
  assert.equal(jb.stats.late, 0);
  assert.deepEqual(playedFills, Array.from({ length: 100 }, (_, i) => i));
});

test('target delay grows with measured jitter and stays inside its bounds', () => {
  // Uniform 0–60 ms network delay, deterministic pseudo-random.
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const { jb, delays } = run(500, (i) => i * 20 + Math.floor(rnd() * 60), { law: 'pcma', maxDelayMs: 160 });
  assert.ok(jb.jitterMs > 10, `jitter ${jb.jitterMs}`);
  assert.ok(jb.targetDelayMs > 20 && jb.targetDelayMs <= 160, `target ${jb.targetDelayMs}`);
  // After adaptation few frames are late or lost; mean residence settles near the target.
  assert.ok(jb.stats.late + jb.stats.lost < 25, `late ${jb.stats.late} lost ${jb.stats.lost}`);
  const tail = delays.slice(-200);
  const mean = tail.reduce((a, b) => a + b, 0) / tail.length;
  assert.ok(mean < jb.targetDelayMs + 60, `mean residence ${mean}`);
  const capped = run(300, (i) => i * 20 + (i % 2) * 150, { law: 'pcma', maxDelayMs: 100 }).jb;
  assert.equal(capped.targetDelayMs, 100);
});

test('a burst of 5 lost packets is concealed for 3 frames, then silence, and counted as lost', () => {
  const lostSet = new Set([50, 51, 52, 53, 54]);
  const { jb, kinds, playedFills } = run(100, (i) => (lostSet.has(i) ? null : i * 20 + 1));
  assert.equal(jb.stats.lost, 5);
  assert.equal(jb.stats.late, 0);
  // Waiting at the start of the gap may add a frame of delay that is later shed.
  assert.equal(jb.stats.played + jb.stats.shrunk, 95);
  assert.ok(jb.stats.shrunk <= 1);
  const firstGap = kinds.indexOf('concealed');
  assert.deepEqual(kinds.slice(firstGap, firstGap + 4), ['concealed', 'concealed', 'concealed', 'silence']);
  // The 100 ms hole is filled, then frames resume in order with packet 55.
  assert.equal(kinds.slice(firstGap, firstGap + 5).filter((k) => k === 'frame').length, 0);
  const at49 = playedFills.indexOf(49);
  assert.deepEqual(playedFills.slice(at49, at49 + 3), [49, 55, 56]);
});

test('concealment fades the repeated frame towards silence', () => {
  const jb = new JitterBuffer({ law: 'pcmu', initialDelayMs: 20 });
  // µ-law 0x80 is the loudest positive level.
  jb.push({ ...pkt(0, 0x80) }, 0);
  jb.push({ ...pkt(2, 0x80) }, 40);
  assert.equal(jb.pop(20).kind, 'frame');
  const c = jb.pop(40);
  assert.equal(c.kind, 'concealed');
  assert.ok(c.frame[0] !== 0x80 && c.frame[0] !== 0xff, 'attenuated, not silent');
});

test('late and duplicate packets are dropped and counted', () => {
  const jb = new JitterBuffer({ law: 'pcmu', initialDelayMs: 20 });
  assert.equal(jb.push(pkt(10, 1), 0), 'stored');
  assert.equal(jb.push(pkt(10, 1), 1), 'duplicate');
  jb.push(pkt(11, 2), 20);
  jb.pop(20);
  jb.pop(40);
  assert.equal(jb.push(pkt(10, 1), 41), 'late');
  assert.equal(jb.stats.duplicates, 1);
  assert.equal(jb.stats.late, 1);
});

test('playout continues across the 16-bit sequence wrap', () => {
  const { jb, playedFills } = run(100, (i) => i * 20 + 1, { law: 'pcmu', initialDelayMs: 20 }, 65500);
  assert.equal(jb.stats.played, 100);
  assert.equal(jb.stats.lost + jb.stats.late, 0);
  assert.equal(jb.stats.restarts, 0);
  assert.equal(playedFills.length, 100);
});

test('an SSRC change restarts playout with the new source', () => {
  const jb = new JitterBuffer({ law: 'pcmu', initialDelayMs: 20 });
  jb.push(pkt(100, 1), 0);
  assert.equal(jb.pop(20).kind, 'frame');
  assert.equal(jb.push(pkt(9000, 9, { ssrc: 2 }), 30), 'restarted');
  assert.equal(jb.pop(40).kind, 'waiting');
  const o = jb.pop(60);
  assert.equal(o.kind, 'frame');
  assert.equal(o.sequenceNumber, 9000);
  assert.equal(jb.stats.restarts, 1);
});

test('a marker bit after a silent gap re-anchors playout instead of playing the gap', () => {
  const jb = new JitterBuffer({ law: 'pcmu', initialDelayMs: 20 });
  for (let i = 0; i < 5; i++) { jb.push(pkt(i, 1), i * 20); jb.pop(i * 20 + 20); }
  // 1 s of DTX silence, then a talkspurt with the next sequence number and a later timestamp.
  for (let t = 120; t < 1100; t += 20) jb.pop(t);
  jb.push(pkt(5, 7, { marker: true, timestamp: 5 * 160 + 8000 }), 1100);
  assert.equal(jb.pop(1100).kind, 'waiting');
  const o = jb.pop(1120);
  assert.equal(o.kind, 'frame');
  assert.equal(o.frame[0], 7);
  assert.equal(jb.stats.lost, 0);
});

test('a delay spike raises the target, and the delay shrinks back once the network is calm', () => {
  // Packets 100..109 are held up and arrive together 200 ms after packet 109 was sent.
  const jb = new JitterBuffer({ law: 'pcmu' });
  const arrive = (i: number) => (i >= 100 && i < 110 ? 109 * 20 + 200 : i * 20 + 1);
  let targetAfterSpike = 0;
  for (let t = 0, i = 0; t < 800 * 20; t += 20) {
    while (i < 800 && arrive(i) <= t) { jb.push(pkt(i, 1), arrive(i)); i++; }
    jb.pop(t);
    if (t === 2400) targetAfterSpike = jb.targetDelayMs;
  }
  assert.ok(jb.stats.underruns > 0, 'the spike caused underruns');
  assert.ok(targetAfterSpike > 40, `target right after the spike ${targetAfterSpike}`);
  assert.ok(jb.targetDelayMs < targetAfterSpike, `target decays: ${jb.targetDelayMs}`);
  assert.ok(jb.bufferedFrames * 20 <= jb.targetDelayMs, `buffered ${jb.bufferedFrames} frames`);
});
