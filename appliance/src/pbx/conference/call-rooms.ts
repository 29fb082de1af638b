// Mixing rooms over calls (issue 6): which legs of which calls are mixed together in the
// media relay, and in what role. A supervised call and a conference are both a room; the
// relay does the mixing (media-relay/relay-room.ts), this keeps the PBX's picture of it and
// sends the relay its orders. A call's legs are in at most one room.
import type { Call, Leg } from '../call.ts';
import type { MediaMixer, MixRole } from '../media-anchor.ts';

/**
 * What a room needs of a call: a B2BUA `Call`, or a line the PBX placed itself (a supervisor's
 * phone called from the wallboard, supervision/supervisor-line.ts).
 */
export type RoomCall = Pick<Call, 'callId' | 'state' | 'mixing' | 'hangup'> & {
  readonly media: { readonly session: { sessionId: string } | undefined };
  /** The leg's dialog while it is up (truthy), else undefined. */
  dialogOf(leg: Leg): object | undefined;
};

/** Why a room exists: a supervisor joined an agent's call, or an agent merged calls. */
export type RoomKind = 'supervision' | 'conference';

/** One leg of a call in a room. */
export interface RoomParty {
  call: RoomCall;
  leg: Leg;
  role: MixRole;
}

/** A room: its parties, in the order they joined. */
export class CallRoom {
  /** Legs in the mix. */
  readonly parties: RoomParty[] = [];

  /** Creates an empty room; `id` names it in the relay. */
  constructor(readonly id: string, public kind: RoomKind) {}

  /** The party of `call`'s `leg`, if it is in. */
  party(call: RoomCall, leg: Leg): RoomParty | undefined {
    return this.parties.find((p) => p.call === call && p.leg === leg);
  }

  /** Calls with at least one leg in the room. */
  calls(): RoomCall[] {
    return [...new Set(this.parties.map((p) => p.call))];
  }
}

/** The rooms of the PBX. Relay errors (MediaRelayError 'cross-worker') propagate to the caller. */
export class CallRooms {
  private readonly byCall = new Map<RoomCall, CallRoom>();
  private nextId = 1;

  constructor(private readonly media: MediaMixer) {}

  /** The room `call`'s legs are in. */
  roomOf(call: RoomCall): CallRoom | undefined {
    return this.byCall.get(call);
  }

  /** A new empty room. */
  open(kind: RoomKind, label: string): CallRoom {
    return new CallRoom(`${kind}:${label}#${this.nextId++}`, kind);
  }

  /**
   * Puts `call`'s `leg` into `room` with `role`, or changes its role; a whisperer speaks to
   * `whisperTo`. A call already in another room cannot join this one (RangeError).
   */
  put(room: CallRoom, call: RoomCall, leg: Leg, role: MixRole, whisperTo?: { call: RoomCall; leg: Leg }): void {
    const session = call.media.session;
    if (!session) throw new RangeError(`call ${call.callId} has no media session`);
    const other = this.byCall.get(call);
    if (other && other !== room) throw new RangeError(`call ${call.callId} is already in ${other.id}`);
    const target = whisperTo?.call.media.session ? { sessionId: whisperTo.call.media.session.sessionId, leg: whisperTo.leg } : undefined;
    this.media.mix(room.id, session.sessionId, leg, role, target);
    const p = room.party(call, leg);
    if (p) p.role = role;
    else room.parties.push({ call, leg, role });
    this.byCall.set(call, room);
  }

  /** Takes `call`'s `leg` out of its room (forwarded leg to leg again); the room keeps the call while its other leg is in. */
  remove(call: RoomCall, leg: Leg): void {
    const room = this.byCall.get(call);
    const p = room?.party(call, leg);
    if (!room || !p) return;
    room.parties.splice(room.parties.indexOf(p), 1);
    const session = call.media.session;
    // An ended call's relay session is being released, and the relay drops its legs itself.
    if (session && call.state !== 'ended') this.media.mix(room.id, session.sessionId, leg, null);
    if (!room.parties.some((q) => q.call === call)) this.byCall.delete(call);
  }

  /** Every leg out: the room is gone and each call is forwarded leg to leg again. */
  close(room: CallRoom): void {
    for (const p of [...room.parties]) this.remove(p.call, p.leg);
  }
}
