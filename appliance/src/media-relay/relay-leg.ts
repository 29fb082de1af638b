// State of one leg of a relayed call: what SDP agreed with it, where its packets
// come from (latches), how its stream is doing (RFC 3550 A.1/A.8 receive stats), its
// RFC 4733 receiver, and the relay's own generated stream towards it (music on hold,
// in-band DTMF). Everything is preallocated when the leg is created.
import {
  DtmfDetector, DtmfGenerator, RtpReceiveStats, TelephoneEventReceiver, type FrameSource, type TelephoneEvent,
} from '@hotline/media';
import { SourceLatch } from './source-latch.ts';
import type { Direction, LegMedia, Law } from './types.ts';
import type { RoomMember } from './relay-room.ts';

/** Samples in one 20 ms G.711 frame (RFC 3551 §4.5.14, default ptime). */
export const FRAME_SAMPLES = 160;
/** RTP header bytes of the generated stream (no CSRC, no extension). */
const GEN_HEADER = 12;

/** Mutable RFC 4733 packet fields handed to the receiver, reused for every packet. */
interface TelephoneEventIn {
  timestamp: number;
  marker: boolean;
  event: number;
  end: boolean;
  volume: number;
  duration: number;
}

/** Where a leg sends to and receives from, and the relay's stream towards it. */
export class RelayLeg {
  /** 'a' or 'b', for events. */
  readonly name: 'a' | 'b';
  /** Law the leg speaks. */
  law: Law = 'PCMU';
  /** Audio payload type agreed with the leg. */
  payloadType = 0;
  /** telephone-event payload type, or -1 when the leg lacks it. */
  telephoneEventPt = -1;
  /** SDP direction. */
  direction: Direction = 'sendrecv';
  /** The leg sends media (sendrecv/sendonly), RFC 3264 §5.1. */
  sends = true;
  /** The leg receives media (sendrecv/recvonly). */
  receives = true;
  /** SDP address, null until known. */
  remoteAddress: string | null = null;
  /** SDP RTP port. */
  remoteRtpPort = 0;
  /** SDP RTCP port. */
  remoteRtcpPort = 0;
  /** Latch of the leg's RTP source. */
  readonly rtpLatch = new SourceLatch();
  /** Latch of the leg's RTCP source. */
  readonly rtcpLatch = new SourceLatch();
  /** `rtpLatch.moves` already reported to the main thread. */
  rtpMovesSeen = 0;
  /** `rtcpLatch.moves` already reported to the main thread. */
  rtcpMovesSeen = 0;
  /** Reception statistics of the leg's stream. */
  stats = new RtpReceiveStats(8000);
  /** RFC 4733 receiver for digits the leg sends. */
  readonly dtmfIn = new TelephoneEventReceiver();
  /** Reused packet view for the receiver. */
  readonly teIn: TelephoneEventIn = { timestamp: 0, marker: false, event: 0, end: false, volume: 0, duration: 0 };
  /** Reused parse target for the event payload. */
  readonly teParsed: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };
  /** Monotonic ms of the last telephone-event packet from the leg. */
  lastEventMs = 0;
  /** Word offset of this leg's figures in the shared statistics memory. */
  readonly words: number;

  /** The mixing room this leg is in (relay-room.ts): its audio is mixed, not forwarded. */
  member: RoomMember | null = null;

  /** Music on hold plays to this leg instead of the other leg's audio. */
  mohOn = false;
  /** Frame source of the music, in this leg's law. */
  moh: FrameSource | null = null;
  /** Nonzero while `moh` is a prompt the PBX asked for (IVR): reported as finished when it ends. */
  playId = 0;
  /** The PBX wants this leg's digits even when they come as audio (IVR); detection runs only while the leg lacks telephone-event. */
  inbandWanted = false;
  /** In-band detector over the leg's received audio, created when first needed. */
  inband: DtmfDetector | null = null;
  /** Linear samples waiting for a full 20 ms block of the detector. */
  readonly inbandPcm = new Int16Array(FRAME_SAMPLES);
  inbandFill = 0;
  /** In-band DTMF generator for digits translated into this leg's audio. */
  dtmfOut: DtmfGenerator | null = null;
  /** In-band injection phase: 0 off, 1 tone until the digit ends, 2 tone for `injectLeft` samples, 3 silent gap. */
  injectPhase = 0;
  /** Samples of tone still due in phase 2, frames of gap in phase 3. */
  injectLeft = 0;
  /** Tone samples generated for the current digit. */
  injectDone = 0;
  /** Monotonic ms the current injection began (a guard against an event that never ends). */
  injectSinceMs = 0;

  /** SSRC of the relay's own stream towards this leg. */
  readonly genSsrc: number;
  /** Next sequence number of that stream. */
  genSeq: number;
  /** Next timestamp of that stream. */
  genTs: number;
  /** Marker for the next generated packet (start of a talkspurt, RFC 3551 §4.1). */
  genMarker = true;
  /** Packet buffer of the generated stream, reused every 20 ms. */
  readonly genBuf = Buffer.alloc(GEN_HEADER + FRAME_SAMPLES);
  /** Linear samples for the DTMF generator. */
  readonly pcm = new Int16Array(FRAME_SAMPLES);

  /** Creates a leg whose figures live at word `words` of the shared memory; `random` seeds the generated stream. */
  constructor(name: 'a' | 'b', words: number, random: () => number) {
    this.name = name;
    this.words = words;
    // RFC 3550 §5.1: SSRC, initial sequence number and timestamp are random.
    this.genSsrc = Math.floor(random() * 0x100000000) >>> 0;
    this.genSeq = Math.floor(random() * 0x10000) & 0xffff;
    this.genTs = Math.floor(random() * 0x100000000) >>> 0;
  }

  /** Applies what SDP said; returns true when the remote endpoint moved (latches are reset then). */
  apply(m: Partial<LegMedia>): boolean {
    if (m.law !== undefined) this.law = m.law;
    if (m.payloadType !== undefined) this.payloadType = m.payloadType & 0x7f;
    if ('telephoneEventPt' in m) this.telephoneEventPt = m.telephoneEventPt === undefined ? -1 : m.telephoneEventPt & 0x7f;
    if (m.direction !== undefined) {
      this.direction = m.direction;
      this.sends = m.direction === 'sendrecv' || m.direction === 'sendonly';
      this.receives = m.direction === 'sendrecv' || m.direction === 'recvonly';
    }
    let moved = false;
    if (m.remote !== undefined) {
      const r = m.remote;
      moved = r.address !== this.remoteAddress || r.rtpPort !== this.remoteRtpPort || r.rtcpPort !== this.remoteRtcpPort;
      this.remoteAddress = r.address;
      this.remoteRtpPort = r.rtpPort;
      this.remoteRtcpPort = r.rtcpPort;
      if (moved) {
        // A new endpoint in SDP (transfer, re-INVITE to another phone): latch afresh.
        this.rtpLatch.reset();
        this.rtcpLatch.reset();
      }
    }
    return moved;
  }

  /** True while the relay's own stream replaces the forwarded audio towards this leg. */
  get generating(): boolean {
    return this.mohOn || this.injectPhase !== 0;
  }

  /** Stops any in-band digit towards this leg. */
  stopInjection(): void {
    this.injectPhase = 0;
    this.injectLeft = 0;
    this.injectDone = 0;
    this.dtmfOut?.clear();
  }
}
