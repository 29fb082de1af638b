// libhotline-echo on its own (no card): argument checks, and the linear filter's
// convergence measured during double talk, when the non-linear processor stands aside
// and only libspandsp's adaptive filter removes echo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alawToLinear, linearToAlaw, linearToUlaw, ulawToLinear } from '@hotline/media';
import { CardError } from '../src/index.ts';
import { loadEchoLib, checkEchoTaps } from '../src/echo/echo-canceller.ts';

const lib = loadEchoLib();

test('bad tap counts are refused: RangeError from checkEchoTaps, null from the shim', () => {
  for (const bad of [-1, 1025, 1.5, Number.NaN]) assert.throws(() => checkEchoTaps(bad), RangeError);
  for (const ok of [0, 1, 128, 1024]) checkEchoTaps(ok);
  assert.equal(lib.create(0, 'alaw'), null);
  assert.equal(lib.create(2048, 'ulaw'), null);
  assert.throws(() => lib.process(lib.create(128, 'alaw'), Buffer.alloc(160), Buffer.alloc(80)), RangeError);
});

test('a missing shim is LIBRARY_NOT_FOUND', () => {
  assert.throws(() => loadEchoLib('/nonexistent/libhotline-echo.so'), (e: unknown) => e instanceof CardError && e.code === 'LIBRARY_NOT_FOUND');
});

test('the linear filter converges: during double talk after 4 s, the echo under the near end is >= 10 dB down', () => {
  for (const law of ['alaw', 'ulaw'] as const) {
    const h = lib.create(128, law);
    assert.notEqual(h, null);
    const encode = (v: number): number => (law === 'alaw' ? linearToAlaw(Math.round(v)) : linearToUlaw(Math.round(v)));
    const decode = (c: number): number => (law === 'alaw' ? alawToLinear(c) : ulawToLinear(c));
    let seed = 11;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
    const played: number[] = [];
    let echoPower = 0;
    let residualPower = 0;
    let lp = 0;
    for (let f = 0; f < 300; f++) { // 6 s: the far end alone for 4 s, then both talk
      const tx = Buffer.alloc(160);
      const rx = Buffer.alloc(160);
      const near = new Float64Array(160);
      for (let i = 0; i < 160; i++) {
        const t = (f * 160 + i) / 8000;
        lp = 0.7 * lp + 0.3 * rnd();
        tx[i] = encode(4000 * lp + 2500 * Math.sin(2 * Math.PI * 440 * t));
        played.push(decode(tx[i]!));
        const echo = played.length > 40 ? 0.316 * played[played.length - 41]! : 0; // 5 ms, -10 dB
        near[i] = f >= 200 ? 3000 * Math.sin(2 * Math.PI * 1000 * t + 0.3) : 0;
        rx[i] = encode(echo + near[i]!);
        if (f >= 210) echoPower += echo * echo;
      }
      lib.process(h, tx, rx);
      // Whatever is not the near end's speech is echo the filter left (plus G.711 noise).
      if (f >= 210) for (let i = 0; i < 160; i++) residualPower += (decode(rx[i]!) - near[i]!) ** 2;
    }
    lib.free(h);
    const erle = 10 * Math.log10(echoPower / residualPower);
    console.log(`# ${law}: linear filter alone (double talk, NLP off) after 4 s: ${erle.toFixed(1)} dB`);
    assert.ok(erle >= 10, `${law}: linear ERLE ${erle.toFixed(1)} dB`);
  }
});

test('a silent far end: frames pass through untouched once the taps hold only silence, and the learned path survives the pause', () => {
  const h = lib.create(128, 'alaw');
  let seed = 5;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
  const played: number[] = [];
  let lp = 0;
  /** One frame: far-end noise (or silence) played, its echo (5 ms, -10 dB) plus `near` received. */
  const frame = (talking: boolean, near: number): { tx: Buffer; rx: Buffer; echo: number } => {
    const tx = Buffer.alloc(160);
    const rx = Buffer.alloc(160);
    let echo = 0;
    for (let i = 0; i < 160; i++) {
      lp = 0.7 * lp + 0.3 * rnd();
      tx[i] = talking ? linearToAlaw(Math.round(5000 * lp)) : 0xd5;
      played.push(alawToLinear(tx[i]!));
      const e = played.length > 40 ? 0.316 * played[played.length - 41]! : 0;
      echo += e * e;
      rx[i] = linearToAlaw(Math.round(e + near * Math.sin(i / 3)));
    }
    return { tx, rx, echo };
  };
  for (let f = 0; f < 200; f++) { const { tx, rx } = frame(true, 0); lib.process(h, tx, rx); } // 4 s of learning
  for (let f = 0; f < 2; f++) { const { tx, rx } = frame(false, 2000); lib.process(h, tx, rx); } // the echo tail dies out
  for (let f = 0; f < 50; f++) {
    const { tx, rx } = frame(false, 2000);
    const before = Buffer.from(rx);
    lib.process(h, tx, rx);
    assert.deepEqual(rx, before, 'silent far end: the near end passes bit-exact');
  }
  let echo = 0;
  let left = 0;
  for (let f = 0; f < 10; f++) { // the far end talks again: cancelled from the first frames
    const { tx, rx, echo: e } = frame(true, 0);
    lib.process(h, tx, rx);
    echo += e;
    for (const b of rx) left += alawToLinear(b) ** 2;
  }
  lib.free(h);
  const erle = 10 * Math.log10(echo / left);
  console.log(`# after 1 s of far-end silence, the first 200 ms: ${erle.toFixed(1)} dB`);
  assert.ok(erle >= 20, `ERLE right after a pause ${erle.toFixed(1)} dB`);
});

test('a near end quieter than the far end but louder than the echo (DTMF over dial tone) is not suppressed', () => {
  const h = lib.create(128, 'alaw');
  const played: number[] = [];
  let nearPower = 0;
  let outPower = 0;
  for (let f = 0; f < 150; f++) { // 3 s: dial tone played (450 Hz, loud); from 2 s the phone keys a digit 12 dB lower
    const tx = Buffer.alloc(160);
    const rx = Buffer.alloc(160);
    const near = new Float64Array(160);
    for (let i = 0; i < 160; i++) {
      const t = (f * 160 + i) / 8000;
      tx[i] = linearToAlaw(Math.round(8000 * Math.sin(2 * Math.PI * 450 * t)));
      played.push(alawToLinear(tx[i]!));
      const echo = played.length > 40 ? 0.1 * played[played.length - 41]! : 0; // a good hybrid: 20 dB down
      near[i] = f >= 100 ? 1000 * (Math.sin(2 * Math.PI * 770 * t) + Math.sin(2 * Math.PI * 1336 * t)) : 0; // '5'
      rx[i] = linearToAlaw(Math.round(echo + near[i]!));
    }
    lib.process(h, tx, rx);
    if (f >= 105) for (let i = 0; i < 160; i++) { nearPower += near[i]! ** 2; outPower += alawToLinear(rx[i]!) ** 2; }
  }
  lib.free(h);
  const level = 10 * Math.log10(outPower / nearPower);
  console.log(`# DTMF 12 dB under the far end, echo 20 dB under: passes at ${level.toFixed(1)} dB`);
  assert.ok(Math.abs(level) < 3, `the digit's level through the canceller ${level.toFixed(1)} dB`);
});
