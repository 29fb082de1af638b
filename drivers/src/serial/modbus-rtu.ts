/**
 * Modbus RTU framing for reading registers (Modbus Application Protocol v1.1b3, functions 03
 * Read Holding Registers and 04 Read Input Registers; Modbus over Serial Line v1.02 for the
 * RTU frame and its CRC). Pure: the bytes come and go through SerialLink.
 */
import type { ReplyFramer } from './serial-link.ts';

export type RegisterFunction = 0x03 | 0x04;

/** The most registers one read may ask for (protocol limit). */
export const MAX_READ_REGISTERS = 125;

/** A reply that is not the answer to our request (bad CRC, other slave, exception, wrong length). */
export class ModbusError extends Error {
  override name = 'ModbusError';
}

/** CRC-16/MODBUS: reflected polynomial 0xA001, initial 0xFFFF; sent low byte first. */
export function crc16Modbus(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** `body` followed by its CRC, low byte first. */
export function withCrc(body: Uint8Array): Buffer {
  const crc = crc16Modbus(body);
  return Buffer.concat([body, Buffer.from([crc & 0xff, crc >>> 8])]);
}

function checkRange(slave: number, start: number, count: number): void {
  if (!Number.isInteger(slave) || slave < 1 || slave > 247) throw new RangeError(`Modbus slave address must be 1-247, not ${slave}`);
  if (!Number.isInteger(start) || start < 0 || start > 0xffff) throw new RangeError(`register must be 0-65535, not ${start}`);
  if (!Number.isInteger(count) || count < 1 || count > MAX_READ_REGISTERS || start + count > 0x10000) throw new RangeError(`register count must be 1-${MAX_READ_REGISTERS}, not ${count}`);
}

/** The request frame reading `count` registers from `start` (PDU addresses, 0-based). */
export function readRegistersRequest(slave: number, fn: RegisterFunction, start: number, count: number): Buffer {
  checkRange(slave, start, count);
  return withCrc(Buffer.from([slave, fn, start >>> 8, start & 0xff, count >>> 8, count & 0xff]));
}

/** Frames the reply to a read: 5 bytes for an exception, else 5 + the byte count it announces. */
export const readRegistersReplyFramer: ReplyFramer = (b) => {
  if (b.length < 3) return 0;
  const need = b[1]! & 0x80 ? 5 : 5 + b[2]!;
  return b.length >= need ? need : 0;
};

const EXCEPTIONS: Record<number, string> = {
  1: 'illegal function', 2: 'illegal data address', 3: 'illegal data value', 4: 'slave device failure', 6: 'slave device busy',
  0x0b: 'gateway target device failed to respond',
};

/** Checks a reply against its request and returns the register values (unsigned 16-bit). */
export function parseReadRegistersReply(frame: Uint8Array, slave: number, fn: RegisterFunction, count: number): number[] {
  const hex = Buffer.from(frame).toString('hex');
  if (frame.length < 5) throw new ModbusError(`reply too short: ${hex}`);
  const body = frame.subarray(0, frame.length - 2);
  const crc = frame[frame.length - 2]! | (frame[frame.length - 1]! << 8);
  if (crc16Modbus(body) !== crc) throw new ModbusError(`bad CRC in reply ${hex}`);
  if (frame[0] !== slave) throw new ModbusError(`reply from slave ${frame[0]}, expected ${slave}`);
  if (frame[1] === (fn | 0x80)) throw new ModbusError(`exception ${frame[2]} (${EXCEPTIONS[frame[2]!] ?? 'unknown'}) from slave ${slave}`);
  if (frame[1] !== fn) throw new ModbusError(`reply function ${frame[1]}, expected ${fn}`);
  if (frame[2] !== count * 2 || frame.length !== 5 + count * 2) throw new ModbusError(`reply carries ${frame[2]} bytes, expected ${count * 2}`);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((frame[3 + 2 * i]! << 8) | frame[4 + 2 * i]!);
  return out;
}

/** The reply a slave sends (the simulators in the tests use it). */
export function readRegistersReply(slave: number, fn: RegisterFunction, values: readonly number[]): Buffer {
  const data = values.flatMap((v) => [(v >>> 8) & 0xff, v & 0xff]);
  return withCrc(Buffer.from([slave, fn, data.length, ...data]));
}

/** A register read as a two's-complement 16-bit number (temperatures below zero). */
export function signed16(v: number): number {
  return v & 0x8000 ? v - 0x10000 : v;
}
