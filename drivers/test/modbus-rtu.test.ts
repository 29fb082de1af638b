import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc16Modbus, ModbusError, parseReadRegistersReply, readRegistersReply, readRegistersReplyFramer, readRegistersRequest, signed16 } from '../src/serial/index.ts';

const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');

test('CRC-16/MODBUS matches published frames', () => {
  // The check value of the CRC catalogue (reveng: CRC-16/MODBUS, check=0x4b37).
  assert.equal(crc16Modbus(Buffer.from('123456789')), 0x4b37);
  // Read 2 holding registers of slave 1 from 0: the frame every sensor manual shows.
  assert.deepEqual(readRegistersRequest(1, 0x03, 0, 2), hex('01 03 00 00 00 02 C4 0B'));
  // The Simply Modbus examples: slave 17 reading holding 40108-40110 and input 30009.
  assert.deepEqual(readRegistersRequest(0x11, 0x03, 0x6b, 3), hex('11 03 00 6B 00 03 76 87'));
  assert.deepEqual(readRegistersRequest(0x11, 0x04, 0x08, 1), hex('11 04 00 08 00 01 B2 98'));
});

test('parses the published replies', () => {
  assert.deepEqual(parseReadRegistersReply(hex('11 03 06 AE 41 56 52 43 40 49 AD'), 0x11, 0x03, 3), [0xae41, 0x5652, 0x4340]);
  assert.deepEqual(parseReadRegistersReply(hex('11 04 02 00 0A F8 F4'), 0x11, 0x04, 1), [10]);
  assert.deepEqual(readRegistersReply(0x11, 0x04, [10]), hex('11 04 02 00 0A F8 F4'));
});

test('refuses replies that do not answer the request', () => {
  const good = readRegistersReply(1, 0x03, [253, 602]);
  assert.deepEqual(parseReadRegistersReply(good, 1, 0x03, 2), [253, 602]);
  const corrupt = Buffer.from(good);
  corrupt[4] ^= 0x01;
  assert.throws(() => parseReadRegistersReply(corrupt, 1, 0x03, 2), /bad CRC/);
  assert.throws(() => parseReadRegistersReply(good, 2, 0x03, 2), /slave 1, expected 2/);
  assert.throws(() => parseReadRegistersReply(good, 1, 0x04, 2), /function 3, expected 4/);
  assert.throws(() => parseReadRegistersReply(good, 1, 0x03, 3), /expected 6/);
  assert.throws(() => parseReadRegistersReply(hex('01 03'), 1, 0x03, 1), ModbusError);
  // Exception 02, illegal data address: 01 83 02 + CRC.
  const exc = Buffer.from([0x01, 0x83, 0x02, 0xc0, 0xf1]);
  assert.throws(() => parseReadRegistersReply(exc, 1, 0x03, 2), /exception 2 \(illegal data address\)/);
});

test('framer waits for the whole reply', () => {
  const good = readRegistersReply(1, 0x03, [1, 2]);
  for (let n = 0; n < good.length; n++) assert.equal(readRegistersReplyFramer(good.subarray(0, n)), 0, `${n} bytes`);
  assert.equal(readRegistersReplyFramer(Buffer.concat([good, Buffer.from([0xff])])), good.length);
  assert.equal(readRegistersReplyFramer(hex('01 83 02 C0 F1')), 5);
});

test('arguments out of the protocol range are refused; negative temperatures read signed', () => {
  assert.throws(() => readRegistersRequest(0, 0x03, 0, 1), RangeError);
  assert.throws(() => readRegistersRequest(248, 0x03, 0, 1), RangeError);
  assert.throws(() => readRegistersRequest(1, 0x03, 0, 126), RangeError);
  assert.throws(() => readRegistersRequest(1, 0x03, 0xffff, 2), RangeError);
  assert.equal(signed16(0xff9c), -100);
  assert.equal(signed16(253), 253);
});
