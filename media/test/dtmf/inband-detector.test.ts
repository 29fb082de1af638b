import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfDetector, renderDtmf, digitFrequencies, toDtmfDigit, DTMF_DIGITS, DTMF_ROW_HZ, DTMF_COLUMN_HZ } from '../../src/dtmf/index.ts';
import { decodeAlaw, decodeUlaw, encodeAlaw, encodeUlaw } from '../../src/g711/index.ts';
import { addNoise, rng, concat, detect, digitsOf, dualTone, ms, silence, toInt16 } from './signals.ts';

/** One digit's tone preceded by `offsetSamples` of silence, so every block alignment gets tried. */
function burst(row: number, col: number, durationMs: number, offsetSamples: number, rowDb = -7, colDb = -5): Int16Array {
  return toInt16(concat(new Float64Array(offsetSamples), dualTone(row, col, rowDb, colDb, durationMs), silence(100)));
}

test('detects every digit 0-9 * # A-D from the generator, in order, once each', () => {
  const all = DTMF_DIGITS.join('');
  assert.equal(digitsOf(detect(renderDtmf(all))), all);
  assert.equal(digitsOf(detect(renderDtmf(all, { toneMs: 50, pauseMs: 50 }))), all);
});

test('every digit is detected whatever the frame size the caller feeds (1, 7, 160, 1000 samples)', () => {
  const pcm = renderDtmf('159#');
  for (const frame of [1, 7, 160, 1000]) assert.equal(digitsOf(detect(pcm, {}, frame)), '159#', `frame ${frame}`);
});

test('reports start and duration within 2 ms of the real tone', () => {
  const pcm = toInt16(concat(silence(37), dualTone(852, 1477, -7, -5, 90), silence(60)));
  const events = detect(pcm);
  const end = events.find((e) => e.type === 'end')!;
  assert.equal(end.digit, '9');
  assert.ok(Math.abs(end.startSample - ms(37)) <= 16, `start ${end.startSample}`);
  assert.ok(Math.abs(end.durationSamples - ms(90)) <= 16, `duration ${end.durationSamples}`);
});

test('Q.24 timing: a 40 ms tone is accepted and a 23 ms tone rejected at every block alignment', () => {
  for (let off = 0; off < 102; off += 3) {
    assert.equal(digitsOf(detect(burst(770, 1336, 40, off))), '5', `40 ms at offset ${off}`);
    assert.equal(digitsOf(detect(burst(770, 1336, 23, off))), '', `23 ms at offset ${off}`);
  }
});

test('Q.24 pause: two equal digits 40 ms apart are two digits; a 10 ms drop-out does not split one', () => {
  const tone = () => dualTone(697, 1209, -7, -5, 60);
  assert.equal(digitsOf(detect(toInt16(concat(tone(), silence(40), tone())))), '11');
  assert.equal(digitsOf(detect(toInt16(concat(dualTone(697, 1209, -7, -5, 80), silence(10), dualTone(697, 1209, -7, -5, 80))))), '1');
});

test('twist: 8 dB normal and 4 dB reverse twist are accepted, 12 dB normal and 8 dB reverse rejected', () => {
  const at = (rowDb: number, colDb: number) => digitsOf(detect(toInt16(dualTone(941, 1477, rowDb, colDb, 80))));
  assert.equal(at(-4, -12), '#', 'normal twist 8 dB');
  assert.equal(at(-10, -6), '#', 'reverse twist 4 dB');
  assert.equal(at(-4, -16), '', 'normal twist 12 dB');
  assert.equal(at(-14, -6), '', 'reverse twist 8 dB');
});

test('frequency tolerance: every digit is accepted at ±1.5 % and rejected at ±3.5 %', () => {
  for (const d of DTMF_DIGITS) {
    const { row, column } = digitFrequencies(d);
    for (const f of [-0.015, 0.015]) assert.equal(digitsOf(detect(toInt16(dualTone(row * (1 + f), column * (1 + f), -7, -5, 80)))), d, `${d} at ${f * 100} %`);
    for (const f of [-0.035, 0.035]) assert.equal(digitsOf(detect(toInt16(dualTone(row * (1 + f), column * (1 + f), -7, -5, 80)))), '', `${d} at ${f * 100} %`);
    // Only one of the two tones off is enough to reject.
    assert.equal(digitsOf(detect(toInt16(dualTone(row, column * 1.035, -7, -5, 80)))), '', `${d} column at +3.5 %`);
    assert.equal(digitsOf(detect(toInt16(dualTone(row * 0.965, column, -7, -5, 80)))), '', `${d} row at -3.5 %`);
  }
});

test('sensitivity: tones at -25 dBm0 are detected, tones at -36 dBm0 are not', () => {
  assert.equal(digitsOf(detect(toInt16(dualTone(852, 1336, -25, -25, 80)))), '8');
  assert.equal(digitsOf(detect(toInt16(dualTone(852, 1336, -36, -36, 80)))), '');
});

test('noise: a digit string is detected exactly at 20, 15, 10 and 6 dB SNR', () => {
  const clean = concat(silence(60), ...[...'2580*#'].map((d) => {
    const { row, column } = digitFrequencies(toDtmfDigit(d));
    return concat(dualTone(row, column, -10, -8, 60), silence(60));
  }));
  for (const snr of [20, 15, 10, 6]) assert.equal(digitsOf(detect(toInt16(addNoise(clean, snr, snr)))), '2580*#', `SNR ${snr} dB`);
});

test('white noise alone, quiet or loud, never produces a digit', () => {
  for (const sigma of [300, 3000, 10000]) {
    const r = rng(sigma);
    const noise = Float64Array.from({ length: ms(5000) }, () => sigma * Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r()));
    assert.equal(digitsOf(detect(toInt16(noise))), '', `sigma ${sigma}`);
  }
});

test('a digit string survives a G.711 µ-law and A-law round trip', () => {
  const pcm = renderDtmf('0123456789*#ABCD', { toneMs: 60, pauseMs: 60 });
  const codes = new Uint8Array(pcm.length);
  const back = new Int16Array(pcm.length);
  encodeUlaw(pcm, codes);
  decodeUlaw(codes, back);
  assert.equal(digitsOf(detect(back)), '0123456789*#ABCD', 'µ-law');
  encodeAlaw(pcm, codes);
  decodeAlaw(codes, back);
  assert.equal(digitsOf(detect(back)), '0123456789*#ABCD', 'A-law');
});

test('single tones (one row or one column frequency alone) are not digits', () => {
  for (const f of [...DTMF_ROW_HZ, ...DTMF_COLUMN_HZ]) assert.equal(digitsOf(detect(toInt16(dualTone(f, f, -7, -200, 200)))), '', `${f} Hz`);
});

test('process() returns the same empty array on frames with nothing to report (no allocation per frame)', () => {
  const det = new DtmfDetector();
  const frame = new Int16Array(160);
  const a = det.process(frame);
  const b = det.process(frame);
  assert.equal(a.length, 0);
  assert.equal(a, b);
  assert.equal(det.samples, 320);
});
