// A mixing room in a relay worker: legs of one or more sessions whose audio is mixed
// instead of forwarded leg to leg (issue 6: supervisor listen/whisper/barge, conferences).
// Each member's RTP goes into its own jitter buffer as it arrives; on the worker's 20 ms
// clock every member's frame is taken out, decoded and given to media's ConferenceMixer
// (N-1 mixing, roles listen/whisper/barge/muted), and each member is sent its mix in its
// own law on the relay's generated stream. No sockets or timers here (STYLE.md habit 4):
// the session that owns a leg sends for it.
import {
  ALAW_DECODE, ConferenceMixer, JitterBuffer, ULAW_DECODE, type JitterPacketInfo, type MixerRole,
} from '@hotline/media';
import { FRAME_SAMPLES, type RelayLeg } from './relay-leg.ts';

/** What a room needs of the session owning a member leg: sending one mixed frame to that leg. */
export interface MixedFrameSink {
  /** Encodes `pcm` (160 samples) in the leg's law and sends it on the leg's generated stream. */
  sendMixed(leg: RelayLeg, pcm: Int16Array): void;
}

/** One leg taking part in a room. */
export class RoomMember {
  /** Role in the mix (see media's conference-mixer.ts). */
  role: MixerRole = 'member';
  /** The member a whisperer speaks to. */
  target: RoomMember | undefined;
  private jitter: JitterBuffer;
  private law: RelayLeg['law'];
  private readonly pcm = new Int16Array(FRAME_SAMPLES);

  /** Creates the member for `leg` of session `sessionId`, sending through `sink`. */
  constructor(readonly room: RelayRoom, readonly sessionId: string, readonly leg: RelayLeg, readonly sink: MixedFrameSink) {
    this.law = leg.law;
    this.jitter = newJitter(leg.law);
  }

  /** One audio packet from the leg (already parsed and checked by the session). */
  push(pkt: JitterPacketInfo, nowMs: number): void {
    if (this.leg.law !== this.law) {
      // A re-INVITE changed the leg's law: what is buffered is in the old one.
      this.law = this.leg.law;
      this.jitter = newJitter(this.law);
    }
    this.jitter.push(pkt, nowMs);
  }

  /** Takes this tick's frame out of the jitter buffer as linear PCM; null when there is none to play. */
  frame(nowMs: number): Int16Array | null {
    const out = this.jitter.pop(nowMs);
    if (out.kind !== 'frame' && out.kind !== 'concealed') return null;
    const dec = this.law === 'PCMU' ? ULAW_DECODE : ALAW_DECODE;
    const f = out.frame;
    const pcm = this.pcm;
    for (let i = 0; i < FRAME_SAMPLES; i++) pcm[i] = dec[f[i]!]!;
    return pcm;
  }
}

function newJitter(law: RelayLeg['law']): JitterBuffer {
  return new JitterBuffer({ law: law === 'PCMU' ? 'pcmu' : 'pcma', frameBytes: FRAME_SAMPLES });
}

/** A room: its members and their mixer. */
export class RelayRoom {
  private readonly mixer = new ConferenceMixer<RoomMember>();
  private readonly members: RoomMember[] = [];

  /** Creates an empty room. */
  constructor(readonly id: string) {}

  /** Number of members. */
  get size(): number {
    return this.members.length;
  }

  /**
   * Puts `leg` in the room with `role` (a whisperer speaks to `target`), or changes its role
   * when it is already in. A leg can be in one room at a time: it is taken out of any other.
   */
  join(sessionId: string, leg: RelayLeg, sink: MixedFrameSink, role: MixerRole, target?: RelayLeg): RoomMember {
    if (leg.member !== null && leg.member.room !== this) leg.member.room.leave(leg);
    let m = leg.member;
    if (m === null) {
      m = new RoomMember(this, sessionId, leg, sink);
      this.members.push(m);
      leg.member = m;
      leg.genMarker = true;
    }
    const to = target?.member?.room === this ? target.member : undefined;
    // A whisper without a target in the room cannot be heard by anyone: it is muted.
    m.role = role === 'whisper' && to === undefined ? 'muted' : role;
    m.target = to;
    this.mixer.setParty(m, m.role, m.role === 'whisper' ? to : undefined);
    return m;
  }

  /** Takes `leg` out of the room; whispers aimed at it fall silent. The leg is forwarded again. */
  leave(leg: RelayLeg): void {
    const m = leg.member;
    if (m === null || m.room !== this) return;
    leg.member = null;
    leg.genMarker = true;
    this.members.splice(this.members.indexOf(m), 1);
    this.mixer.removeParty(m);
    for (const other of this.members) {
      if (other.target === m) {
        other.target = undefined;
        other.role = 'muted';
        this.mixer.setParty(other, 'muted');
      }
    }
  }

  /** Takes every leg of session `sessionId` out (the session is being released). */
  leaveSession(sessionId: string): void {
    for (const m of [...this.members]) if (m.sessionId === sessionId) this.leave(m.leg);
  }

  /**
   * One 20 ms frame: each member's frame into the mixer, the mix out to each member that
   * receives. A leg hearing music on hold or an in-band digit keeps that instead.
   */
  tick(nowMs: number): void {
    const list = this.members;
    for (let i = 0; i < list.length; i++) {
      const m = list[i]!;
      const pcm = m.leg.sends ? m.frame(nowMs) : null;
      if (pcm !== null) this.mixer.put(m, pcm);
    }
    const outs = this.mixer.mix();
    for (let i = 0; i < list.length; i++) {
      const m = list[i]!;
      if (!m.leg.receives || m.leg.generating) continue;
      m.sink.sendMixed(m.leg, outs.get(m)!);
    }
  }
}
