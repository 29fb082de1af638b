import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CallerIdError, DtmfCallerIdDecoder, dtmfCallerIdDigits, enqueueDtmfCallerId, type DtmfCallerId, type DtmfCallerIdOptions } from '../../src/callerid/index.ts';
import { DtmfDetector, DtmfGenerator, toDtmfDigit } from '../../src/dtmf/index.ts';
import { decodeAlaw, encodeAlaw } from '../../src/g711/index.ts';

/** Generates the caller ID with DtmfGenerator, sends it through A-law, detects it in-band and decodes it. */
function overTheLine(cid: DtmfCallerId, options: DtmfCallerIdOptions = {}): { results: DtmfCallerId[]; samples: number } {
  const gen = new DtmfGenerator();
  enqueueDtmfCallerId(gen, cid, options);
  const det = new DtmfDetector();
  const dec = new DtmfCallerIdDecoder();
  const frame = new Int16Array(160);
  const codes = new Uint8Array(160);
  const results: DtmfCallerId[] = [];
  let samples = 0;
  for (let f = 0; f < 400 && (gen.pending > 0 || f < 10); f++) {
    if (gen.fill(frame)) samples += 160;
    encodeAlaw(frame, codes);
    decodeAlaw(codes, frame);
    for (const e of det.process(frame)) {
      if (e.type !== 'begin') continue;
      const r = dec.push(e.digit);
      if (r) results.push(r);
    }
  }
  // Let the last digit end.
  frame.fill(0);
  for (let f = 0; f < 10; f++) for (const e of det.process(frame)) if (e.type === 'begin') {
    const r = dec.push(e.digit);
    if (r) results.push(r);
  }
  return { results, samples };
}

test('digit strings follow the D<number>C / A<number>C framing with B00 and B10 for unavailable and private', () => {
  assert.equal(dtmfCallerIdDigits({ number: '13800138000' }), 'D13800138000C');
  assert.equal(dtmfCallerIdDigits({ number: '075583765566' }, 'A'), 'A075583765566C');
  assert.equal(dtmfCallerIdDigits({ absentReason: 'unavailable' }), 'DB00C');
  assert.equal(dtmfCallerIdDigits({ absentReason: 'private' }), 'DB10C');
  assert.throws(() => dtmfCallerIdDigits({ number: '12#' }), CallerIdError);
});

test('Chinese-network numbers, private and unavailable round-trip through DtmfGenerator → A-law → DtmfDetector', () => {
  for (const cid of [{ number: '13800138000' }, { number: '075583765566' }, { absentReason: 'private' as const }, { absentReason: 'unavailable' as const }]) {
    assert.deepEqual(overTheLine(cid).results, [cid], JSON.stringify(cid));
  }
  assert.deepEqual(overTheLine({ number: '95598' }, { start: 'A' }).results, [{ number: '95598' }]);
});

test('default timing is 70 ms tone + 70 ms pause per digit', () => {
  const { samples } = overTheLine({ number: '13800138000' });
  // 13 digits × 140 ms = 1.82 s, rounded up to whole 20 ms frames.
  assert.ok(Math.abs(samples - 13 * 140 * 8) <= 160, `samples ${samples}`);
});

test('decoder ignores digits before the start digit, accepts # as the end, restarts on a new start digit', () => {
  const dec = new DtmfCallerIdDecoder();
  const feed = (s: string): (DtmfCallerId | null)[] => [...s].map((c) => dec.push(toDtmfDigit(c)));
  assert.deepEqual(feed('12D555#').filter(Boolean), [{ number: '555' }]);
  assert.deepEqual(feed('D12D34C').filter(Boolean), [{ number: '34' }]);
  assert.deepEqual(feed('B10C').filter(Boolean), [{ absentReason: 'private' }]);
  assert.equal(dec.inProgress, false);
});

test('decoder drops malformed sequences: empty, unknown B code, * inside, too long', () => {
  const dec = new DtmfCallerIdDecoder();
  const feed = (s: string): (DtmfCallerId | null)[] => [...s].map((c) => dec.push(toDtmfDigit(c)));
  assert.deepEqual(feed('DC').filter(Boolean), []);
  assert.deepEqual(feed('DB22C').filter(Boolean), []);
  assert.deepEqual(feed('D12*34C').filter(Boolean), []);
  assert.deepEqual(feed(`D${'1'.repeat(30)}C`).filter(Boolean), []);
  assert.deepEqual(feed('D7C').filter(Boolean), [{ number: '7' }], 'still works afterwards');
});

test('property: any digit stream into the decoder yields only well-formed caller IDs and never throws', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...'0123456789*#ABCD'), { maxLength: 60 }), (digits) => {
    const dec = new DtmfCallerIdDecoder();
    for (const d of digits) {
      const r = dec.push(toDtmfDigit(d));
      if (r) assert.ok((r.number !== undefined && /^[0-9]{1,20}$/.test(r.number)) || r.absentReason !== undefined);
    }
  }));
});

test('property: arbitrary numbers round-trip through digits and the decoder', () => {
  fc.assert(fc.property(fc.stringMatching(/^[0-9]{1,20}$/), fc.constantFrom('A' as const, 'D' as const), (number, start) => {
    const dec = new DtmfCallerIdDecoder();
    const out = [...dtmfCallerIdDigits({ number }, start)].map((c) => dec.push(toDtmfDigit(c))).filter(Boolean);
    assert.deepEqual(out, [{ number }]);
  }));
});
