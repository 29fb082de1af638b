// RFC 4733 §2.3 telephone-event payload.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     event     |E|R| volume    |          duration             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/** Size of one event block in bytes. */
export const TELEPHONE_EVENT_SIZE = 4;
const OFFSET_EVENT = 0;
const OFFSET_FLAGS_VOLUME = 1;
const OFFSET_DURATION = 2;
const MASK_END = 0x80;
const MASK_VOLUME = 0x3f;

/** One RFC 4733 event block. */
export interface TelephoneEvent {
  /** Event code, 0..255 (§2.3.1); 0-15 are the DTMF digits (§3.2). */
  event: number;
  /** E bit: this packet reports the end of the event (§2.3.2). */
  end: boolean;
  /** Power level as -dBm0, 0..63 (§2.3.4); 0 is loudest. */
  volume: number;
  /** Duration so far in RTP timestamp units, 0..65535 (§2.3.5). */
  duration: number;
}

/** Why a telephone-event payload was refused. */
export type TelephoneEventErrorKind = 'truncated' | 'out-of-range';

/** Thrown for a payload that is too short, or a value that does not fit its field. */
export class TelephoneEventError extends Error {
  override readonly name = 'TelephoneEventError';
  /** Creates the error; `kind` tells a short payload from a bad value. */
  constructor(readonly kind: TelephoneEventErrorKind, message: string) {
    super(message);
  }
}

/** Bytes needed to write one event block. */
export function telephoneEventSize(): number {
  return TELEPHONE_EVENT_SIZE;
}

/** Writes `ev` at `offset`; returns the bytes written (4). Throws TelephoneEventError on out-of-range fields. */
export function writeTelephoneEvent(ev: TelephoneEvent, buf: Uint8Array, offset = 0): number {
  if (!Number.isInteger(ev.event) || ev.event < 0 || ev.event > 0xff) throw new TelephoneEventError('out-of-range', `event ${ev.event} not in 0..255`);
  if (!Number.isInteger(ev.volume) || ev.volume < 0 || ev.volume > MASK_VOLUME) throw new TelephoneEventError('out-of-range', `volume ${ev.volume} not in 0..63`);
  if (!Number.isInteger(ev.duration) || ev.duration < 0 || ev.duration > 0xffff) throw new TelephoneEventError('out-of-range', `duration ${ev.duration} not in 0..65535`);
  if (offset < 0 || offset + TELEPHONE_EVENT_SIZE > buf.length) throw new TelephoneEventError('truncated', `no room for 4 bytes at offset ${offset}`);
  buf[offset + OFFSET_EVENT] = ev.event;
  buf[offset + OFFSET_FLAGS_VOLUME] = (ev.end ? MASK_END : 0) | ev.volume;
  buf[offset + OFFSET_DURATION] = ev.duration >>> 8;
  buf[offset + OFFSET_DURATION + 1] = ev.duration & 0xff;
  return TELEPHONE_EVENT_SIZE;
}

/**
 * Parses the event block at `offset` into `into` (reused by hot callers) or a
 * new object. Only the first block is read: redundant blocks (RFC 2198, §2.6)
 * are the RTP layer's concern. Throws TelephoneEventError('truncated').
 */
export function parseTelephoneEvent(buf: Uint8Array, offset = 0, into?: TelephoneEvent): TelephoneEvent {
  if (offset < 0 || buf.length - offset < TELEPHONE_EVENT_SIZE) {
    throw new TelephoneEventError('truncated', `telephone-event needs 4 bytes, got ${Math.max(0, buf.length - offset)}`);
  }
  const flags = buf[offset + OFFSET_FLAGS_VOLUME]!;
  const out = into ?? { event: 0, end: false, volume: 0, duration: 0 };
  out.event = buf[offset + OFFSET_EVENT]!;
  out.end = (flags & MASK_END) !== 0;
  // The R bit (0x40) is reserved and ignored on receipt (§2.3.3): the volume mask leaves it out.
  out.volume = flags & MASK_VOLUME;
  out.duration = (buf[offset + OFFSET_DURATION]! << 8) | buf[offset + OFFSET_DURATION + 1]!;
  return out;
}
