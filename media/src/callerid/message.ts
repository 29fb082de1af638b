// Caller ID messages: SDMF and MDMF layouts (Telcordia GR-30-CORE,
// ETSI EN 300 659-3). Pure bytes in, fields out.
//
//   SDMF:  0x04 | len | MMDDHHMM (8 ASCII) | number (ASCII) or 'O'/'P' | checksum
//   MDMF:  0x80 | len | { ptype | plen | pdata }* | checksum
//
// `len` counts the bytes between itself and the checksum. The checksum is the
// two's complement of the sum (mod 256) of every byte before it, so the sum
// of the whole message, checksum included, is 0 mod 256 (GR-30).
//
// Numbers are longer than GR-30's 10 digits in China (mobile 11, area code +
// local number up to 12): YD/T 1136 lets them through, and so do we, up to
// MAX_NUMBER_LENGTH. Names are printable ASCII, as GR-30 requires; a
// GB2312 name would need a network-specific variant and is not handled.

/** Layout of a call-setup message: single (SDMF) or multiple data message format (MDMF). */
export type CallerIdFormat = 'sdmf' | 'mdmf';

/** Why a number or name is absent (GR-30: 'O' out of area / unavailable, 'P' private). */
export type CallerIdAbsentReason = 'unavailable' | 'private';

/** Month/day/hour/minute of the call, as the exchange sends them (no year, no seconds). */
export interface CallerIdTime {
  /** 1-12. */
  readonly month: number;
  /** 1-31. */
  readonly day: number;
  /** 0-23. */
  readonly hour: number;
  /** 0-59. */
  readonly minute: number;
}

/** What a caller ID message carries. */
export interface CallerIdInfo {
  /** Calling number, digits (ASCII 0-9, and '*', '#', '+' a few networks send). */
  readonly number?: string;
  /** Calling name, printable ASCII (MDMF only). */
  readonly name?: string;
  /** Date and time of the call; required by SDMF. */
  readonly time?: CallerIdTime;
  /** Why the number is absent; used when `number` is not given. */
  readonly absentReason?: CallerIdAbsentReason;
  /** Why the name is absent (MDMF only). */
  readonly nameAbsentReason?: CallerIdAbsentReason;
}

/** A decoded message: the fields plus the layout it came in. */
export interface CallerIdMessage extends CallerIdInfo {
  /** Layout of the message. */
  readonly format: CallerIdFormat;
}

/** Why encoding or decoding a caller ID message failed. */
export type CallerIdErrorKind = 'truncated' | 'bad-checksum' | 'unknown-type' | 'malformed' | 'invalid-field';

/** Thrown by encodeCallerId/decodeCallerId (and reported by the receivers); `kind` says why. */
export class CallerIdError extends Error {
  override readonly name = 'CallerIdError';
  /** Creates the error. */
  constructor(readonly kind: CallerIdErrorKind, message: string) {
    super(message);
  }
}

/** SDMF call-setup message type (GR-30). */
export const CID_TYPE_SDMF = 0x04;
/** MDMF call-setup message type (GR-30, EN 300 659-3). */
export const CID_TYPE_MDMF = 0x80;
/** MDMF parameter: date and time, 8 ASCII digits MMDDHHMM. */
export const CID_PARAM_TIME = 0x01;
/** MDMF parameter: calling line identity (number). */
export const CID_PARAM_NUMBER = 0x02;
/** MDMF parameter: reason for absence of the number ('O' or 'P'). */
export const CID_PARAM_NUMBER_ABSENT = 0x04;
/** MDMF parameter: calling name. */
export const CID_PARAM_NAME = 0x07;
/** MDMF parameter: reason for absence of the name ('O' or 'P'). */
export const CID_PARAM_NAME_ABSENT = 0x08;
/** Longest number accepted (YD/T 1136 allows more than GR-30's 10 digits). */
export const MAX_NUMBER_LENGTH = 20;
/** Longest name accepted (GR-30: 15 characters). */
export const MAX_NAME_LENGTH = 15;

const HEADER = 2;
const TIME_LENGTH = 8;
const NUMBER_CHARS = /^[0-9*#+]*$/;
const NAME_CHARS = /^[\x20-\x7e]*$/;

function reasonCode(r: CallerIdAbsentReason): number {
  return r === 'private' ? 0x50 : 0x4f; // 'P' : 'O'
}

function reasonOf(code: number): CallerIdAbsentReason | null {
  return code === 0x50 ? 'private' : code === 0x4f ? 'unavailable' : null;
}

function timeBytes(t: CallerIdTime): number[] {
  const parts = [t.month, t.day, t.hour, t.minute];
  const max = [12, 31, 23, 59];
  const min = [1, 1, 0, 0];
  const out: number[] = [];
  parts.forEach((v, i) => {
    if (!Number.isInteger(v) || v < min[i]! || v > max[i]!) throw new CallerIdError('invalid-field', `time field out of range: ${JSON.stringify(t)}`);
    out.push(0x30 + Math.floor(v / 10), 0x30 + (v % 10));
  });
  return out;
}

function parseTime(b: Uint8Array, at: number): CallerIdTime {
  const v = [0, 0, 0, 0];
  for (let i = 0; i < TIME_LENGTH; i++) {
    const c = b[at + i]! - 0x30;
    if (c < 0 || c > 9) throw new CallerIdError('malformed', 'date/time is not 8 ASCII digits');
    v[i >> 1] = v[i >> 1]! * 10 + c;
  }
  const [month, day, hour, minute] = v as [number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) throw new CallerIdError('malformed', 'date/time out of range');
  return { month, day, hour, minute };
}

function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

function checkNumber(n: string): void {
  if (n.length === 0 || n.length > MAX_NUMBER_LENGTH || !NUMBER_CHARS.test(n)) throw new CallerIdError('invalid-field', `number must be 1-${MAX_NUMBER_LENGTH} of 0-9 * # +: ${JSON.stringify(n)}`);
}

/** The checksum byte of `bytes[0..end)`: two's complement of their sum mod 256 (GR-30). */
export function callerIdChecksum(bytes: ArrayLike<number>, end = bytes.length): number {
  let sum = 0;
  for (let i = 0; i < end; i++) sum += bytes[i]!;
  return (0x100 - (sum & 0xff)) & 0xff;
}

/**
 * Encodes a call-setup message. SDMF carries time + number (or absence
 * reason); MDMF adds the name. Throws CallerIdError('invalid-field') for a
 * value that does not fit (SDMF without time, a name in SDMF, bad digits).
 */
export function encodeCallerId(info: CallerIdInfo, format: CallerIdFormat): Uint8Array {
  const body: number[] = [];
  if (info.number !== undefined) checkNumber(info.number);
  if (info.name !== undefined && (info.name.length === 0 || info.name.length > MAX_NAME_LENGTH || !NAME_CHARS.test(info.name))) {
    throw new CallerIdError('invalid-field', `name must be 1-${MAX_NAME_LENGTH} printable ASCII characters`);
  }
  let type: number;
  if (format === 'sdmf') {
    type = CID_TYPE_SDMF;
    if (!info.time) throw new CallerIdError('invalid-field', 'SDMF requires the date/time');
    if (info.name !== undefined || info.nameAbsentReason !== undefined) throw new CallerIdError('invalid-field', 'SDMF cannot carry a name');
    body.push(...timeBytes(info.time));
    if (info.number !== undefined) body.push(...ascii(info.number));
    else body.push(reasonCode(info.absentReason ?? 'unavailable'));
  } else {
    type = CID_TYPE_MDMF;
    const param = (p: number, data: number[]): void => {
      body.push(p, data.length, ...data);
    };
    if (info.time) param(CID_PARAM_TIME, timeBytes(info.time));
    if (info.number !== undefined) param(CID_PARAM_NUMBER, ascii(info.number));
    else param(CID_PARAM_NUMBER_ABSENT, [reasonCode(info.absentReason ?? 'unavailable')]);
    if (info.name !== undefined) param(CID_PARAM_NAME, ascii(info.name));
    else if (info.nameAbsentReason !== undefined) param(CID_PARAM_NAME_ABSENT, [reasonCode(info.nameAbsentReason)]);
  }
  const out = new Uint8Array(HEADER + body.length + 1);
  out[0] = type;
  out[1] = body.length;
  out.set(body, HEADER);
  out[out.length - 1] = callerIdChecksum(out, out.length - 1);
  return out;
}

/**
 * Total length (header + body + checksum) of the message starting at
 * `bytes[0]`, or -1 when fewer than two bytes are known yet. Receivers use it
 * to know when a message is complete.
 */
export function callerIdMessageLength(bytes: ArrayLike<number>, available = bytes.length): number {
  return available < HEADER ? -1 : HEADER + bytes[1]! + 1;
}

function latin(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/**
 * Decodes a call-setup message (SDMF 0x04 or MDMF 0x80). Bytes after the
 * checksum are ignored. Throws CallerIdError only: 'truncated', 'bad-checksum',
 * 'unknown-type' or 'malformed'. Unknown MDMF parameters are skipped
 * (EN 300 659-3 lets networks add their own).
 */
export function decodeCallerId(bytes: Uint8Array): CallerIdMessage {
  if (bytes.length < HEADER) throw new CallerIdError('truncated', `need at least ${HEADER} bytes, have ${bytes.length}`);
  const total = callerIdMessageLength(bytes);
  if (bytes.length < total) throw new CallerIdError('truncated', `message needs ${total} bytes, have ${bytes.length}`);
  let sum = 0;
  for (let i = 0; i < total; i++) sum += bytes[i]!;
  if ((sum & 0xff) !== 0) throw new CallerIdError('bad-checksum', 'checksum does not match');
  const type = bytes[0]!;
  const end = total - 1;
  if (type === CID_TYPE_SDMF) {
    if (end - HEADER < TIME_LENGTH + 1) throw new CallerIdError('malformed', 'SDMF body shorter than date/time + number');
    const time = parseTime(bytes, HEADER);
    const from = HEADER + TIME_LENGTH;
    if (end - from === 1) {
      const reason = reasonOf(bytes[from]!);
      if (reason) return { format: 'sdmf', time, absentReason: reason };
    }
    const number = latin(bytes, from, end);
    if (number.length > MAX_NUMBER_LENGTH || !NUMBER_CHARS.test(number)) throw new CallerIdError('malformed', 'SDMF number has non-digit characters');
    return { format: 'sdmf', time, number };
  }
  if (type !== CID_TYPE_MDMF) throw new CallerIdError('unknown-type', `message type 0x${type.toString(16).padStart(2, '0')}`);
  const out: { -readonly [K in keyof CallerIdMessage]: CallerIdMessage[K] } = { format: 'mdmf' };
  let at = HEADER;
  while (at < end) {
    if (at + 2 > end) throw new CallerIdError('malformed', 'parameter header runs past the body');
    const p = bytes[at]!;
    const len = bytes[at + 1]!;
    const data = at + 2;
    if (data + len > end) throw new CallerIdError('malformed', `parameter 0x${p.toString(16)} runs past the body`);
    switch (p) {
      case CID_PARAM_TIME:
        if (len !== TIME_LENGTH) throw new CallerIdError('malformed', 'date/time parameter is not 8 bytes');
        out.time = parseTime(bytes, data);
        break;
      case CID_PARAM_NUMBER: {
        const n = latin(bytes, data, data + len);
        if (n.length === 0 || n.length > MAX_NUMBER_LENGTH || !NUMBER_CHARS.test(n)) throw new CallerIdError('malformed', 'number parameter has non-digit characters');
        out.number = n;
        break;
      }
      case CID_PARAM_NUMBER_ABSENT:
      case CID_PARAM_NAME_ABSENT: {
        const r = len === 1 ? reasonOf(bytes[data]!) : null;
        if (!r) throw new CallerIdError('malformed', 'absence reason is not a single O or P');
        if (p === CID_PARAM_NUMBER_ABSENT) out.absentReason = r;
        else out.nameAbsentReason = r;
        break;
      }
      case CID_PARAM_NAME: {
        const n = latin(bytes, data, data + len);
        if (!NAME_CHARS.test(n)) throw new CallerIdError('malformed', 'name has non-printable characters');
        out.name = n;
        break;
      }
      default:
        break;
    }
    at = data + len;
  }
  return out;
}

/** The caller ID time fields of `date` in the appliance's local time (the exchange sends local time, no zone). */
export function callerIdTimeFromDate(date: Date): CallerIdTime {
  return { month: date.getMonth() + 1, day: date.getDate(), hour: date.getHours(), minute: date.getMinutes() };
}
