// The forwarding logic of one relayed call, without sockets or timers (STYLE.md
// habit 4): the worker adapter feeds it datagrams and 20 ms ticks, and it sends
// through the injected ports. Nothing on the packet path allocates: the parse target
// is shared per thread, transcoding happens in place in the datagram's own buffer,
// and the generated stream reuses one packet buffer per leg.
import {
  ALAW_TO_ULAW, ULAW_TO_ALAW, ALAW_ENCODE, ULAW_ENCODE, ALAW_DECODE, ULAW_DECODE, DtmfDetector, RtpPacket, parseRtp, parseTelephoneEvent,
  writeRtpHeader, DtmfGenerator, RTP_HEADER_BYTES, TELEPHONE_EVENT_SIZE, type FrameSource,
  type ReceivedTelephoneEvent,
} from '@hotline/media';
import { FRAME_SAMPLES, RelayLeg } from './relay-leg.ts';
import type { MixedFrameSink } from './relay-room.ts';
import {
  H_DROPPED, H_RELAYED, H_TRANSCODED, L_BYTES, L_IN, L_JITTER, L_LAST, L_LOSS, L_LOST, L_OUT, legOffset,
} from './protocol.ts';
import type { ForkTarget, LegMedia, Law, RelayEvent } from './types.ts';

/** Largest datagram relayed: one Ethernet MTU. A 20 ms G.711 packet is 172 bytes. */
export const RELAY_MAX_PACKET_BYTES = 1500;
/** Shortest in-band digit generated, in samples: Q.24 receivers must accept 40 ms. */
const MIN_TONE_SAMPLES = 320;
/** Silent frames after a translated digit, so two equal digits stay apart (Q.24 wants ≥ 40 ms). */
const GAP_FRAMES = 3;
/** An event without packets for this long is closed (every end packet lost). */
const EVENT_STALE_MS = 1000;
/** Longest in-band digit, a guard against a stuck event. */
const MAX_INJECT_MS = 8000;
/** RTCP common header: version in the top 2 bits of byte 0, 8 bytes at least (RFC 3550 §6.4.1). */
const RTCP_MIN_BYTES = 8;

/** Something a packet can be sent through: a dgram.Socket fits. */
export interface SendPort {
  /** Sends `length` bytes of `msg` from `offset` to `address`:`port`. */
  send(msg: Buffer, offset: number, length: number, port: number, address: string): void;
}

/** Callbacks of the worker adapter; one object per worker, not per packet. */
export interface SessionHooks {
  /** A relay event for the PBX. */
  event(e: RelayEvent): void;
  /** A leg latched to a new source. */
  latched(sessionId: string, leg: 'a' | 'b', rtcp: boolean, to: string): void;
  /** Music on hold for a law; null when none is configured. */
  moh(law: Law): FrameSource | null;
  /** Epoch ms of a monotonic time, for lastPacketAt. */
  epochMs(monoMs: number): number;
}

// One parse target per thread: a worker handles one datagram at a time.
const pkt = new RtpPacket();

/** One relayed call: legs a and b, their four sockets, and the forwarding rules. */
export class RelaySession implements MixedFrameSink {
  /** Leg a (index 0) and b (index 1). */
  readonly legs: [RelayLeg, RelayLeg];
  /** Monotonic ms of the last RTP packet from either leg, or of when timing began. */
  private lastRtpMs = 0;
  /** The media timeout counts only once both legs' SDP is known. */
  private timing = false;
  private timeoutReported = false;

  /**
   * Creates a session in statistics slot `slot` of `words` (the worker's shared
   * memory, header counters at its start). `ports` are the RTP/RTCP sockets of a and
   * then b: [aRtp, aRtcp, bRtp, bRtcp].
   */
  constructor(
    readonly id: string,
    readonly slot: number,
    private readonly words: Float64Array,
    private readonly ports: readonly [SendPort, SendPort, SendPort, SendPort],
    private readonly hooks: SessionHooks,
    private readonly mediaTimeoutMs: number,
    random: () => number = Math.random,
  ) {
    this.legs = [new RelayLeg('a', legOffset(slot, 0), random), new RelayLeg('b', legOffset(slot, 1), random)];
    for (let i = 0; i < 2; i++) words.fill(0, this.legs[i]!.words, this.legs[i]!.words + 8);
  }

  /** Where a copy of each leg's received RTP goes (a recording server), by leg index. */
  private readonly forks: [ForkTarget, ForkTarget] = [null, null];

  /**
   * Sends a copy of every RTP packet received from leg `i`, as it arrived (its own law and
   * payload type, before any transcoding), to `target`: the SIPREC media fork (RFC 7866 §8).
   * The copy leaves from the leg's own RTP socket. null stops it.
   */
  setFork(i: number, target: ForkTarget): void {
    this.forks[i] = target;
  }

  /** Applies SDP for either leg (every offer/answer, hold included). */
  update(legs: { a?: Partial<LegMedia>; b?: Partial<LegMedia> }, nowMs: number): void {
    const before = this.onHold;
    if (legs.a) this.applyLeg(0, legs.a);
    if (legs.b) this.applyLeg(1, legs.b);
    if (!this.timing && this.legs[0].remoteAddress !== null && this.legs[1].remoteAddress !== null) {
      this.timing = true;
      this.lastRtpMs = nowMs;
    }
    // Coming off hold restarts the clock: nobody was expected to send meanwhile.
    if (before && !this.onHold) this.lastRtpMs = nowMs;
  }

  private applyLeg(i: number, m: Partial<LegMedia>): void {
    const leg = this.legs[i]!;
    const law = leg.law;
    leg.apply(m);
    if (leg.mohOn && leg.law !== law) leg.moh = this.hooks.moh(leg.law);
  }

  /**
   * Plays `source` (prompts, IVR) to leg `i` instead of the other leg's audio; when it ends
   * `prompt-finished` with `playId` is reported and silence follows. Replaces music or an
   * earlier prompt; setMusicOnHold ends it.
   */
  play(i: number, source: FrameSource, playId: number): void {
    const leg = this.legs[i]!;
    leg.mohOn = true;
    leg.moh = source;
    leg.playId = playId;
    leg.genMarker = true;
  }

  /** Starts or stops music on hold towards leg `i` (a prompt playing there is cut). */
  setMusicOnHold(i: number, on: boolean, nowMs: number): void {
    const leg = this.legs[i]!;
    if (leg.mohOn === on && leg.playId === 0) return;
    leg.playId = 0;
    leg.mohOn = on;
    leg.moh = on ? this.hooks.moh(leg.law) : null;
    leg.genMarker = true;
    if (!on) this.lastRtpMs = nowMs;
  }

  /** A leg is on hold or inactive, or hears music: silence is expected then. */
  get onHold(): boolean {
    const [a, b] = this.legs;
    return a.direction !== 'sendrecv' || b.direction !== 'sendrecv' || a.mohOn || b.mohOn;
  }

  /** One RTP datagram from leg `from` (0/1) that came from `address`:`port`. */
  onRtp(from: number, buf: Buffer, address: string, port: number, nowMs: number): void {
    const words = this.words;
    const src = this.legs[from]!;
    const dst = this.legs[from ^ 1]!;
    const so = src.words;
    words[so + L_IN]++;
    words[so + L_BYTES] += buf.length;
    if (buf.length > RELAY_MAX_PACKET_BYTES || parseRtp(buf, pkt) !== pkt || !src.rtpLatch.accept(address, port, nowMs)) {
      words[H_DROPPED]++;
      return;
    }
    if (src.rtpLatch.moves !== src.rtpMovesSeen) this.noteLatch(src, false);
    this.lastRtpMs = nowMs;
    this.timeoutReported = false;
    const st = src.stats;
    st.update(pkt.sequenceNumber, pkt.timestamp, nowMs);
    const expected = st.expected;
    const lost = st.lost;
    words[so + L_LOST] = lost;
    words[so + L_LOSS] = expected > 0 && lost > 0 ? lost / expected : 0;
    words[so + L_JITTER] = st.jitterMs;
    words[so + L_LAST] = this.hooks.epochMs(nowMs);

    const fork = this.forks[from];
    if (fork !== null && pkt.payloadType === src.payloadType) {
      // A copy, as received: dgram sends asynchronously and the packet is transcoded and
      // re-typed in place below. The one allocation on this path, for recorded calls only.
      const copy = Buffer.allocUnsafe(buf.length);
      buf.copy(copy);
      if (fork.law !== undefined && fork.law !== src.law) {
        const table = src.law === 'PCMU' ? ULAW_TO_ALAW : ALAW_TO_ULAW;
        const end = pkt.payloadOffset + pkt.payloadLength;
        for (let i = pkt.payloadOffset; i < end; i++) copy[i] = table[copy[i]!]!;
      }
      if (fork.payloadType !== undefined) copy[1] = (copy[1]! & 0x80) | fork.payloadType;
      this.ports[from * 2]!.send(copy, 0, copy.length, fork.port, fork.address);
    }
    const pt = pkt.payloadType;
    if (pt === src.telephoneEventPt) {
      this.onTelephoneEvent(src, dst, buf, nowMs);
      return;
    }
    if (src.inbandWanted && src.telephoneEventPt < 0 && pt === src.payloadType) this.detectInband(src, buf);
    if (src.member !== null) {
      // In a mixing room: the audio goes to the mixer, which sends each member its mix.
      if (pt === src.payloadType && src.sends) src.member.push(pkt, nowMs);
      else words[H_DROPPED]++;
      return;
    }
    // The other leg is in a room without this one (an agent's held leg during a conference).
    if (dst.member !== null) {
      words[H_DROPPED]++;
      return;
    }
    // RFC 3264 §5.1: a recvonly/inactive leg should not send; what it sends anyway goes nowhere.
    if (pt !== src.payloadType || !src.sends || !dst.receives || dst.generating) {
      words[H_DROPPED]++;
      return;
    }
    if (src.law !== dst.law) {
      const table = src.law === 'PCMU' ? ULAW_TO_ALAW : ALAW_TO_ULAW;
      const end = pkt.payloadOffset + pkt.payloadLength;
      for (let i = pkt.payloadOffset; i < end; i++) buf[i] = table[buf[i]!]!;
      words[H_TRANSCODED]++;
    }
    buf[1] = (buf[1]! & 0x80) | dst.payloadType;
    this.sendRtp(dst, buf, buf.length);
  }

  private onTelephoneEvent(src: RelayLeg, dst: RelayLeg, buf: Buffer, nowMs: number): void {
    const words = this.words;
    if (pkt.payloadLength < TELEPHONE_EVENT_SIZE) {
      words[H_DROPPED]++;
      return;
    }
    src.lastEventMs = nowMs;
    const te = parseTelephoneEvent(buf, pkt.payloadOffset, src.teParsed);
    const tin = src.teIn;
    tin.timestamp = pkt.timestamp;
    tin.marker = pkt.marker;
    tin.event = te.event;
    tin.end = te.end;
    tin.volume = te.volume;
    tin.duration = te.duration;
    const evs = src.dtmfIn.receive(tin);
    if (evs.length > 0) this.onDigits(src, dst, evs, nowMs);
    // Digits of a leg in a mixing room are reported, never forwarded: the room has no single other leg.
    if (!src.sends || !dst.receives || src.member !== null || dst.member !== null) {
      words[H_DROPPED]++;
      return;
    }
    if (dst.telephoneEventPt >= 0) {
      if (dst.generating && dst.mohOn) {
        words[H_DROPPED]++;
        return;
      }
      buf[1] = (buf[1]! & 0x80) | dst.telephoneEventPt;
      this.sendRtp(dst, buf, buf.length);
      return;
    }
    // The other leg lacks telephone-event: the digit becomes audio (onDigits started it).
  }

  /** Asks for digits sent as audio on leg `i` (IVR); they are reported like RFC 4733 ones. */
  detectInbandDtmf(i: number, on: boolean): void {
    const leg = this.legs[i]!;
    leg.inbandWanted = on;
    if (on && leg.inband === null) leg.inband = new DtmfDetector();
  }

  /** Runs the in-band detector over one packet's audio, in whole 20 ms blocks (no allocation). */
  private detectInband(src: RelayLeg, buf: Buffer): void {
    const dec = src.law === 'PCMU' ? ULAW_DECODE : ALAW_DECODE;
    const pcm = src.inbandPcm;
    const end = pkt.payloadOffset + pkt.payloadLength;
    for (let i = pkt.payloadOffset; i < end; i++) {
      pcm[src.inbandFill++] = dec[buf[i]!]!;
      if (src.inbandFill < pcm.length) continue;
      src.inbandFill = 0;
      const evs = src.inband!.process(pcm);
      for (const ev of evs) {
        if (ev.type === 'end') this.hooks.event({ type: 'dtmf', sessionId: this.id, leg: src.name, digit: ev.digit, durationMs: Math.round(ev.durationSamples / 8) });
      }
    }
  }

  private onDigits(src: RelayLeg, dst: RelayLeg, evs: readonly ReceivedTelephoneEvent[], nowMs: number): void {
    for (const ev of evs) {
      if (ev.digit === null) continue;
      if (ev.type === 'begin') {
        if (dst.telephoneEventPt < 0 && src.sends && dst.receives && !dst.mohOn && src.member === null && dst.member === null) this.beginInjection(dst, ev.digit, nowMs);
      } else {
        this.hooks.event({ type: 'dtmf', sessionId: this.id, leg: src.name, digit: ev.digit, durationMs: Math.round(ev.duration / 8) });
        if (dst.injectPhase === 1) {
          dst.injectPhase = 2;
          dst.injectLeft = Math.max(ev.duration, MIN_TONE_SAMPLES) - dst.injectDone;
        }
      }
    }
  }

  private beginInjection(dst: RelayLeg, digit: string, nowMs: number): void {
    if (dst.dtmfOut === null) dst.dtmfOut = new DtmfGenerator();
    dst.dtmfOut.clear();
    // Open-ended tone: cut when the event's end gives the real duration.
    dst.dtmfOut.enqueue(digit, { toneMs: MAX_INJECT_MS, pauseMs: 0 });
    dst.injectPhase = 1;
    dst.injectDone = 0;
    dst.injectLeft = 0;
    dst.injectSinceMs = nowMs;
    dst.genMarker = true;
  }

  /** One RTCP datagram from leg `from`: relayed as is to the other leg's RTCP (RFC 3550 §6). */
  onRtcp(from: number, buf: Buffer, address: string, port: number, nowMs: number): void {
    const src = this.legs[from]!;
    const dst = this.legs[from ^ 1]!;
    if (buf.length < RTCP_MIN_BYTES || buf.length > RELAY_MAX_PACKET_BYTES || buf[0]! >> 6 !== 2 || !src.rtcpLatch.accept(address, port, nowMs)) {
      this.words[H_DROPPED]++;
      return;
    }
    if (src.rtcpLatch.moves !== src.rtcpMovesSeen) this.noteLatch(src, true);
    const latch = dst.rtcpLatch;
    if (!latch.destination(dst.remoteAddress, dst.remoteRtcpPort)) {
      this.words[H_DROPPED]++;
      return;
    }
    this.ports[(from ^ 1) * 2 + 1]!.send(buf, 0, buf.length, latch.sendPort, latch.sendAddress);
    this.words[H_RELAYED]++;
  }

  private noteLatch(leg: RelayLeg, rtcp: boolean): void {
    const l = rtcp ? leg.rtcpLatch : leg.rtpLatch;
    if (rtcp) leg.rtcpMovesSeen = l.moves;
    else leg.rtpMovesSeen = l.moves;
    this.hooks.latched(this.id, leg.name, rtcp, `${l.address}:${l.port}`);
  }

  /** Sends on leg `dst`'s RTP socket to its SDP address, or to its latched source when NAT is evident. */
  private sendRtp(dst: RelayLeg, buf: Buffer, length: number): boolean {
    const latch = dst.rtpLatch;
    if (!latch.destination(dst.remoteAddress, dst.remoteRtpPort)) {
      this.words[H_DROPPED]++;
      return false;
    }
    this.ports[dst === this.legs[0] ? 0 : 2]!.send(buf, 0, length, latch.sendPort, latch.sendAddress);
    this.words[dst.words + L_OUT]++;
    this.words[H_RELAYED]++;
    return true;
  }

  /**
   * Called every 20 ms frame by the worker: produces music-on-hold and in-band DTMF
   * frames, closes stale events and checks the media timeout.
   */
  tick(nowMs: number): void {
    for (let i = 0; i < 2; i++) {
      const leg = this.legs[i]!;
      const other = this.legs[i ^ 1]!;
      if (other.dtmfIn.inEvent && nowMs - other.lastEventMs > EVENT_STALE_MS) {
        // Every end packet was lost: close the event at a timestamp past its timeout.
        const evs = other.dtmfIn.expire((other.teIn.timestamp + other.teIn.duration + 0x7fff0000) >>> 0);
        if (evs.length > 0) this.onDigits(other, leg, evs, nowMs);
      }
      if (leg.generating) this.generate(leg, nowMs);
    }
    if (this.timing && !this.timeoutReported && !this.onHold && nowMs - this.lastRtpMs >= this.mediaTimeoutMs) {
      this.timeoutReported = true;
      this.hooks.event({ type: 'media-timeout', sessionId: this.id, silentForMs: Math.round(nowMs - this.lastRtpMs) });
    }
  }

  private generate(leg: RelayLeg, nowMs: number): void {
    const frame = leg.genBuf;
    const enc = leg.law === 'PCMU' ? ULAW_ENCODE : ALAW_ENCODE;
    if (leg.injectPhase !== 0) {
      if (leg.injectPhase === 3) {
        frame.fill(enc[0]!, RTP_HEADER_BYTES);
        if (--leg.injectLeft <= 0) leg.stopInjection();
      } else {
        const pcm = leg.pcm;
        leg.dtmfOut!.fill(pcm);
        let n = FRAME_SAMPLES;
        if (leg.injectPhase === 2) {
          if (leg.injectLeft < n) n = leg.injectLeft > 0 ? leg.injectLeft : 0;
          leg.injectLeft -= FRAME_SAMPLES;
        } else if (nowMs - leg.injectSinceMs > MAX_INJECT_MS) {
          leg.injectPhase = 2;
          leg.injectLeft = 0;
          n = 0;
        }
        for (let s = 0; s < FRAME_SAMPLES; s++) frame[RTP_HEADER_BYTES + s] = enc[s < n ? pcm[s]! & 0xffff : 0]!;
        leg.injectDone += n;
        if (leg.injectPhase === 2 && leg.injectLeft <= 0) {
          leg.dtmfOut!.clear();
          leg.injectPhase = 3;
          leg.injectLeft = GAP_FRAMES;
        }
      }
    } else {
      const f = leg.moh?.next() ?? null;
      if (f === null) {
        frame.fill(enc[0]!, RTP_HEADER_BYTES);
        if (leg.playId !== 0) {
          const playId = leg.playId;
          leg.playId = 0;
          leg.moh = null;
          this.hooks.event({ type: 'prompt-finished', sessionId: this.id, leg: leg.name, playId });
        }
      } else f.copy(frame, RTP_HEADER_BYTES, 0, FRAME_SAMPLES);
    }
    this.sendGenerated(leg);
  }

  /** Sends one mixed frame of a room (relay-room.ts) to `leg`, in its law, on its generated stream. */
  sendMixed(leg: RelayLeg, pcm: Int16Array): void {
    const frame = leg.genBuf;
    const enc = leg.law === 'PCMU' ? ULAW_ENCODE : ALAW_ENCODE;
    for (let s = 0; s < FRAME_SAMPLES; s++) frame[RTP_HEADER_BYTES + s] = enc[pcm[s]! & 0xffff]!;
    this.sendGenerated(leg);
  }

  /** Writes the generated stream's header over `leg.genBuf` (payload already in place) and sends it. */
  private sendGenerated(leg: RelayLeg): void {
    const frame = leg.genBuf;
    if (!leg.receives) return;
    const h = genHeader;
    h.marker = leg.genMarker;
    h.payloadType = leg.payloadType;
    h.sequenceNumber = leg.genSeq;
    h.timestamp = leg.genTs;
    h.ssrc = leg.genSsrc;
    writeRtpHeader(frame, 0, h);
    // The generated stream is continuous whether or not a packet could be sent.
    leg.genSeq = (leg.genSeq + 1) & 0xffff;
    leg.genTs = (leg.genTs + FRAME_SAMPLES) >>> 0;
    if (this.sendRtp(leg, frame, frame.length)) leg.genMarker = false;
  }
}

// Header fields of generated packets, reused (one thread, one packet at a time).
const genHeader = { marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0 };
