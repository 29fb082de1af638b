// One call's RTP endpoint on the gateway (RFC 3550, RFC 3551 §4.5.14): 20 ms G.711 frames
// from the port go out as RTP to the far end's SDP address; RTP that comes in goes through
// the jitter buffer and comes back out of `next()` in the card's law, one frame per port tick.
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import {
  DtmfGenerator, JitterBuffer, RtpPacket, TelephoneEventReceiver, alawToUlawFrame, encodeAlaw, encodeUlaw, eventToDigit,
  isParseFailure, parseRtp, parseTelephoneEvent, ulawToAlawFrame, writeRtpHeader, type TelephoneEvent,
} from '@hotline/media';
import type { CallAudio } from '../call-legs.ts';
import type { Clock } from '../../sip/clock.ts';
import { moduleLogger } from '../../log.ts';
import { type CardLaw, type NegotiatedAudio, sdpLaw } from './call-sdp.ts';

const log = moduleLogger('analog.sip.rtp');

/** 20 ms of G.711 at 8 kHz. */
export const FRAME_BYTES = 160;
const HEADER_BYTES = 12;
/** Send buffers in rotation: a UDP send may still read its buffer after `send` returns, one 20 ms tick is far longer than that. */
const SEND_BUFFERS = 4;

/** Counters of one stream, for tests and call quality. */
export interface RtpStreamStats { packetsOut: number; packetsIn: number; ignoredIn: number; dtmfDigitsIn: number }

/**
 * The RTP endpoint behind a call's {@link CallAudio}. Sends only while the negotiated
 * direction lets it (not while the far end holds us); received audio in the other law is
 * transcoded before the jitter buffer, so `next()` always yields the card's law.
 * RFC 4733 digits from the far end are played to the port as in-band DTMF (Q.23 tones),
 * since a PSTN line or analog phone only understands tones.
 */
export class RtpStream implements CallAudio {
  readonly stats: RtpStreamStats = { packetsOut: 0, packetsIn: 0, ignoredIn: 0, dtmfDigitsIn: 0 };
  private remote: NegotiatedAudio | undefined;
  private readonly sendBufs: Buffer[] = [];
  private sendIndex = 0;
  private seq = randomInt(0, 0x10000);
  private ts = randomInt(0, 2 ** 32);
  private readonly ssrc = randomInt(1, 2 ** 32);
  private firstPacket = true;
  private readonly jitter: JitterBuffer;
  private readonly rx = new RtpPacket();
  private readonly events = new TelephoneEventReceiver();
  private readonly event: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };
  private readonly dtmf = new DtmfGenerator();
  private readonly pcm = new Int16Array(FRAME_BYTES);
  private readonly dtmfFrame = Buffer.alloc(FRAME_BYTES);
  private closed = false;

  private constructor(
    private readonly socket: dgram.Socket,
    /** Local RTP port (what our SDP advertises). */
    readonly port: number,
    private readonly cardLaw: CardLaw,
    private readonly clock: Clock,
  ) {
    for (let i = 0; i < SEND_BUFFERS; i++) this.sendBufs.push(Buffer.alloc(HEADER_BYTES + FRAME_BYTES));
    this.jitter = new JitterBuffer({ law: cardLaw === 'alaw' ? 'pcma' : 'pcmu' });
    socket.on('message', (msg, rinfo) => {
      try {
        this.receive(msg);
      } catch (err) {
        // A bad packet never kills the call (STYLE.md 9).
        this.stats.ignoredIn++;
        log.debug({ err, from: rinfo.address, port: rinfo.port }, 'RTP packet dropped');
      }
    });
    socket.on('error', (err) => log.warn({ err, port }, 'RTP socket error'));
  }

  /** Binds a UDP socket on `address` with an ephemeral port. */
  static async open(address: string, cardLaw: CardLaw, clock: Clock): Promise<RtpStream> {
    const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => { socket.off('error', reject); resolve(); });
    });
    return new RtpStream(socket, socket.address().port, cardLaw, clock);
  }

  /** The card's law as SDP names it. */
  get law(): NegotiatedAudio['law'] { return sdpLaw(this.cardLaw); }

  /** Where the far end is and what was agreed; called on every answer and re-offer. */
  setRemote(remote: NegotiatedAudio): void {
    this.remote = remote;
  }

  /** A frame from the port: one RTP packet, 20 ms later in timestamp than the last. */
  send(frame: Uint8Array): void {
    const r = this.remote;
    if (this.closed || !r || r.direction === 'recvonly' || r.direction === 'inactive') return;
    const buf = this.sendBufs[this.sendIndex]!;
    this.sendIndex = (this.sendIndex + 1) % SEND_BUFFERS;
    const n = Math.min(frame.length, FRAME_BYTES);
    writeRtpHeader(buf, 0, { marker: this.firstPacket, payloadType: r.payloadType, sequenceNumber: this.seq, timestamp: this.ts, ssrc: this.ssrc });
    buf.set(frame.subarray(0, n), HEADER_BYTES);
    // The far end may have agreed on the other law: transcode so it hears what it asked for.
    if (r.law !== this.law) {
      const payload = buf.subarray(HEADER_BYTES, HEADER_BYTES + n);
      if (r.law === 'PCMA') ulawToAlawFrame(payload, payload); else alawToUlawFrame(payload, payload);
    }
    this.firstPacket = false;
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + FRAME_BYTES) >>> 0;
    this.stats.packetsOut++;
    this.socket.send(buf, 0, HEADER_BYTES + n, r.rtpPort, r.address, (err) => {
      if (err && log.isLevelEnabled('debug')) log.debug({ err }, 'RTP send failed');
    });
  }

  /** The next 20 ms to play on the port (valid until the next call), or undefined when nothing is due. */
  next(): Uint8Array | undefined {
    if (this.closed) return undefined;
    if (this.dtmf.pending > 0) {
      this.dtmf.fill(this.pcm);
      if (this.cardLaw === 'alaw') encodeAlaw(this.pcm, this.dtmfFrame); else encodeUlaw(this.pcm, this.dtmfFrame);
      return this.dtmfFrame;
    }
    const out = this.jitter.pop(this.clock.now());
    return out.kind === 'frame' || out.kind === 'concealed' ? out.frame : undefined;
  }

  /** Closes the socket; the stream is silent from then on. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try { this.socket.close(); } catch { /* already closed */ }
  }

  private receive(msg: Buffer): void {
    const p = parseRtp(msg, this.rx);
    if (isParseFailure(p)) { this.stats.ignoredIn++; return; }
    const r = this.remote;
    if (r?.telephoneEventPt !== undefined && p.payloadType === r.telephoneEventPt) {
      parseTelephoneEvent(p.buffer, p.payloadOffset, this.event);
      for (const e of this.events.receive({ timestamp: p.timestamp, marker: p.marker, ...this.event })) {
        const digit = e.type === 'begin' ? eventToDigit(e.event) : null;
        if (digit !== null) { this.dtmf.enqueue(digit); this.stats.dtmfDigitsIn++; }
      }
      return;
    }
    // Static payload types of RFC 3551 §6; a dynamic one is accepted when it is the agreed law's.
    let law: 'PCMU' | 'PCMA' | undefined;
    if (p.payloadType === 0) law = 'PCMU';
    else if (p.payloadType === 8) law = 'PCMA';
    else if (r && p.payloadType === r.payloadType) law = r.law;
    if (law === undefined) { this.stats.ignoredIn++; return; }
    if (law !== this.law) {
      // The received buffer is ours (one per datagram): transcode in place before the jitter buffer copies it.
      const payload = p.buffer.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength);
      if (this.law === 'PCMA') ulawToAlawFrame(payload, payload); else alawToUlawFrame(payload, payload);
    }
    this.stats.packetsIn++;
    this.jitter.push(p, this.clock.now());
  }
}
