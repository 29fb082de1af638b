import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CallerIdError, callerIdChecksum, callerIdTimeFromDate, decodeCallerId, encodeCallerId, type CallerIdInfo } from '../../src/callerid/index.ts';

const time = { month: 3, day: 9, hour: 8, minute: 30 };

test('SDMF bytes match the GR-30 layout: 0x04, length, MMDDHHMM, number, checksum', () => {
  const b = encodeCallerId({ number: '6175551212', time }, 'sdmf');
  const expected = [0x04, 18, ...Buffer.from('03090830'), ...Buffer.from('6175551212')];
  assert.deepEqual([...b.subarray(0, -1)], expected);
  assert.equal(b.length, 21);
  assert.equal(b.reduce((s, x) => s + x, 0) % 256, 0, 'whole message sums to 0 mod 256');
});

test('checksum is the two\'s complement of the byte sum', () => {
  assert.equal(callerIdChecksum([0x04, 0x01, 0x30]), (0x100 - ((0x04 + 0x01 + 0x30) & 0xff)) & 0xff);
  assert.equal(callerIdChecksum([0x80, 0x80]), 0x00);
});

test('MDMF bytes carry parameters 01 time, 02 number, 07 name in that order', () => {
  const b = encodeCallerId({ number: '13800138000', name: 'LI SI', time }, 'mdmf');
  assert.equal(b[0], 0x80);
  assert.equal(b[1], b.length - 3);
  assert.deepEqual([...b.subarray(2, 4)], [0x01, 8]);
  assert.deepEqual([...b.subarray(12, 14)], [0x02, 11]);
  assert.equal(Buffer.from(b.subarray(14, 25)).toString('latin1'), '13800138000');
  assert.deepEqual([...b.subarray(25, 27)], [0x07, 5]);
});

test('SDMF and MDMF round-trip numbers, Chinese-network numbers, names and time', () => {
  for (const number of ['6175551212', '13800138000', '075583765566', '95598']) {
    assert.deepEqual(decodeCallerId(encodeCallerId({ number, time }, 'sdmf')), { format: 'sdmf', time, number });
    assert.deepEqual(decodeCallerId(encodeCallerId({ number, name: 'WANG WU', time }, 'mdmf')), { format: 'mdmf', time, number, name: 'WANG WU' });
  }
});

test('private and unavailable are sent as P and O, and come back as absence reasons', () => {
  const p = encodeCallerId({ absentReason: 'private', time }, 'sdmf');
  assert.equal(p[10], 0x50);
  assert.deepEqual(decodeCallerId(p), { format: 'sdmf', time, absentReason: 'private' });
  const o = encodeCallerId({ absentReason: 'unavailable', nameAbsentReason: 'private', time }, 'mdmf');
  assert.deepEqual([...o.subarray(12, 15)], [0x04, 1, 0x4f]);
  assert.deepEqual([...o.subarray(15, 18)], [0x08, 1, 0x50]);
  assert.deepEqual(decodeCallerId(o), { format: 'mdmf', time, absentReason: 'unavailable', nameAbsentReason: 'private' });
});

function kindOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CallerIdError, `threw ${String(e)}`);
    return e.kind;
  }
  return 'none';
}

test('decoder refuses a bad checksum, a short message and an unknown type with typed errors', () => {
  const b = encodeCallerId({ number: '13800138000', time }, 'mdmf');
  const bad = b.slice();
  bad[bad.length - 1] ^= 1;
  assert.equal(kindOf(() => decodeCallerId(bad)), 'bad-checksum');
  assert.equal(kindOf(() => decodeCallerId(b.subarray(0, b.length - 1))), 'truncated');
  assert.equal(kindOf(() => decodeCallerId(new Uint8Array([0x80]))), 'truncated');
  const unknown = new Uint8Array([0x06, 0x01, 0x42, 0]);
  unknown[3] = callerIdChecksum(unknown, 3);
  assert.equal(kindOf(() => decodeCallerId(unknown)), 'unknown-type');
});

test('decoder skips unknown MDMF parameters and rejects one that runs past the body', () => {
  const body = [0x03, 2, 0x41, 0x42, 0x02, 3, 0x31, 0x32, 0x33];
  const m = new Uint8Array([0x80, body.length, ...body, 0]);
  m[m.length - 1] = callerIdChecksum(m, m.length - 1);
  assert.deepEqual(decodeCallerId(m), { format: 'mdmf', number: '123' });
  const over = new Uint8Array([0x80, 3, 0x02, 9, 0x31, 0]);
  over[5] = callerIdChecksum(over, 5);
  assert.equal(kindOf(() => decodeCallerId(over)), 'malformed');
});

test('encoder refuses SDMF without time, names in SDMF, non-digit numbers and bad times', () => {
  assert.equal(kindOf(() => encodeCallerId({ number: '123' }, 'sdmf')), 'invalid-field');
  assert.equal(kindOf(() => encodeCallerId({ number: '123', name: 'X', time }, 'sdmf')), 'invalid-field');
  assert.equal(kindOf(() => encodeCallerId({ number: '12a', time }, 'mdmf')), 'invalid-field');
  assert.equal(kindOf(() => encodeCallerId({ number: '1', time: { ...time, month: 13 } }, 'mdmf')), 'invalid-field');
});

const arbTime = fc.record({ month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }), hour: fc.integer({ min: 0, max: 23 }), minute: fc.integer({ min: 0, max: 59 }) }).map((t) => ({ ...t }));
const arbNumber = fc.stringMatching(/^[0-9]{1,20}$/);
const arbName = fc.stringMatching(/^[\x20-\x7e]{1,15}$/);

test('property: arbitrary numbers, names and times round-trip through MDMF and SDMF', () => {
  fc.assert(fc.property(arbNumber, arbName, arbTime, (number, name, t) => {
    const info: CallerIdInfo = { number, name, time: t };
    assert.deepEqual(decodeCallerId(encodeCallerId(info, 'mdmf')), { format: 'mdmf', ...info });
    assert.deepEqual(decodeCallerId(encodeCallerId({ number, time: t }, 'sdmf')), { format: 'sdmf', number, time: t });
  }));
});

test('property: arbitrary bytes never make the decoder throw anything but CallerIdError', () => {
  const withChecksum = fc.uint8Array({ maxLength: 40 }).map((b) => {
    const m = new Uint8Array([b.length % 2 ? 0x80 : 0x04, b.length, ...b, 0]);
    m[m.length - 1] = callerIdChecksum(m, m.length - 1);
    return m;
  });
  fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), withChecksum), (b) => {
    try {
      const m = decodeCallerId(b);
      assert.ok(m.format === 'sdmf' || m.format === 'mdmf');
    } catch (e) {
      assert.ok(e instanceof CallerIdError, `unexpected ${String(e)}`);
    }
  }), { numRuns: 2000 });
});

test('callerIdTimeFromDate takes month (1-based), day, hour and minute from a local Date', () => {
  assert.deepEqual(callerIdTimeFromDate(new Date(2026, 0, 31, 23, 59, 58)), { month: 1, day: 31, hour: 23, minute: 59 });
  const b = encodeCallerId({ number: '1', time: callerIdTimeFromDate(new Date(2026, 10, 23, 7, 4)) }, 'sdmf');
  assert.equal(Buffer.from(b.subarray(2, 10)).toString('latin1'), '11230704');
});
