import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linearToAlaw, linearToUlaw, WavFileWriter, type WavEncoding } from '@hotline/media';
import { decodeWav, pauseColumns, peaks } from '../src/lib/waveform.ts';

/** A real recorder-style WAV: channel 0 a ramp of known samples, channel 1 silence. */
function wavBytes(encoding: WavEncoding, samples: number[]): ArrayBuffer {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-wave-'));
  try {
    const path = join(dir, 'a.wav');
    const w = new WavFileWriter(path, { encoding, sampleRate: 8000, channels: 2 });
    const enc = encoding === 'alaw' ? linearToAlaw : linearToUlaw;
    const data = new Uint8Array(samples.length * 2);
    samples.forEach((s, i) => { data[2 * i] = enc(s); data[2 * i + 1] = enc(0); });
    w.append(data);
    w.close();
    const b = readFileSync(path);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const encoding of ['alaw', 'ulaw'] as const) {
  test(`decodeWav reads the recorder's ${encoding} WAV into one array per party`, () => {
    const samples = [0, 1000, -1000, 8000, -8000, 30000, -30000, 0];
    const wav = decodeWav(wavBytes(encoding, samples));
    assert.equal(wav.sampleRate, 8000);
    assert.equal(wav.channels.length, 2);
    assert.equal(wav.channels[0]!.length, samples.length);
    // G.711 is lossy: each decoded sample is within its segment's step of the original.
    wav.channels[0]!.forEach((s, i) => assert.ok(Math.abs(s - samples[i]!) <= Math.max(16, Math.abs(samples[i]!) / 16), `${encoding} sample ${i}: ${s} vs ${samples[i]}`));
    assert.ok(wav.channels[1]!.every((s) => Math.abs(s) <= 8), 'channel 1 is silence');
  });
}

test('peaks gives min/max per column scaled to -1..1', () => {
  const p = peaks(Int16Array.from([0, 16384, -16384, 0, 0, 0, 32767, -32768]), 2);
  assert.deepEqual(p.map(([lo, hi]) => [lo, Number(hi.toFixed(3))]), [[-0.5, 0.5], [-1, 1]]);
});

test('decodeWav refuses what is not a WAV', () => {
  assert.throws(() => decodeWav(new TextEncoder().encode('not a wav at all').buffer as ArrayBuffer), /not a WAV/);
});

test('pauseColumns: a pause maps to its pixel columns, clamped to the file; an open pause runs to the end; at least 1 px', () => {
  assert.deepEqual(pauseColumns([{ fromMs: 2000, toMs: 2500 }], 3000, 800), [[533, 134]]);
  assert.deepEqual(pauseColumns([{ fromMs: 1500, toMs: null }], 3000, 800), [[400, 400]]);
  assert.deepEqual(pauseColumns([{ fromMs: 2900, toMs: 9000 }], 3000, 300), [[290, 10]], 'clamped to the file\'s end');
  assert.deepEqual(pauseColumns([{ fromMs: 1000, toMs: 1000 }], 3000, 300), [[100, 1]], 'an instant pause stays visible');
  assert.deepEqual(pauseColumns([{ fromMs: 0, toMs: 10 }], 0, 300), [], 'an empty file has no columns');
});
