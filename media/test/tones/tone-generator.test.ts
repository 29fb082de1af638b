import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ToneGenerator, toneZone, UnknownToneZoneError, ToneSpecError, TONE_ZONES, dbm0ToPeak, meanSquareToDbm0, type ToneName } from '../../src/tones/index.ts';
import { goertzelAmplitude } from '../../src/dtmf/index.ts';

const FRAME = 160;

/** Renders `seconds` of a tone in 20 ms frames, as the media path would. */
function render(zone: string, tone: ToneName, seconds: number): Int16Array {
  const gen = new ToneGenerator({ zone });
  gen.start(tone);
  const out = new Int16Array(Math.round(seconds * 8000));
  const frame = new Int16Array(FRAME);
  for (let i = 0; i < out.length; i += FRAME) {
    gen.fill(frame);
    out.set(frame.subarray(0, Math.min(FRAME, out.length - i)), i);
  }
  return out;
}

/** On and off run lengths in samples, from a 5 ms energy envelope. */
function cadence(x: Int16Array): { on: number[]; off: number[] } {
  const on: number[] = [];
  const off: number[] = [];
  let state = true; // every tone starts with a burst (its first sample is a zero crossing)
  let start = 0;
  // A run of 40 zero samples (5 ms) counts as off; inside a burst a sine never stays at 0 that long.
  let zeros = 0;
  for (let i = 0; i < x.length; i++) {
    zeros = x[i] === 0 ? zeros + 1 : 0;
    const now = zeros < 40;
    if (now !== state) {
      const at = now ? i : i - 39;
      (state ? on : off).push(at - start);
      start = at;
      state = now;
    }
  }
  return { on, off };
}

/** Frequency from upward zero crossings over `x` (single-frequency tones). */
function zeroCrossingHz(x: Int16Array, start: number, end: number): number {
  let first = -1;
  let last = -1;
  let count = 0;
  for (let i = start + 1; i < end; i++) {
    if (x[i - 1]! < 0 && x[i]! >= 0) {
      const t = i - 1 + x[i - 1]! / (x[i - 1]! - x[i]!);
      if (first < 0) first = t;
      else count++;
      last = t;
    }
  }
  return (count * 8000) / (last - first);
}

test('China (default zone) dial tone is 450 Hz (±1 Hz) and continuous', () => {
  const x = render('cn', 'dial', 2);
  assert.ok(Math.abs(zeroCrossingHz(x, 100, x.length) - 450) < 1);
  const c = cadence(x);
  assert.equal(c.off.length, 0);
  assert.equal(new ToneGenerator().zone.name, 'cn');
});

const expected: [zone: string, tone: ToneName, onMs: number, offMs: number, hz: number][] = [
  ['cn', 'ringback', 1000, 4000, 450],
  ['cn', 'busy', 350, 350, 450],
  ['cn', 'congestion', 700, 700, 450],
  ['cn', 'callWaiting', 400, 4000, 450],
  ['eu', 'busy', 500, 500, 425],
  ['eu', 'ringback', 1000, 4000, 425],
];
for (const [zone, tone, onMs, offMs, hz] of expected) {
  test(`${zone} ${tone}: ${hz} Hz, ${onMs} ms on / ${offMs} ms off within one 20 ms frame`, () => {
    const x = render(zone, tone, (2.2 * (onMs + offMs)) / 1000);
    const c = cadence(x);
    assert.ok(c.on.length >= 2, `bursts: ${c.on.length}`);
    for (const on of c.on.slice(0, 2)) assert.ok(Math.abs(on - onMs * 8) <= FRAME, `on ${on}`);
    for (const off of c.off.slice(0, 2)) assert.ok(Math.abs(off - offMs * 8) <= FRAME, `off ${off}`);
    assert.ok(Math.abs(zeroCrossingHz(x, 0, onMs * 8) - hz) < 1.5);
  });
}

test('US dial tone is 350 + 440 Hz, both at -13 dBm0 (±0.5 dB), nothing at 450 Hz', () => {
  const x = render('us', 'dial', 1);
  const db = (f: number) => 20 * Math.log10(goertzelAmplitude(x, f, 8000, 800, 8000) / dbm0ToPeak(-13));
  assert.ok(Math.abs(db(350)) < 0.5 && Math.abs(db(440)) < 0.5, `${db(350)} ${db(440)}`);
  assert.ok(db(480) < -25);
});

test('US busy is 480 + 620 Hz, 0.5 s on / 0.5 s off; US ringback is 2 s on / 4 s off', () => {
  const busy = render('us', 'busy', 2.2);
  assert.ok(goertzelAmplitude(busy, 480, 8000, 400, 3600) > dbm0ToPeak(-25) && goertzelAmplitude(busy, 620, 8000, 400, 3600) > dbm0ToPeak(-25));
  const cb = cadence(busy);
  assert.ok(Math.abs(cb.on[0]! - 4000) <= FRAME && Math.abs(cb.off[0]! - 4000) <= FRAME);
  const cr = cadence(render('us', 'ringback', 12.5));
  assert.ok(Math.abs(cr.on[0]! - 16000) <= FRAME && Math.abs(cr.off[0]! - 32000) <= FRAME);
});

test('UK ringback plays its double ring (0.4 on, 0.2 off, 0.4 on, 2 off)', () => {
  const c = cadence(render('uk', 'ringback', 3.8));
  assert.deepEqual(c.on.slice(0, 3).map((v) => Math.round(v / 160)), [20, 20, 20]);
  assert.deepEqual(c.off.slice(0, 2).map((v) => Math.round(v / 160)), [10, 100]);
});

test('the default level is -10 dBm0 for China and configurable', () => {
  const x = render('cn', 'dial', 1);
  let ms = 0;
  for (let i = 800; i < 8000; i++) ms += x[i]! * x[i]!;
  assert.ok(Math.abs(meanSquareToDbm0(ms / 7200) + 10) < 0.1);
  const quiet = new ToneGenerator({ levelDbm0: -20 });
  quiet.start('dial');
  const f = new Int16Array(8000);
  quiet.fill(f);
  assert.ok(Math.abs(goertzelAmplitude(f, 450, 8000, 800, 8000) / dbm0ToPeak(-20) - 1) < 0.02);
});

test('no clicks: sample-to-sample steps never exceed what the sine itself makes, across frames and cadence edges', () => {
  for (const [zone, tone] of [['cn', 'busy'], ['us', 'busy'], ['uk', 'ringback'], ['us', 'dial']] as const) {
    const spec = TONE_ZONES[zone]!.tones[tone];
    const level = spec.levelDbm0 ?? TONE_ZONES[zone]!.levelDbm0;
    // Largest step of a sum of sines: sum of A·2·sin(πf/fs).
    const bound = spec.frequencies.reduce((s, f) => s + dbm0ToPeak(level) * 2 * Math.sin((Math.PI * f) / 8000), 0) * 1.01 + 1;
    const x = render(zone, tone, 3);
    let worst = 0;
    for (let i = 1; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - x[i - 1]!));
    assert.ok(worst <= bound, `${zone} ${tone}: step ${worst} > ${bound}`);
  }
});

test('odd frame sizes give the same samples as 20 ms frames (state carried exactly)', () => {
  const ref = render('cn', 'busy', 1);
  const gen = new ToneGenerator();
  gen.start('busy');
  const got = new Int16Array(ref.length);
  for (let i = 0; i < got.length; i += 37) gen.fill(got.subarray(i, Math.min(got.length, i + 37)));
  assert.deepEqual(got, ref);
});

test('stop() silences at once and fill() reports idle; restarting begins a fresh cadence', () => {
  const gen = new ToneGenerator();
  gen.start('ringback');
  assert.equal(gen.playing, 'ringback');
  const f = new Int16Array(FRAME);
  assert.equal(gen.fill(f), true);
  gen.stop();
  assert.equal(gen.fill(f), false);
  assert.ok(f.every((v) => v === 0));
  assert.equal(gen.playing, null);
});

test('zones are looked up by name, unknown names and bad specs are typed errors', () => {
  assert.equal(toneZone('US').name, 'us');
  assert.throws(() => toneZone('xx'), UnknownToneZoneError);
  const gen = new ToneGenerator();
  assert.throws(() => gen.start({ frequencies: [], cadenceMs: [] }), ToneSpecError);
  assert.throws(() => gen.start({ frequencies: [400], cadenceMs: [100] }), ToneSpecError);
  gen.start({ frequencies: [1000], cadenceMs: [100, 100] });
  assert.equal(gen.playing, 'custom');
});
