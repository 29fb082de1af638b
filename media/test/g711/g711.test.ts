import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALAW_DECODE, ALAW_TO_ULAW, ULAW_DECODE, ULAW_TO_ALAW, alawToLinear, alawToUlawFrame, decodeAlaw, decodeUlaw,
  encodeAlaw, encodeUlaw, linearToAlaw, linearToAlawSegment, linearToUlaw, linearToUlawSegment, ulawToAlawFrame, ulawToLinear,
} from '../../src/g711/index.ts';

test('silence and full-scale code words match the ITU-T G.711 reference values', () => {
  assert.equal(linearToUlaw(0), 0xff);
  assert.equal(linearToAlaw(0), 0xd5);
  assert.equal(ulawToLinear(0xff), 0);
  assert.equal(ulawToLinear(0x7f), 0); // negative zero
  assert.equal(ulawToLinear(0x00), -32124);
  assert.equal(ulawToLinear(0x80), 32124);
  assert.equal(alawToLinear(0xd5), 8);
  assert.equal(alawToLinear(0x55), -8);
  assert.equal(alawToLinear(0xaa), 32256);
  assert.equal(alawToLinear(0x2a), -32256);
  assert.equal(linearToUlaw(32767), 0x80);
  assert.equal(linearToUlaw(-32768), 0x00);
  assert.equal(linearToAlaw(32767), 0xaa);
  assert.equal(linearToAlaw(-32768), 0x2a);
});

test('every linear value round-trips within half a quantization step of its segment', () => {
  for (let s = -32768; s < 32768; s++) {
    const a = alawToLinear(linearToAlaw(s));
    // A-law step is 16 (16-bit units) in segments 0–1 and doubles per segment after.
    const mag = Math.min(Math.abs(s), 32767);
    const aStep = mag < 512 ? 16 : 16 << Math.floor(Math.log2(mag >> 8));
    const aClip = mag > 32256 ? mag - 32256 : 0;
    assert.ok(Math.abs(a - s) <= aStep / 2 + aClip + 1, `A-law ${s} -> ${a}`);
    const u = ulawToLinear(linearToUlaw(s));
    const uSeg = Math.max(0, Math.floor(Math.log2((Math.min(mag, 32635) + 0x84) >> 7)));
    const uStep = 8 << uSeg;
    const uClip = mag > 32124 ? mag - 32124 : 0;
    assert.ok(Math.abs(u - s) <= uStep / 2 + uClip, `µ-law ${s} -> ${u}`);
  }
});

test('decoding then encoding gives back every code word (except µ-law negative zero)', () => {
  for (let c = 0; c < 256; c++) {
    assert.equal(linearToAlaw(alawToLinear(c)), c);
    assert.equal(linearToUlaw(ulawToLinear(c)), c === 0x7f ? 0xff : c);
  }
});

test('the 64K encode tables agree with the segment method for every sample', () => {
  for (let s = -32768; s < 32768; s++) {
    assert.equal(linearToUlaw(s), linearToUlawSegment(s));
    assert.equal(linearToAlaw(s), linearToAlawSegment(s));
  }
});

test('decode tables are odd-symmetric: the sign bit only flips the sign', () => {
  for (let c = 0; c < 128; c++) {
    assert.equal(ULAW_DECODE[c]! + ULAW_DECODE[c | 0x80]!, 0);
    assert.equal(ALAW_DECODE[c]! + ALAW_DECODE[c | 0x80]!, 0);
  }
});

test('transcoding tables equal decode in one law then encode in the other', () => {
  for (let c = 0; c < 256; c++) {
    assert.equal(ULAW_TO_ALAW[c], linearToAlaw(ulawToLinear(c)));
    assert.equal(ALAW_TO_ULAW[c], linearToUlaw(alawToLinear(c)));
  }
  // Silence stays silence: A-law has no zero level, its smallest (±8) maps to µ-law ±8.
  assert.equal(ULAW_TO_ALAW[0xff], 0xd5);
  assert.equal(ulawToLinear(ALAW_TO_ULAW[0xd5]!), 8);
});

test('frame functions write into the caller buffers and reject short destinations', () => {
  const pcm = new Int16Array(160);
  for (let i = 0; i < 160; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000));
  const u = Buffer.alloc(160);
  const a = Buffer.alloc(160);
  assert.equal(encodeUlaw(pcm, u), 160);
  assert.equal(encodeAlaw(pcm, a), 160);
  const back = new Int16Array(160);
  assert.equal(decodeUlaw(u, back), 160);
  for (let i = 0; i < 160; i++) assert.ok(Math.abs(back[i]! - pcm[i]!) <= 256);
  decodeAlaw(a, back);
  for (let i = 0; i < 160; i++) assert.ok(Math.abs(back[i]! - pcm[i]!) <= 256);
  const t = Buffer.from(u);
  ulawToAlawFrame(t, t); // in place
  assert.deepEqual([...t], [...u].map((c) => ULAW_TO_ALAW[c]));
  alawToUlawFrame(a, t);
  assert.deepEqual([...t], [...a].map((c) => ALAW_TO_ULAW[c]));
  assert.throws(() => decodeUlaw(u, new Int16Array(10)), RangeError);
  assert.throws(() => encodeAlaw(pcm, Buffer.alloc(159)), RangeError);
});
