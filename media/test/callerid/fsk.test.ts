import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  FskCallerIdGenerator, FskCallerIdReceiver, encodeCallerId, renderFskCallerId,
  type CallerIdFormat, type CallerIdInfo, type FskCallerIdEvent, type FskGeneratorOptions, type FskStandard,
} from '../../src/callerid/index.ts';
import { decodeAlaw, decodeUlaw, encodeAlaw, encodeUlaw } from '../../src/g711/index.ts';
import { goertzelAmplitude } from '../../src/dtmf/index.ts';
import { dbm0ToPeak, meanSquareToDbm0 } from '../../src/tones/index.ts';
import { addNoise, toInt16 } from '../dtmf/signals.ts';

const time = { month: 11, day: 23, hour: 19, minute: 5 };
const STANDARDS: readonly FskStandard[] = ['bell202', 'v23'];

/** The transmission with 250 ms of silence either side, as a line would carry it. */
function onLine(message: Uint8Array, options: FskGeneratorOptions): Int16Array {
  const pcm = renderFskCallerId(message, options);
  const out = new Int16Array(pcm.length + 4000);
  out.set(pcm, 2000);
  return out;
}

function receive(pcm: Int16Array, standard: FskStandard, frame = 160): FskCallerIdEvent[] {
  const rx = new FskCallerIdReceiver({ standard });
  const events: FskCallerIdEvent[] = [];
  for (let i = 0; i < pcm.length; i += frame) events.push(...rx.process(pcm.subarray(i, i + frame)));
  return events;
}

function messages(events: readonly FskCallerIdEvent[]): unknown[] {
  return events.map((e) => (e.type === 'message' ? e.message : `error:${e.error.kind}`));
}

function g711(pcm: Int16Array, law: 'pcmu' | 'pcma'): Int16Array {
  const codes = new Uint8Array(pcm.length);
  const out = new Int16Array(pcm.length);
  if (law === 'pcmu') {
    encodeUlaw(pcm, codes);
    decodeUlaw(codes, out);
  } else {
    encodeAlaw(pcm, codes);
    decodeAlaw(codes, out);
  }
  return out;
}

const CASES: readonly { info: CallerIdInfo; format: CallerIdFormat }[] = [
  { info: { number: '6175551212', time }, format: 'sdmf' },
  { info: { number: '13800138000', time }, format: 'sdmf' },
  { info: { number: '075583765566', name: 'ZHANG SAN', time }, format: 'mdmf' },
  { info: { absentReason: 'private', time }, format: 'sdmf' },
  { info: { absentReason: 'unavailable', nameAbsentReason: 'unavailable', time }, format: 'mdmf' },
];

for (const standard of STANDARDS) {
  for (const law of ['pcmu', 'pcma'] as const) {
    test(`${standard}: SDMF/MDMF, Chinese numbers, private and unavailable survive modulate → ${law} → demodulate`, () => {
      for (const { info, format } of CASES) {
        const events = receive(g711(onLine(encodeCallerId(info, format), { standard }), law), standard);
        assert.deepEqual(messages(events), [{ format, ...info }], `${format} ${JSON.stringify(info)}`);
      }
    });
  }

  test(`${standard}: decodes at ±1 % baud error`, () => {
    const msg = encodeCallerId({ number: '075583765566', name: 'LI SI', time }, 'mdmf');
    for (const baud of [1188, 1212]) {
      assert.deepEqual(messages(receive(onLine(msg, { standard, baud }), standard)), [{ format: 'mdmf', number: '075583765566', name: 'LI SI', time }], `baud ${baud}`);
    }
  });

  test(`${standard}: decodes from -4 dBm0 down to -36 dBm0`, () => {
    const msg = encodeCallerId({ number: '13800138000', time }, 'mdmf');
    for (const levelDbm0 of [-4, -13.5, -24, -36]) {
      assert.deepEqual(messages(receive(onLine(msg, { standard, levelDbm0 }), standard)), [{ format: 'mdmf', number: '13800138000', time }], `level ${levelDbm0}`);
    }
  });

  test(`${standard}: decodes with white noise at 20 dB SNR, through µ-law, over 20 noise seeds`, () => {
    const msg = encodeCallerId({ number: '075583765566', name: 'WANG WU', time }, 'mdmf');
    const clean = Float64Array.from(onLine(msg, { standard, baud: 1212 }));
    for (let seed = 1; seed <= 20; seed++) {
      const noisy = g711(toInt16(addNoise(clean, 20, seed)), 'pcmu');
      assert.deepEqual(messages(receive(noisy, standard)), [{ format: 'mdmf', number: '075583765566', name: 'WANG WU', time }], `seed ${seed}`);
    }
  });

  test(`${standard}: frame size does not matter (1, 7, 160, 1000 samples)`, () => {
    const pcm = onLine(encodeCallerId({ number: '95598', time }, 'sdmf'), { standard });
    for (const frame of [1, 7, 160, 1000]) assert.deepEqual(messages(receive(pcm, standard, frame)), [{ format: 'sdmf', number: '95598', time }], `frame ${frame}`);
  });

  test(`${standard}: off-hook style transmission without channel seizure is still received`, () => {
    const pcm = onLine(encodeCallerId({ number: '95598', time }, 'mdmf'), { standard, seizureBits: 0, markBits: 80 });
    assert.deepEqual(messages(receive(pcm, standard)), [{ format: 'mdmf', number: '95598', time }]);
  });
}

test('a message with a corrupted checksum is reported as an error, never as a message', () => {
  const msg = encodeCallerId({ number: '13800138000', time }, 'mdmf');
  msg[msg.length - 1] ^= 0x10;
  assert.deepEqual(messages(receive(onLine(msg, { standard: 'v23' }), 'v23')), ['error:bad-checksum']);
});

test('a transmission cut short by the ring is reported as truncated', () => {
  const pcm = onLine(encodeCallerId({ number: '13800138000', name: 'CUT', time }, 'mdmf'), {});
  const cut = pcm.slice();
  cut.fill(0, pcm.length - 2000 - 400);
  assert.deepEqual(messages(receive(cut, 'bell202')), ['error:truncated']);
});

test('a V.23 receiver also decodes Bell 202 (and back), as dual-standard phones do: the tones are 100 Hz apart', () => {
  const msg = encodeCallerId({ number: '13800138000', time }, 'sdmf');
  assert.deepEqual(messages(receive(onLine(msg, { standard: 'bell202' }), 'v23')), [{ format: 'sdmf', number: '13800138000', time }]);
  assert.deepEqual(messages(receive(onLine(msg, { standard: 'v23' }), 'bell202')), [{ format: 'sdmf', number: '13800138000', time }]);
});

test('silence and noise alone produce no events', () => {
  assert.deepEqual(receive(new Int16Array(16000), 'bell202'), []);
  const noise = toInt16(addNoise(new Float64Array(16000).fill(1), -80, 7));
  assert.deepEqual(receive(noise, 'v23'), []);
});

test('two transmissions in a row are both received, in order', () => {
  const a = onLine(encodeCallerId({ number: '111', time }, 'sdmf'), { standard: 'v23' });
  const b = onLine(encodeCallerId({ number: '222', time }, 'sdmf'), { standard: 'v23' });
  const both = new Int16Array(a.length + b.length);
  both.set(a);
  both.set(b, a.length);
  assert.deepEqual(messages(receive(both, 'v23')).map((m) => (m as { number: string }).number), ['111', '222']);
});

test('generator: seizure, mark and bytes have the standard\'s lengths and frequencies', () => {
  const msg = encodeCallerId({ number: '1', time }, 'sdmf'); // 12 bytes: type, length, 8 time, 1 digit, checksum
  const pcm = renderFskCallerId(msg, { standard: 'bell202' });
  const bits = 300 + 180 + 12 * 10 + 4;
  assert.ok(Math.abs(pcm.length - (bits * 8000) / 1200) <= 1, `length ${pcm.length}`);
  // Mark signal: 180 bits of 1200 Hz from bit 300 on.
  const s = Math.round((310 * 8000) / 1200);
  const e = Math.round((470 * 8000) / 1200);
  assert.ok(goertzelAmplitude(pcm, 1200, 8000, s, e) > 10 * goertzelAmplitude(pcm, 2200, 8000, s, e));
  // Seizure: alternating bits put energy in both tones (not equally: FSK with h = 0.83 is not a sum of two sines).
  const z1 = goertzelAmplitude(pcm, 1200, 8000, 100, 1900);
  const z2 = goertzelAmplitude(pcm, 2200, 8000, 100, 1900);
  assert.ok(Math.abs(20 * Math.log10(z1 / z2)) < 6, `seizure ${z1} vs ${z2}`);
  const v23 = renderFskCallerId(msg, { standard: 'v23' });
  assert.ok(Math.abs(v23.length - ((300 + 80 + 124) * 8000) / 1200) <= 1);
  assert.ok(goertzelAmplitude(v23, 1300, 8000, s, s + 400) > 10 * goertzelAmplitude(v23, 2100, 8000, s, s + 400));
});

test('generator: carrier is at the configured level and has no phase jumps at bit changes', () => {
  const msg = encodeCallerId({ number: '13800138000', time }, 'sdmf');
  const pcm = renderFskCallerId(msg, { levelDbm0: -10 });
  let sq = 0;
  for (let i = 100; i < pcm.length - 100; i++) sq += pcm[i]! * pcm[i]!;
  assert.ok(Math.abs(meanSquareToDbm0(sq / (pcm.length - 200)) + 10) < 0.2);
  // Sample-to-sample change is bounded by the peak times the largest phase step (2200 Hz): a jump would exceed it.
  const limit = dbm0ToPeak(-10) * 2 * Math.sin((Math.PI * 2200) / 8000) + 2;
  for (let i = 1; i < pcm.length; i++) assert.ok(Math.abs(pcm[i]! - pcm[i - 1]!) <= limit, `jump at ${i}`);
});

test('generator: frames of any size give the same samples, and idle frames are silence', () => {
  const msg = encodeCallerId({ number: '95598', time }, 'mdmf');
  const whole = renderFskCallerId(msg, { standard: 'v23' });
  const gen = new FskCallerIdGenerator({ standard: 'v23' });
  gen.send(msg);
  const out = new Int16Array(whole.length + 100);
  for (let i = 0; i < out.length; i += 37) gen.fill(out.subarray(i, i + 37));
  assert.deepEqual(out.subarray(0, whole.length), whole);
  assert.ok(out.subarray(whole.length).every((x) => x === 0));
  assert.equal(gen.active, false);
  assert.equal(gen.fill(new Int16Array(160)), false);
});

test('property: arbitrary numbers and names round-trip through Bell 202 and V.23 with G.711', () => {
  fc.assert(fc.property(
    fc.stringMatching(/^[0-9]{1,20}$/), fc.stringMatching(/^[\x20-\x7e]{1,15}$/), fc.constantFrom(...STANDARDS), fc.constantFrom('pcmu' as const, 'pcma' as const),
    (number, name, standard, law) => {
      const pcm = g711(onLine(encodeCallerId({ number, name, time }, 'mdmf'), { standard }), law);
      assert.deepEqual(messages(receive(pcm, standard)), [{ format: 'mdmf', number, name, time }]);
    },
  ), { numRuns: 40 });
});
