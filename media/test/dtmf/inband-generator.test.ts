import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfGenerator, renderDtmf, goertzelAmplitude, DtmfDigitError } from '../../src/dtmf/index.ts';
import { dbm0ToPeak } from '../../src/tones/index.ts';

test('a generated digit holds its row at -7 dBm0 and its column at -5 dBm0 (±0.5 dB) and nothing else near -30 dBm0', () => {
  const pcm = renderDtmf('6', { toneMs: 100, pauseMs: 0 });
  const mid = [80, 720] as const; // skip the ramps
  const db = (amp: number, ref: number) => 20 * Math.log10(amp / ref);
  assert.ok(Math.abs(db(goertzelAmplitude(pcm, 770, 8000, ...mid), dbm0ToPeak(-7))) < 0.5);
  assert.ok(Math.abs(db(goertzelAmplitude(pcm, 1477, 8000, ...mid), dbm0ToPeak(-5))) < 0.5);
  assert.ok(goertzelAmplitude(pcm, 941, 8000, ...mid) < dbm0ToPeak(-30), 'other rows stay silent');
  assert.ok(goertzelAmplitude(pcm, 1633, 8000, ...mid) < dbm0ToPeak(-30), 'other columns stay silent');
});

test('tone and pause lengths are exact in samples, and the generator goes idle after the queue', () => {
  const gen = new DtmfGenerator({ toneMs: 70, pauseMs: 30 });
  gen.enqueue('1a');
  assert.equal(gen.pending, 2);
  const out = new Int16Array(1600);
  assert.equal(gen.fill(out), true);
  const nonZero = (a: Int16Array, s: number, e: number) => a.subarray(s, e).some((v) => v !== 0);
  assert.ok(nonZero(out, 0, 560) && !nonZero(out, 561, 800), 'digit 1: 560 samples of tone then 240 of silence');
  assert.ok(nonZero(out, 800, 1360) && !nonZero(out, 1361, 1600), 'digit A');
  assert.equal(gen.pending, 0);
  assert.equal(gen.fill(out), false);
  assert.ok(!nonZero(out, 0, 1600));
});

test('streaming in 20 ms frames gives the same samples as one big buffer (phase continuous across frames)', () => {
  const whole = renderDtmf('90#', { toneMs: 90, pauseMs: 50 });
  const gen = new DtmfGenerator({ toneMs: 90, pauseMs: 50 });
  gen.enqueue('90#');
  const frame = new Int16Array(160);
  const streamed: number[] = [];
  for (let i = 0; i < whole.length; i += 160) {
    gen.fill(frame);
    streamed.push(...frame);
  }
  assert.deepEqual(streamed.slice(0, whole.length), [...whole]);
});

test('non-digits are refused when queued', () => {
  assert.throws(() => new DtmfGenerator().enqueue('12x'), DtmfDigitError);
});
