// The packet logic of a call's audio on the gateway, without a socket (STYLE.md 4): 20 ms
// G.711 frames in the card's law become RTP packets (RFC 3550, RFC 3551 §4.5.14) for the far
// end, and RTP from the far end goes through the jitter buffer back out as frames in the
// card's law. `RtpStream` is the thin UDP adapter around it.
import { randomInt } from 'node:crypto';
import {
  DtmfGenerator, JitterBuffer, RtpPacket, TelephoneEventReceiver, alawToUlawFrame, encodeAlaw, encodeUlaw, eventToDigit,
  isParseFailure, parseRtp, parseTelephoneEvent, ulawToAlawFrame, writeRtpHeader, type TelephoneEvent,
} from '@hotline/media';
import { type CardLaw, type Law, type NegotiatedAudio, sdpLaw } from './call-sdp.ts';

/** 20 ms of G.711 at 8 kHz. */
export const FRAME_BYTES = 160;
/** The fixed RTP header the gateway writes (no CSRC, no extension). */
export const RTP_HEADER_BYTES = 12;

/** Counters of one call's audio, for tests and call quality. */
export interface RtpAudioStats { packetsOut: number; packetsIn: number; ignoredIn: number; dtmfDigitsIn: number }

/**
 * One call's RTP audio as pure logic. Sends only while the negotiated direction lets it (not
 * while the far end holds us); received audio in the other law is transcoded before the
 * jitter buffer, so `next()` always yields the card's law. RFC 4733 digits from the far end
 * are played as in-band DTMF (Q.23 tones), since a PSTN line or analog phone only hears tones.
 * Allocates nothing per packet except for telephone-events.
 */
export class RtpAudio {
  readonly stats: RtpAudioStats = { packetsOut: 0, packetsIn: 0, ignoredIn: 0, dtmfDigitsIn: 0 };
  /** What the far end agreed last; undefined until its SDP is known. */
  remote: NegotiatedAudio | undefined;
  private seq = randomInt(0, 0x10000);
  private ts = randomInt(0, 2 ** 32);
  private readonly ssrc = randomInt(1, 2 ** 32);
  private firstPacket = true;
  private readonly law: Law;
  private readonly jitter: JitterBuffer;
  private readonly rx = new RtpPacket();
  private readonly events = new TelephoneEventReceiver();
  private readonly event: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };
  private readonly dtmf = new DtmfGenerator();
  private readonly pcm = new Int16Array(FRAME_BYTES);
  private readonly dtmfFrame = Buffer.alloc(FRAME_BYTES);

  constructor(private readonly cardLaw: CardLaw) {
    this.law = sdpLaw(cardLaw);
    this.jitter = new JitterBuffer({ law: cardLaw === 'alaw' ? 'pcma' : 'pcmu' });
  }

  /** True while the far end is known and does not hold us. */
  get sending(): boolean {
    const d = this.remote?.direction;
    return d === 'sendrecv' || d === 'sendonly';
  }

  /**
   * Writes the RTP packet for one frame from the port into `out` (at least 12 + 160 bytes)
   * and returns its length, or 0 when nothing is to be sent. Sequence +1, timestamp +160.
   */
  packetize(frame: Uint8Array, out: Buffer): number {
    const r = this.remote;
    if (!r || !this.sending) return 0;
    const n = Math.min(frame.length, FRAME_BYTES);
    writeRtpHeader(out, 0, { marker: this.firstPacket, payloadType: r.payloadType, sequenceNumber: this.seq, timestamp: this.ts, ssrc: this.ssrc });
    out.set(n === frame.length ? frame : frame.subarray(0, n), RTP_HEADER_BYTES);
    // The far end may have agreed on the other law: transcode so it hears what it asked for.
    if (r.law !== this.law) {
      const payload = out.subarray(RTP_HEADER_BYTES, RTP_HEADER_BYTES + n);
      if (r.law === 'PCMA') ulawToAlawFrame(payload, payload); else alawToUlawFrame(payload, payload);
    }
    this.firstPacket = false;
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + FRAME_BYTES) >>> 0;
    this.stats.packetsOut++;
    return RTP_HEADER_BYTES + n;
  }

  /** One datagram from the far end, received at `nowMs`. `msg` is ours to change (it is transcoded in place). */
  receive(msg: Buffer, nowMs: number): void {
    const p = parseRtp(msg, this.rx);
    if (isParseFailure(p)) { this.stats.ignoredIn++; return; }
    const r = this.remote;
    if (r?.telephoneEventPt !== undefined && p.payloadType === r.telephoneEventPt) {
      if (p.payloadLength < 4) { this.stats.ignoredIn++; return; }
      parseTelephoneEvent(p.buffer, p.payloadOffset, this.event);
      for (const e of this.events.receive({ timestamp: p.timestamp, marker: p.marker, ...this.event })) {
        const digit = e.type === 'begin' ? eventToDigit(e.event) : null;
        if (digit !== null) { this.dtmf.enqueue(digit); this.stats.dtmfDigitsIn++; }
      }
      return;
    }
    // Static payload types of RFC 3551 §6; a dynamic one is accepted when it is the agreed law's.
    let law: Law | undefined;
    if (p.payloadType === 0) law = 'PCMU';
    else if (p.payloadType === 8) law = 'PCMA';
    else if (r && p.payloadType === r.payloadType) law = r.law;
    if (law === undefined) { this.stats.ignoredIn++; return; }
    if (law !== this.law) {
      const payload = p.buffer.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength);
      if (this.law === 'PCMA') ulawToAlawFrame(payload, payload); else alawToUlawFrame(payload, payload);
    }
    this.stats.packetsIn++;
    this.jitter.push(p, nowMs);
  }

  /** The frame to play on the port at `nowMs` (valid until the next call), or undefined when nothing is due. */
  next(nowMs: number): Uint8Array | undefined {
    if (this.dtmf.pending > 0) {
      this.dtmf.fill(this.pcm);
      if (this.cardLaw === 'alaw') encodeAlaw(this.pcm, this.dtmfFrame); else encodeUlaw(this.pcm, this.dtmfFrame);
      return this.dtmfFrame;
    }
    const out = this.jitter.pop(nowMs);
    return out.kind === 'frame' || out.kind === 'concealed' ? out.frame : undefined;
  }
}
