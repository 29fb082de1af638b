// The line-disconnect detector alone: busy and congestion cadences of several zones are
// recognised from media's own tone generator; speech-like bursts and other tones are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALAW_ENCODE, ToneGenerator, toneZone, type ToneName, type ToneSpec } from '@hotline/media';
import { BUSY_CYCLES, DisconnectDetector, SILENCE_DISCONNECT_MS } from '../../../src/analog/ports/disconnect-detector.ts';

/** Feeds `ms` of a generator's output; returns the ms at which the detector fired, or undefined. */
function feed(det: DisconnectDetector, gen: { fill(out: Int16Array): boolean }, ms: number, t0 = 0): number | undefined {
  const pcm = new Int16Array(160);
  const frame = new Uint8Array(160);
  for (let t = 0; t < ms; t += 20) {
    gen.fill(pcm);
    for (let i = 0; i < 160; i++) frame[i] = ALAW_ENCODE[pcm[i]! & 0xffff]!;
    if (det.process(frame, t0 + t)) return t;
  }
  return undefined;
}

function tone(zone: string, name: ToneName | ToneSpec): ToneGenerator {
  const g = new ToneGenerator({ zone });
  g.start(name);
  return g;
}

for (const [zone, name] of [['cn', 'busy'], ['cn', 'congestion'], ['us', 'busy'], ['eu', 'busy'], ['uk', 'busy'], ['uk', 'congestion']] as const) {
  test(`${zone} ${name} tone is recognised after ${BUSY_CYCLES} cadence cycles`, () => {
    const det = new DisconnectDetector('alaw', toneZone(zone), 0);
    const c = toneZone(zone).tones[name].cadenceMs;
    const pairs = c.flatMap((ms, i) => (i % 2 === 0 ? [ms + c[i + 1]!] : []));
    const at = feed(det, tone(zone, name), 10_000);
    assert.ok(at !== undefined, 'detected');
    // BUSY_CYCLES whole cycles are heard, and the burst after them starts the count's last step.
    assert.ok(at >= BUSY_CYCLES * Math.min(...pairs) - 40 && at <= (BUSY_CYCLES + 1) * Math.max(...pairs) + 40, `at ${at} ms`);
  });
}

test('dial tone, ringback and a busy cadence at another frequency are not busy tone', () => {
  const det = new DisconnectDetector('alaw', toneZone('cn'), 0);
  assert.equal(feed(det, tone('cn', 'dial'), 5000), undefined);
  assert.equal(feed(det, tone('cn', 'ringback'), 20_000, 5000), undefined);
  assert.equal(feed(det, tone('cn', { frequencies: [1000], cadenceMs: [350, 350] }), 5000, 25_000), undefined);
});

test('speech-like bursts (random pitch and length) do not count as busy tone', () => {
  let seed = 7;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const det = new DisconnectDetector('alaw', toneZone('cn'), 0);
  let t = 0;
  while (t < 30_000) {
    const ms = 100 + Math.round(rand() * 300 / 20) * 20;
    const f1 = 150 + rand() * 700;
    const burst = tone('cn', { frequencies: [f1, f1 * 2.1, f1 * 3.3], cadenceMs: [] });
    assert.equal(feed(det, burst, ms, t), undefined, `burst at ${t}`);
    t += ms;
    const gap = 60 + Math.round(rand() * 200 / 20) * 20;
    assert.equal(feed(det, { fill: (o: Int16Array) => { o.fill(0); return false; } }, gap, t), undefined);
    t += gap;
  }
});

test('silence counts as a disconnect only after SILENCE_DISCONNECT_MS', () => {
  const det = new DisconnectDetector('ulaw', toneZone('cn'), 1000);
  const silent = new Uint8Array(160).fill(0xff);
  assert.equal(det.process(silent, 1000 + SILENCE_DISCONNECT_MS - 20), undefined);
  assert.equal(det.process(silent, 1000 + SILENCE_DISCONNECT_MS), 'silence');
});
