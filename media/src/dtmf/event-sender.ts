// RFC 4733 sender: plans the packets that carry one digit.
//
// Pure: it returns packet descriptions with the time each is due, and the RTP
// layer stamps sequence numbers, SSRC and payload type and sends them. Every
// packet of the event carries the event's start as its RTP timestamp
// (§2.5.1.1); the first carries the marker bit; updates repeat the growing
// duration every update interval (§2.5.1.2 suggests 50 ms); the end packet is
// sent three times with the final duration (§2.5.1.4) so one lost packet does
// not lose the end.

import { digitToEvent, toDtmfDigit } from './digits.ts';
import type { TelephoneEvent } from './telephone-event.ts';

/** One packet the RTP layer should send. */
export interface TelephoneEventPacketOut {
  /** When to send it, in ms after the digit started. */
  readonly sendAtMs: number;
  /** RTP timestamp: the digit's start, the same on every packet. */
  readonly timestamp: number;
  /** RTP marker bit. */
  readonly marker: boolean;
  /** The payload to write with writeTelephoneEvent. */
  readonly payload: TelephoneEvent;
}

/** Options of a TelephoneEventSender. */
export interface TelephoneEventSenderOptions {
  /** RTP clock rate of the telephone-event payload; default 8000. */
  readonly clockRate?: number;
  /** Interval between duration updates in ms; default 50 (§2.5.1.2). Use the audio ptime to match the stream. */
  readonly updateIntervalMs?: number;
  /** Spacing of the repeated end packets in ms; default 20. */
  readonly endSpacingMs?: number;
  /** How many times the end packet is sent; default 3 (§2.5.1.4). */
  readonly endRepeats?: number;
  /** Volume as -dBm0 (0..63); default 10. */
  readonly volume?: number;
}

/** Thrown for a digit duration the payload cannot carry. */
export class TelephoneEventSendError extends Error {
  override readonly name = 'TelephoneEventSendError';
}

/** Plans RFC 4733 packet sequences for digits. */
export class TelephoneEventSender {
  private readonly clockRate: number;
  private readonly updateMs: number;
  private readonly endSpacingMs: number;
  private readonly endRepeats: number;
  private readonly volume: number;

  /** Creates a sender with the given packet timing. */
  constructor(options: TelephoneEventSenderOptions = {}) {
    this.clockRate = options.clockRate ?? 8000;
    this.updateMs = options.updateIntervalMs ?? 50;
    this.endSpacingMs = options.endSpacingMs ?? 20;
    this.endRepeats = options.endRepeats ?? 3;
    this.volume = options.volume ?? 10;
    if (!(this.updateMs > 0) || !(this.endRepeats >= 1)) throw new TelephoneEventSendError('update interval and end repeats must be positive');
  }

  /**
   * The packets for `digit` held `durationMs`, starting at RTP timestamp
   * `timestamp`. The first update goes out one interval after the start with
   * that much duration, as common gateways do; a digit shorter than one
   * interval is sent as end packets only, the first with the marker.
   */
  sendDigit(digit: string, durationMs: number, timestamp: number): TelephoneEventPacketOut[] {
    const event = digitToEvent(toDtmfDigit(digit));
    const total = Math.round((durationMs * this.clockRate) / 1000);
    // One segment carries at most 0xFFFF (8.2 s at 8 kHz); no DTMF digit is that long.
    if (!(total > 0) || total > 0xffff) throw new TelephoneEventSendError(`digit duration ${durationMs} ms outside 1..${Math.floor((0xffff * 1000) / this.clockRate)} ms`);
    const ts = timestamp >>> 0;
    const packets: TelephoneEventPacketOut[] = [];
    for (let t = this.updateMs; t < durationMs; t += this.updateMs) {
      const duration = Math.round((t * this.clockRate) / 1000);
      packets.push({ sendAtMs: t, timestamp: ts, marker: packets.length === 0, payload: { event, end: false, volume: this.volume, duration } });
    }
    for (let i = 0; i < this.endRepeats; i++) {
      packets.push({
        sendAtMs: durationMs + i * this.endSpacingMs, timestamp: ts, marker: packets.length === 0,
        payload: { event, end: true, volume: this.volume, duration: total },
      });
    }
    return packets;
  }
}
