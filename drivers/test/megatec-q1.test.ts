import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateChargePercent, formatQ1, parseQ1, Q1FormatError } from '../src/serial/index.ts';

test('parses the Q1 line of the Megatec protocol document', () => {
  // The example reply of the Megatec "UPS Protocol" document (also NUT's blazer tests).
  const s = parseQ1('(208.4 140.0 208.4 034 59.9 2.05 35.0 00110000\r');
  assert.deepEqual(
    { i: s.inputVolts, f: s.inputFaultVolts, o: s.outputVolts, l: s.loadPercent, hz: s.frequencyHz, b: s.batteryVolts, t: s.temperatureC },
    { i: 208.4, f: 140.0, o: 208.4, l: 34, hz: 59.9, b: 2.05, t: 35.0 },
  );
  assert.deepEqual(s.bits, {
    utilityFail: false, batteryLow: false, bypassOrBoost: true, upsFailed: true,
    standbyType: false, testInProgress: false, shutdownActive: false, beeperOn: false,
  });
});

test('reads utility fail (b7) and battery low (b6) from the first bits', () => {
  const s = parseQ1('(000.0 000.0 229.8 020 50.0 11.9 28.0 11001001');
  assert.equal(s.bits.utilityFail, true);
  assert.equal(s.bits.batteryLow, true);
  assert.equal(s.bits.standbyType, true);
  assert.equal(s.bits.beeperOn, true);
  assert.equal(s.inputVolts, 0);
  assert.equal(s.batteryVolts, 11.9);
});

test('formatQ1 writes what parseQ1 reads', () => {
  const s = parseQ1('(231.0 231.0 230.0 045 50.0 27.20 31.5 00001000\r');
  assert.equal(formatQ1(s), '(231.0 231.0 230.0 045 50.0 27.20 31.5 00001000\r');
  assert.deepEqual(parseQ1(formatQ1(s)), s);
});

test('malformed replies are refused, never half-parsed', () => {
  for (const bad of [
    '', '\r', 'NAK\r', '(208.4 140.0 208.4 034 59.9 2.05 35.0\r', // no status bits
    '(208.4 140.0 208.4 034 59.9 2.05 35.0 0011000\r', // 7 bits
    '(208.4 140.0 208.4 034 59.9 2.05 35.0 00110002\r', // not a bit
    '208.4 140.0 208.4 034 59.9 2.05 35.0 00110000\r', // no '('
    '(208.4 140.0 2O8.4 034 59.9 2.05 35.0 00110000\r', // letter O
    '(\u00ff\u00fe 140.0 208.4 034 59.9 2.05 35.0 00110000\r', // wrong baud rate garbage
  ]) assert.throws(() => parseQ1(bad), Q1FormatError, JSON.stringify(bad));
});

test('charge estimate from per-cell or pack voltage', () => {
  assert.equal(estimateChargePercent(2.25), 100);
  assert.equal(estimateChargePercent(1.70), 0);
  assert.equal(estimateChargePercent(13.5), 100); // 12 V pack, full
  assert.equal(estimateChargePercent(27.0), 100); // 24 V pack
  assert.equal(estimateChargePercent(11.94), 50); // 6 cells × 1.99 V
});
