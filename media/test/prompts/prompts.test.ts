import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ALAW_TO_ULAW, decodeUlaw } from '../../src/g711/index.ts';
import { WavFormatError, parseWav } from '../../src/wav/index.ts';
import { PlaylistPlayback, PromptCache, PromptPlayback, promptToLaw, type PromptFs } from '../../src/prompts/index.ts';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fx = (name: string) => join(fixtures, name);

/** An in-memory fs over the fixtures whose mtimes tests can bump, counting reads. */
function fakeFs(): PromptFs & { reads: number; touch(p: string): void } {
  const mtimes = new Map<string, number>();
  return {
    reads: 0,
    statSync: (p) => ({ mtimeMs: mtimes.get(p) ?? 1 }),
    readFileSync(p) { this.reads++; return readFileSync(p); },
    touch(p) { mtimes.set(p, (mtimes.get(p) ?? 1) + 1); },
  };
}

test('PCM16, A-law and µ-law versions of the same tone convert to nearly the same µ-law audio', () => {
  const fromPcm = promptToLaw(parseWav(readFileSync(fx('tone-440hz-1s-pcm16.wav'))), 'pcmu');
  const fromUlaw = promptToLaw(parseWav(readFileSync(fx('tone-440hz-1s-ulaw.wav'))), 'pcmu');
  const fromAlaw = promptToLaw(parseWav(readFileSync(fx('tone-440hz-1s-alaw.wav'))), 'pcmu');
  assert.equal(fromPcm.length, 8000);
  assert.ok(fromPcm.equals(fromUlaw), 'µ-law file is what the PCM encodes to');
  const a = new Int16Array(8000);
  const b = new Int16Array(8000);
  decodeUlaw(fromPcm, a);
  decodeUlaw(fromAlaw, b);
  let maxErr = 0;
  for (let i = 0; i < 8000; i++) maxErr = Math.max(maxErr, Math.abs(a[i]! - b[i]!));
  assert.ok(maxErr < 600, `A-law→µ-law error ${maxErr}`);
  const alawAudio = parseWav(readFileSync(fx('tone-440hz-1s-alaw.wav'))).data;
  assert.equal(fromAlaw[100], ALAW_TO_ULAW[alawAudio[100]!]);
});

test('a 16 kHz prompt is rejected with a message saying prompts must be 8 kHz', () => {
  const cache = new PromptCache();
  assert.throws(() => cache.get(fx('tone-440hz-16k-pcm16.wav'), 'pcma'), (e: unknown) => e instanceof WavFormatError && e.kind === 'unsupported' && /must be 8 kHz/.test(e.message) && /16000 Hz/.test(e.message));
});

test('the cache converts a prompt once, reloads it when its mtime changes, and keys by law', () => {
  const fs = fakeFs();
  const cache = new PromptCache({ fs });
  const p = fx('tone-440hz-1s-ulaw.wav');
  const first = cache.get(p, 'pcmu');
  assert.equal(cache.get(p, 'pcmu'), first);
  assert.equal(fs.reads, 1);
  assert.equal(cache.hits, 1);
  cache.get(p, 'pcma');
  assert.equal(fs.reads, 2, 'the other law is another entry');
  fs.touch(p);
  assert.notEqual(cache.get(p, 'pcmu'), first);
  assert.equal(fs.reads, 3);
  assert.equal(cache.sizeBytes, 16000);
});

test('the cache evicts the least recently used prompt to stay within its byte budget', () => {
  const fs = fakeFs();
  const cache = new PromptCache({ fs, budgetBytes: 8000 + 2010 });
  const tone = fx('tone-440hz-1s-ulaw.wav');
  const odd = fx('tone-1khz-odd-alaw.wav');
  cache.get(tone, 'pcmu');
  cache.get(odd, 'pcma');
  assert.equal(cache.count, 2);
  cache.get(tone, 'pcmu'); // now odd is least recently used
  cache.get(tone, 'pcma'); // 8000 more bytes: evicts odd, then the pcmu tone
  assert.ok(cache.sizeBytes <= 10010);
  assert.equal(cache.count, 1);
  const reads = fs.reads;
  cache.get(odd, 'pcma');
  assert.equal(fs.reads, reads + 1, 'evicted prompt is read again');
  const tiny = new PromptCache({ fs, budgetBytes: 100 });
  assert.equal(tiny.get(tone, 'pcmu').length, 8000, 'a prompt over the budget still plays');
  assert.equal(tiny.count, 0);
});

test('playback yields 160-byte frames and pads the last one with silence', () => {
  const audio = promptToLaw(parseWav(readFileSync(fx('tone-1khz-odd-alaw.wav'))), 'pcma');
  assert.equal(audio.length, 2010);
  const pb = new PromptPlayback(audio, { law: 'pcma' });
  const frames: Buffer[] = [];
  for (let f = pb.next(); f !== null; f = pb.next()) frames.push(Buffer.from(f));
  assert.equal(frames.length, 13); // 12 full frames + 90 bytes
  assert.ok(frames.every((f) => f.length === 160));
  assert.ok(frames[12]!.subarray(0, 90).equals(audio.subarray(1920)));
  assert.ok(frames[12]!.subarray(90).every((b) => b === 0xd5));
  assert.equal(pb.done, true);
  assert.equal(pb.next(), null);
});

test('a looping prompt restarts at the beginning and never ends', () => {
  const audio = Buffer.alloc(320, 0x11);
  audio.fill(0x22, 160);
  const pb = new PromptPlayback(audio, { law: 'pcmu', loop: true });
  const firsts = Array.from({ length: 5 }, () => pb.next()![0]);
  assert.deepEqual(firsts, [0x11, 0x22, 0x11, 0x22, 0x11]);
  assert.equal(pb.done, false);
});

test('music on hold plays a playlist in order and loops back to the first prompt', () => {
  const a = Buffer.alloc(200, 1);
  const b = Buffer.alloc(160, 2);
  const moh = new PlaylistPlayback([a, Buffer.alloc(0), b], { law: 'pcmu', loop: true });
  const seq = Array.from({ length: 7 }, () => {
    const f = moh.next()!;
    return [f[0], f[159]];
  });
  // a: one full frame, one frame of 40 bytes + silence; the empty item is skipped; b; then a again.
  assert.deepEqual(seq, [[1, 1], [1, 0xff], [2, 2], [1, 1], [1, 0xff], [2, 2], [1, 1]]);
  const once = new PlaylistPlayback([b], { law: 'pcmu' });
  assert.ok(once.next());
  assert.equal(once.next(), null);
});
