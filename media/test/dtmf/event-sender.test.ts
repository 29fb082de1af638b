import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelephoneEventSender, TelephoneEventSendError, DtmfDigitError } from '../../src/dtmf/index.ts';

test('a 120 ms digit is sent as updates every 50 ms then three end packets, all with the start timestamp', () => {
  const packets = new TelephoneEventSender().sendDigit('5', 120, 4242);
  assert.deepEqual(packets.map((p) => [p.sendAtMs, p.marker, p.payload.end, p.payload.duration]), [
    [50, true, false, 400],
    [100, false, false, 800],
    [120, false, true, 960],
    [140, false, true, 960],
    [160, false, true, 960],
  ]);
  assert.ok(packets.every((p) => p.timestamp === 4242 && p.payload.event === 5 && p.payload.volume === 10));
});

test('updates follow the packet time when asked (20 ms) and the marker is only on the first packet', () => {
  const packets = new TelephoneEventSender({ updateIntervalMs: 20 }).sendDigit('*', 100, 0);
  assert.deepEqual(packets.filter((p) => !p.payload.end).map((p) => p.payload.duration), [160, 320, 480, 640]);
  assert.equal(packets.filter((p) => p.marker).length, 1);
  assert.equal(packets[0]!.payload.event, 10);
});

test('a digit shorter than one update interval is sent as end packets only, the first marked', () => {
  const packets = new TelephoneEventSender().sendDigit('d', 40, 7);
  assert.deepEqual(packets.map((p) => [p.marker, p.payload.end, p.payload.duration, p.payload.event]), [
    [true, true, 320, 15], [false, true, 320, 15], [false, true, 320, 15],
  ]);
});

test('durations the 16-bit field cannot carry and non-digits are refused', () => {
  const s = new TelephoneEventSender();
  assert.throws(() => s.sendDigit('1', 9000, 0), TelephoneEventSendError);
  assert.throws(() => s.sendDigit('1', 0, 0), TelephoneEventSendError);
  assert.throws(() => s.sendDigit('x', 100, 0), DtmfDigitError);
});
