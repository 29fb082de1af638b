// Test signals for the DTMF tests: tones, silence, seeded noise, WAV fixtures.
import { readFileSync } from 'node:fs';
import { dbm0ToPeak } from '../../src/tones/level.ts';
import { DtmfDetector, type DtmfDetectorOptions, type DtmfToneEvent } from '../../src/dtmf/inband-detector.ts';

export const RATE = 8000;

/** Samples for `ms` milliseconds. */
export function ms(n: number): number {
  return Math.round((n * RATE) / 1000);
}

/** Sum of two sines, given in Hz and dBm0, as float samples. */
export function dualTone(f1: number, f2: number, l1: number, l2: number, durationMs: number, phase = 0.3): Float64Array {
  const n = ms(durationMs);
  const a1 = dbm0ToPeak(l1);
  const a2 = dbm0ToPeak(l2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a1 * Math.sin((2 * Math.PI * f1 * i) / RATE + phase) + a2 * Math.sin((2 * Math.PI * f2 * i) / RATE + 2 * phase);
  return out;
}

/** Silence of `durationMs`. */
export function silence(durationMs: number): Float64Array {
  return new Float64Array(ms(durationMs));
}

/** Concatenation of float signals. */
export function concat(...parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Adds white Gaussian noise at `snrDb` below the signal's mean power (over its non-silent part). */
export function addNoise(x: Float64Array, snrDb: number, seed = 1): Float64Array {
  let p = 0;
  let n = 0;
  for (const v of x) if (v !== 0) {
    p += v * v;
    n++;
  }
  const sigma = Math.sqrt(p / Math.max(1, n) / Math.pow(10, snrDb / 10));
  const r = rng(seed);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const g = Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
    out[i] = x[i]! + sigma * g;
  }
  return out;
}

/** Rounds and saturates float samples to 16-bit. */
export function toInt16(x: Float64Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(x[i]!)));
  return out;
}

/** Runs a fresh detector over `samples` in 20 ms frames (plus 200 ms of silence so the last digit ends). */
export function detect(samples: Int16Array, options?: DtmfDetectorOptions, frame = 160): DtmfToneEvent[] {
  const det = new DtmfDetector(options);
  const padded = new Int16Array(samples.length + ms(200));
  padded.set(samples);
  const events: DtmfToneEvent[] = [];
  for (let i = 0; i < padded.length; i += frame) events.push(...det.process(padded.subarray(i, Math.min(padded.length, i + frame))));
  return events;
}

/** The digits that began, in order. */
export function digitsOf(events: readonly DtmfToneEvent[]): string {
  return events.filter((e) => e.type === 'begin').map((e) => e.digit).join('');
}

/** Reads the PCM samples of a 16-bit mono WAV fixture (walks the RIFF chunks to find `data`). */
export function readWav16(path: string): Int16Array {
  const buf = readFileSync(path);
  if (buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') throw new Error(`${path}: not a WAV file`);
  let off = 12;
  while (off + 8 <= buf.length) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'data') {
      const out = new Int16Array(size >> 1);
      for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(off + 8 + 2 * i);
      return out;
    }
    off += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}
