// Echo cancellation through the real FFI path: libdahdisim's echo path plays the hybrid
// (what a port plays comes back, delayed and attenuated, in what it receives), the
// DAHDI backend's I/O worker runs libspandsp's canceller (libhotline-echo) because the
// simulated driver refuses DAHDI_ECHOCANCEL, and the test measures what is left.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { ALAW_DECODE, ALAW_ENCODE } from '@hotline/media';
import { openDahdiCard, simulatorBinding, loadSimulator, CardError, type DahdiCard, type PortInfo } from '../src/index.ts';
import { waitFor } from './helpers.ts';

const sim = loadSimulator();
const binding = simulatorBinding(sim.library);
const PORTS: PortInfo[] = [{ port: 1, span: 1, kind: 'FXO' }, { port: 2, span: 1, kind: 'FXS' }];
const ECHO_DELAY = 40; // samples: 5 ms through the hybrid
const ECHO_GAIN_DB = -10;

let card: DahdiCard | undefined;
beforeEach(() => { sim.reset(); sim.createCard(PORTS.map((p) => p.kind)); });
afterEach(async () => { await card?.close(); card = undefined; });

/** Deterministic speech-like audio: tones under a syllable-rate envelope plus coloured noise, A-law. */
function speechLike(seed: number, tones: readonly number[]): (frame: number) => Buffer {
  let s = seed;
  let lp = 0;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
  return (frame) => {
    const f = Buffer.alloc(160);
    for (let i = 0; i < 160; i++) {
      const t = (frame * 160 + i) / 8000;
      const env = 0.55 + 0.45 * Math.sin(2 * Math.PI * 3.7 * t + seed);
      lp = 0.7 * lp + 0.3 * rnd();
      let v = 3500 * lp;
      tones.forEach((hz, k) => { v += (2500 / (k + 1)) * Math.sin(2 * Math.PI * hz * t + k); });
      f[i] = ALAW_ENCODE[Math.round(env * v) & 0xffff]!;
    }
    return f;
  };
}

/** Mean power per sample of A-law frames. */
function power(frames: readonly Uint8Array[]): number {
  let sum = 0;
  let n = 0;
  for (const f of frames) for (const b of f) { const v = ALAW_DECODE[b]!; sum += v * v; n++; }
  return sum / Math.max(1, n);
}
const db = (ratio: number): number => 10 * Math.log10(ratio);

/**
 * Plays far-end audio on port 1, one frame per frame received (a steady call), and runs
 * `step(k)` before each write; collects what port 1 receives. Resolves after `frames`.
 */
async function runCall(c: DahdiCard, frames: number, step: (k: number) => void): Promise<{ rx: Buffer[]; far: Buffer[] }> {
  const farEnd = speechLike(7, [310, 820, 1750]);
  const rx: Buffer[] = [];
  const far: Buffer[] = [];
  const play = (): void => { step(far.length); const f = farEnd(far.length); far.push(f); c.writeFrame(1, f); };
  c.onFrame((port, f) => {
    if (port !== 1 || rx.length >= frames) return;
    rx.push(Buffer.from(f));
    if (rx.length < frames) play();
  });
  play();
  await waitFor(() => rx.length >= frames, `${frames} frames on port 1`, 60_000);
  return { rx, far };
}

test('software echo cancellation: the echo path shows without it, ERLE >= 20 dB after 2 s with it, and near-end speech still passes', async () => {
  card = await openDahdiCard({ binding, ports: PORTS, law: 'alaw', ringSlots: 64 });
  sim.setEcho(1, ECHO_DELAY, ECHO_GAIN_DB);
  const nearEnd = speechLike(99, [600, 1400]);
  const near: Buffer[] = [];
  const EC_ON = 60; // frames: 1.2 s of echo without a canceller
  const MEASURE = EC_ON + 100; // after 2 s of convergence...
  const DOUBLE_TALK = MEASURE + 50; // ...1 s of far end alone, then both talk
  const END = DOUBLE_TALK + 50;
  let mode = '';
  const { rx, far } = await runCall(card, END, (k) => {
    if (k === EC_ON) mode = card!.echoCancel(1, 128);
    // The near end talks: one frame of its speech queued per frame, as a phone would send it.
    if (k >= DOUBLE_TALK - 1 && k < END - 1) { const f = nearEnd(k); near.push(f); sim.injectAudio(1, f); }
  });
  assert.equal(mode, 'software', 'the simulated driver has no canceller, so the worker runs one');

  const farPower = power(far.slice(10, EC_ON));
  const echoPower = power(rx.slice(10, EC_ON)); // skip the first frames: the path fills
  const residual = power(rx.slice(MEASURE, DOUBLE_TALK - 5)); // stop before the near end's first frames
  const erl = db(farPower / echoPower);
  const erle = db(echoPower / Math.max(residual, 1e-9));
  // The residual can sit at A-law's idle floor (codes ±8, ~18 dB re 1): then ERLE is bounded by the echo level, ~34 dB here.
  console.log(`# echo return loss ${erl.toFixed(1)} dB; ERLE after 2 s with 128 taps: ${erle.toFixed(1)} dB`);
  assert.ok(Math.abs(erl - 10) < 2, `without a canceller the echo comes back ~10 dB down (got ${erl.toFixed(1)} dB)`);
  assert.ok(erle >= 20, `ERLE ${erle.toFixed(1)} dB, expected >= 20 dB`);

  // Double talk: what arrives is the near end's speech, at its level (not cut by the
  // canceller's non-linear processor, not buried in echo).
  const dt = rx.slice(DOUBLE_TALK + 2, END);
  const nearPower = power(near.slice(2));
  const passed = db(power(dt) / nearPower);
  console.log(`# double talk: near-end level through the canceller ${passed.toFixed(1)} dB`);
  assert.ok(Math.abs(passed) < 3, `near-end speech passes at its level (got ${passed.toFixed(1)} dB)`);
});

test('a driver with its own canceller takes DAHDI_ECHOCANCEL: mode kernel, and the echo is gone without the software one', async () => {
  card = await openDahdiCard({ binding, ports: PORTS, law: 'alaw', ringSlots: 64 });
  sim.setEcho(1, ECHO_DELAY, ECHO_GAIN_DB);
  sim.setDriverEchoCanceller(1, true);
  let mode = '';
  const { rx } = await runCall(card, 60, (k) => { if (k === 30) mode = card!.echoCancel(1, 128); });
  assert.equal(mode, 'kernel');
  // A-law's idle code decodes to ±8, so a cancelled line sits near 18 dB, ~30 dB under the echo.
  assert.ok(db(power(rx.slice(10, 30)) / power(rx.slice(35, 60))) > 25, 'the driver cancelled the echo');
});

test('echoCancel: 0 turns it off, bad taps are a RangeError, unknown ports and a closed card a CardError', async () => {
  card = await openDahdiCard({ binding, ports: PORTS, law: 'alaw' });
  assert.equal(card.echoCancel(2, 0), 'off');
  assert.equal(card.echoCancel(2, 1024), 'software');
  assert.equal(card.echoCancel(2, 0), 'off');
  for (const bad of [-1, 1025, 12.5, Number.NaN]) assert.throws(() => card!.echoCancel(2, bad), RangeError);
  assert.throws(() => card!.echoCancel(9, 128), (e: unknown) => e instanceof CardError && e.code === 'BAD_PORT');
  await card.close();
  assert.throws(() => card!.echoCancel(1, 128), (e: unknown) => e instanceof CardError && e.code === 'CLOSED');
});

test('a missing echo library is LIBRARY_NOT_FOUND from echoCancel, and the card keeps carrying audio', async () => {
  card = await openDahdiCard({ binding, ports: PORTS, law: 'alaw', echoLibrary: '/nonexistent/libhotline-echo.so' });
  assert.throws(() => card!.echoCancel(1, 128), (e: unknown) => e instanceof CardError && e.code === 'LIBRARY_NOT_FOUND');
  let got = 0;
  card.onFrame((port) => { if (port === 1) got++; });
  await waitFor(() => got >= 3, 'frames after the refusal');
});
