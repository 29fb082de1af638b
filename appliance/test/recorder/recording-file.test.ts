import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWavFile, recoverWav } from '@hotline/media';
import { RecordingFile } from '../../src/recorder/recording-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'rec-file-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('writes a 2-channel A-law WAV in date folders; flush appends only what is older than the jitter allowance', () => {
  const path = join(dir, '2026/11/30/a.wav');
  const f = new RecordingFile(path, 'PCMA', 2, 200);
  const payload = new Uint8Array(160).fill(0x55);
  for (let k = 0; k < 50; k++) {
    f.aligner.push(0, 1000 + k * 20, 1, k * 160, payload, 0, 160);
    f.aligner.push(1, 1000 + k * 20, 2, k * 160, payload, 0, 160);
  }
  // At t=2000 ms (1 s of audio received) and 200 ms allowance, 800 ms are settled.
  assert.equal(f.flush(2000), 800 * 8 * 2);
  assert.equal(statSync(path).size, 58 + 800 * 8 * 2);
  f.close();
  const wav = readWavFile(path);
  assert.deepEqual([wav.encoding, wav.channels, wav.sampleRate, wav.dataLength], ['alaw', 2, 8000, 16000]);
  assert.equal(f.durationMs, 1000);
});

test('a file cut by a crash is repaired from its data: recoverWav gives back every whole frame that was flushed', () => {
  const path = join(dir, 'crash.wav');
  const f = new RecordingFile(path, 'PCMU', 2, 0);
  const payload = new Uint8Array(160).fill(0x10);
  for (let k = 0; k < 100; k++) {
    f.aligner.push(0, k * 20, 1, k * 160, payload, 0, 160);
    f.aligner.push(1, k * 20, 2, k * 160, payload, 0, 160);
  }
  f.flush(2000);
  // No close(): the header still says 0 bytes, as after kill -9. Add half a sample frame of garbage.
  writeFileSync(path, Buffer.from([1]), { flag: 'a' });
  const r = recoverWav(path);
  assert.equal(r.repaired, true);
  assert.equal(r.dataBytes, 2000 * 8 * 2);
  assert.equal(r.trimmedBytes, 1);
  const wav = readWavFile(path);
  assert.equal(wav.dataLength, 32000);
  assert.equal(readFileSync(path).length % 2, 0);
});
