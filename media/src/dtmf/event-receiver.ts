// RFC 4733 receiver: turns telephone-event packets into digit begin/end events.
//
// An event is identified by its RTP timestamp, which stays the same for every
// packet of the event (§2.5.1.1); the duration grows, and the end is sent
// three times (§2.5.1.4). So: a new timestamp starts a new event even when the
// marker packet was lost; packets with the timestamp of an event already ended
// are retransmissions and are dropped; an event whose end packets were all
// lost is closed by the next event or by `expire()`, flagged incomplete.

import { eventToDigit, type DtmfDigit } from './digits.ts';

/** One received telephone-event packet: RTP header fields the receiver needs and the parsed payload. */
export interface TelephoneEventPacketIn {
  /** RTP timestamp (32-bit unsigned): the event's start (§2.5.1.1). */
  readonly timestamp: number;
  /** RTP marker bit: set on the first packet of an event (§2.5.1.1). */
  readonly marker: boolean;
  /** Event code (0-15 are DTMF digits). */
  readonly event: number;
  /** E bit. */
  readonly end: boolean;
  /** Volume as -dBm0. */
  readonly volume: number;
  /** Duration so far in timestamp units. */
  readonly duration: number;
}

/** A digit (or other event) starting or ending, as the receiver reports it. */
export interface ReceivedTelephoneEvent {
  /** `begin` when the event is first seen, `end` when it is over. */
  readonly type: 'begin' | 'end';
  /** Event code. */
  readonly event: number;
  /** The DTMF digit, or null for a non-DTMF event code. */
  readonly digit: DtmfDigit | null;
  /** RTP timestamp of the event's start. */
  readonly timestamp: number;
  /** Duration in timestamp units (0 on `begin` unless the first packet seen already carried one). */
  readonly duration: number;
  /** Volume as -dBm0 from the latest packet. */
  readonly volume: number;
  /** On `begin`: the marker packet was seen. On `end`: an E-bit packet was seen (false when closed by a newer event or a timeout). */
  readonly complete: boolean;
}

/** Options of a TelephoneEventReceiver. */
export interface TelephoneEventReceiverOptions {
  /** RTP clock rate of the telephone-event payload; default 8000. */
  readonly clockRate?: number;
  /** How long after an event's last reported duration `expire()` closes it; default 250 ms (five 50 ms updates missed). */
  readonly timeoutMs?: number;
}

const NO_EVENTS: readonly ReceivedTelephoneEvent[] = Object.freeze([]);
/** Longest duration one segment can carry; longer events continue in a new segment (§2.5.1.3). */
const MAX_SEGMENT = 0xffff;

/** Signed distance a - b between two 32-bit RTP timestamps, wrap-aware. */
function tsDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** Receiver state machine for RFC 4733 events on one RTP stream. */
export class TelephoneEventReceiver {
  private readonly timeout: number;
  private active = false;
  private activeEvent = 0;
  /** Timestamp of the event's first segment. */
  private startTs = 0;
  /** Timestamp of the segment being received (differs from startTs only for long events). */
  private segmentTs = 0;
  /** Duration of the earlier segments of a long event. */
  private durationBase = 0;
  private lastDuration = 0;
  private lastVolume = 0;
  private hasEnded = false;
  private endedTs = 0;
  /** Packets dropped as retransmissions or stale (for statistics). */
  duplicates = 0;

  /** Creates an idle receiver. */
  constructor(options: TelephoneEventReceiverOptions = {}) {
    this.timeout = Math.round(((options.timeoutMs ?? 250) * (options.clockRate ?? 8000)) / 1000);
  }

  /** True while an event has begun and not ended. */
  get inEvent(): boolean {
    return this.active;
  }

  /** Feeds one packet; returns the begin/end events it causes (usually none). */
  receive(p: TelephoneEventPacketIn): readonly ReceivedTelephoneEvent[] {
    const ts = p.timestamp >>> 0;
    if (this.active && ts === this.segmentTs) {
      if (p.event !== this.activeEvent) {
        // One timestamp, one event (§2.5.1.1): a different code here is malformed.
        this.duplicates++;
        return NO_EVENTS;
      }
      // Reordered updates must not shrink the duration.
      if (p.duration > this.lastDuration) this.lastDuration = p.duration;
      this.lastVolume = p.volume;
      return p.end ? [this.close(true)] : NO_EVENTS;
    }
    // An event already ended (or any older one): redundant end packets and late updates.
    if (this.hasEnded && tsDiff(ts, this.endedTs) <= 0) {
      this.duplicates++;
      return NO_EVENTS;
    }
    if (this.active && tsDiff(ts, this.segmentTs) < 0) {
      this.duplicates++;
      return NO_EVENTS;
    }
    // Long events continue in a new segment whose timestamp is the old one plus
    // 0xFFFF, with the same code and no marker (§2.5.1.3).
    if (
      this.active && !p.marker && p.event === this.activeEvent && this.lastDuration === MAX_SEGMENT &&
      ts === ((this.segmentTs + MAX_SEGMENT) >>> 0)
    ) {
      this.durationBase += MAX_SEGMENT;
      this.segmentTs = ts;
      this.lastDuration = p.duration;
      this.lastVolume = p.volume;
      return p.end ? [this.close(true)] : NO_EVENTS;
    }
    const out: ReceivedTelephoneEvent[] = [];
    if (this.active) out.push(this.close(false));
    this.active = true;
    this.activeEvent = p.event;
    this.startTs = ts;
    this.segmentTs = ts;
    this.durationBase = 0;
    this.lastDuration = p.duration;
    this.lastVolume = p.volume;
    out.push({ type: 'begin', event: p.event, digit: eventToDigit(p.event), timestamp: ts, duration: p.duration, volume: p.volume, complete: p.marker });
    if (p.end) out.push(this.close(true));
    return out;
  }

  /**
   * Closes an event whose packets stopped coming, given the stream's current
   * RTP timestamp `now` (for instance from the audio packets): needed when
   * every end packet was lost and no later event follows.
   */
  expire(now: number): readonly ReceivedTelephoneEvent[] {
    if (!this.active) return NO_EVENTS;
    const lastHeard = (this.segmentTs + this.lastDuration) >>> 0;
    return tsDiff(now >>> 0, lastHeard) > this.timeout ? [this.close(false)] : NO_EVENTS;
  }

  private close(complete: boolean): ReceivedTelephoneEvent {
    this.active = false;
    this.hasEnded = true;
    this.endedTs = this.segmentTs;
    return {
      type: 'end', event: this.activeEvent, digit: eventToDigit(this.activeEvent), timestamp: this.startTs,
      duration: this.durationBase + this.lastDuration, volume: this.lastVolume, complete,
    };
  }
}
