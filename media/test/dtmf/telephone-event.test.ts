import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  parseTelephoneEvent, writeTelephoneEvent, TelephoneEventError, TELEPHONE_EVENT_SIZE,
  digitToEvent, eventToDigit, DTMF_DIGITS, type TelephoneEvent,
} from '../../src/dtmf/index.ts';

test('parses the RFC 4733 payload of digit 5, end bit set, volume 10, duration 800', () => {
  const ev = parseTelephoneEvent(Uint8Array.from([0x05, 0x8a, 0x03, 0x20]));
  assert.deepEqual(ev, { event: 5, end: true, volume: 10, duration: 800 });
});

test('ignores the reserved R bit on receipt (RFC 4733 §2.3.3)', () => {
  const ev = parseTelephoneEvent(Uint8Array.from([11, 0x40 | 0x3f, 0xff, 0xff]));
  assert.deepEqual(ev, { event: 11, end: false, volume: 63, duration: 0xffff });
});

test('writes the payload byte for byte and reports 4 bytes written', () => {
  const buf = new Uint8Array(6);
  assert.equal(writeTelephoneEvent({ event: 12, end: true, volume: 7, duration: 0x1234 }, buf, 2), TELEPHONE_EVENT_SIZE);
  assert.deepEqual([...buf], [0, 0, 12, 0x87, 0x12, 0x34]);
});

test('a payload shorter than 4 bytes is refused as truncated', () => {
  assert.throws(() => parseTelephoneEvent(Uint8Array.from([1, 2, 3])), (e: unknown) => e instanceof TelephoneEventError && e.kind === 'truncated');
  assert.throws(() => parseTelephoneEvent(new Uint8Array(8), 5), (e: unknown) => e instanceof TelephoneEventError && e.kind === 'truncated');
});

test('out-of-range fields are refused when writing', () => {
  const buf = new Uint8Array(4);
  for (const bad of [{ event: 256 }, { volume: 64 }, { duration: 65536 }, { duration: -1 }]) {
    const ev: TelephoneEvent = { event: 1, end: false, volume: 10, duration: 100, ...bad };
    assert.throws(() => writeTelephoneEvent(ev, buf), (e: unknown) => e instanceof TelephoneEventError && e.kind === 'out-of-range');
  }
});

test('parse(write(x)) is x for every valid event (property)', () => {
  fc.assert(fc.property(
    fc.record({ event: fc.integer({ min: 0, max: 255 }), end: fc.boolean(), volume: fc.integer({ min: 0, max: 63 }), duration: fc.integer({ min: 0, max: 0xffff }) }),
    (ev) => {
      const buf = new Uint8Array(4);
      writeTelephoneEvent(ev, buf);
      assert.deepEqual(parseTelephoneEvent(buf), { ...ev });
    },
  ));
});

test('parsing arbitrary bytes never throws past 4 bytes and always yields in-range fields (property)', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 12 }), (bytes) => {
    const ev = parseTelephoneEvent(bytes);
    assert.ok(ev.event <= 255 && ev.volume <= 63 && ev.duration <= 0xffff);
  }));
});

test('event codes follow RFC 4733 §3.2: 0-9, * = 10, # = 11, A-D = 12-15', () => {
  assert.equal(digitToEvent('*'), 10);
  assert.equal(digitToEvent('#'), 11);
  assert.equal(digitToEvent('A'), 12);
  assert.equal(digitToEvent('D'), 15);
  for (const d of DTMF_DIGITS) assert.equal(eventToDigit(digitToEvent(d)), d);
  assert.equal(eventToDigit(16), null);
});
