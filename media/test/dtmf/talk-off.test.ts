// Talk-off: speech, vowels and music must not be taken for digits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { renderDtmf } from '../../src/dtmf/index.ts';
import { concat, detect, digitsOf, ms, readWav16, rng, toInt16 } from './signals.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/dtmf/${name}`, import.meta.url));

for (const name of ['speech-en.wav', 'speech-zh.wav', 'speech-en-high.wav']) {
  test(`speech fixture ${name} (espeak-ng, 8 kHz) produces no digit`, () => {
    const pcm = readWav16(fixture(name));
    assert.ok(pcm.length >= ms(5000), 'fixture holds at least 5 s');
    assert.equal(digitsOf(detect(pcm)), '');
  });
}

test('speech louder by 6 dB (clipping) and softer by 20 dB still produces no digit', () => {
  for (const name of ['speech-en.wav', 'speech-zh.wav']) {
    const pcm = readWav16(fixture(name));
    for (const gain of [2, 0.1]) assert.equal(digitsOf(detect(toInt16(Float64Array.from(pcm, (v) => v * gain)))), '', `${name} x${gain}`);
  }
});

test('digits keyed between speech phrases are all detected (the talk-off guard does not cost real digits)', () => {
  const speech = readWav16(fixture('speech-zh.wav'));
  const parts = [speech.subarray(0, ms(1500)), renderDtmf('12'), speech.subarray(ms(1500), ms(3000)), renderDtmf('#')];
  assert.equal(digitsOf(detect(Int16Array.from(concat(...parts.map((p) => Float64Array.from(p)))))), '12#');
});

/** A vowel: glottal-like harmonics of f0 shaped by two formant resonances, with slow vibrato. */
function vowel(f0: number, f1: number, f2: number, durationMs: number): Float64Array {
  const n = ms(durationMs);
  const out = new Float64Array(n);
  const phases: number[] = [];
  for (let h = 1; h * f0 < 3800; h++) phases.push(0);
  let t = 0;
  for (let i = 0; i < n; i++) {
    const f = f0 * (1 + 0.01 * Math.sin((2 * Math.PI * 5 * i) / 8000));
    t += (2 * Math.PI * f) / 8000;
    let v = 0;
    for (let h = 1; h <= phases.length; h++) {
      const fh = h * f0;
      // Two resonances over a -12 dB/octave source slope.
      const g = (1 / h) * (1 / (1 + ((fh - f1) / 90) ** 2) + 0.7 / (1 + ((fh - f2) / 120) ** 2) + 0.05);
      v += g * Math.sin(h * t);
    }
    out[i] = v;
  }
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  return out.map((v) => (v / peak) * 16000);
}

test('synthetic vowels over a range of pitches and formants (incl. harmonics on DTMF frequencies) produce no digit', () => {
  const vowels = [
    [100, 700, 1220], [120, 300, 870], [139.4, 697, 1209], [150, 530, 1840], [174.25, 697, 1394], [200, 850, 1610],
    [233, 700, 1200], [250, 270, 2290], [300, 640, 1190], [348.5, 697, 1045],
  ] as const;
  for (const [f0, f1, f2] of vowels) assert.equal(digitsOf(detect(toInt16(vowel(f0, f1, f2, 600)))), '', `vowel f0=${f0} F1=${f1} F2=${f2}`);
});

/** A chord of notes with a few harmonics each, like an organ or hold music. */
function chord(midiNotes: readonly number[], durationMs: number): Float64Array {
  const n = ms(durationMs);
  const out = new Float64Array(n);
  for (const m of midiNotes) {
    const f = 440 * Math.pow(2, (m - 69) / 12);
    for (let h = 1; h <= 4 && h * f < 3800; h++) {
      const w = (2 * Math.PI * f * h) / 8000;
      for (let i = 0; i < n; i++) out[i]! += (3000 / h) * Math.sin(w * i);
    }
  }
  return out;
}

test('music-like chords (triads, sevenths, intervals in the DTMF bands) produce no digit', () => {
  const chords = [
    [60, 64, 67], [62, 65, 69], [65, 69, 72], [67, 71, 74, 77], [69, 73, 76], [76, 79, 83], [77, 81, 84],
    [79, 83, 86], [81, 85, 88], [76, 84], [77, 86], [78, 87], [79, 88], [81, 91],
  ];
  for (const c of chords) assert.equal(digitsOf(detect(toInt16(chord(c, 500)))), '', `chord ${c.join(',')}`);
});

test('a random-note melody with harmonics played for 20 s produces no digit', () => {
  const r = rng(42);
  const notes: Float64Array[] = [];
  for (let i = 0; i < 100; i++) notes.push(chord([55 + Math.floor(r() * 36), 55 + Math.floor(r() * 36)], 200));
  assert.equal(digitsOf(detect(toInt16(concat(...notes)))), '');
});
