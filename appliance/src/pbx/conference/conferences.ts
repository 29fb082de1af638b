// Three-party and N-party conferences (issue 6). An agent talks to a caller, puts it on hold
// and calls someone else from its phone (a consult call); the merge command (CTI) puts the far
// party of every answered call of the agent's extension, and the agent itself, into one mixing
// room in the relay. Another consult call and another merge add one more party. The agent's
// phone keeps one dialog per call: the newest one carries its voice, the older ones are parked
// (not mixed; the phone holds them anyway). When the agent leaves (hangs up its active dialog,
// or the leave command) its parked dialogs are hung up too and the others go on talking; when
// fewer than two parties remain the room ends and the last party is hung up.
import { moduleLogger } from '../../log.ts';
import type { Clock } from '../../sip/clock.ts';
import type { Call, CallMixing, Leg } from '../call.ts';
import type { CtiEvent } from '../call-center/cti-events.ts';
import type { CallRoom, CallRooms } from './call-rooms.ts';

const log = moduleLogger('pbx.conference');

/** What the conferences need of the call center and the B2BUA. */
export interface ConferenceDeps {
  rooms: CallRooms;
  clock: Clock;
  /** The extension an agent is logged in on. */
  extensionOf(agent: string): string | undefined;
  /** The queue call an agent is talking on (its agent is leg b). */
  connectedCallOf(agent: string): Call | undefined;
  /** Answered calls an extension takes part in, oldest first. */
  callsOf(extension: string): Call[];
  publish(e: CtiEvent): void;
}

interface Conference {
  room: CallRoom;
  agent: string;
  extension: string;
  /** The agent's dialogs: each call and the leg the agent's phone is on. The last is the one mixed. */
  agentLegs: Array<{ call: Call; leg: Leg }>;
}

const other = (leg: Leg): Leg => (leg === 'a' ? 'b' : 'a');

/** The conferences of the PBX; see the file comment. */
export class Conferences implements CallMixing {
  private readonly byRoom = new Map<CallRoom, Conference>();
  readonly counters = { merged: 0, partiesLeft: 0, ended: 0 };

  constructor(private readonly deps: ConferenceDeps) {}

  /**
   * Merges the agent's answered calls into one conference (or adds the new ones to the
   * conference it already leads). Throws RangeError when the agent is not logged in, has
   * fewer than two calls, or a call is in another room (supervised).
   */
  merge(agent: string): { room: string; parties: string[] } {
    const ext = this.deps.extensionOf(agent);
    if (ext === undefined) throw new RangeError(`agent ${agent} is not logged in`);
    // A queue call's callee is the number the caller dialled, not the agent: it is found through the call center.
    const queued = this.deps.connectedCallOf(agent);
    const calls = [...new Set([...(queued ? [queued] : []), ...this.deps.callsOf(ext)])];
    const supervised = calls.find((c) => { const r = this.deps.rooms.roomOf(c); return r !== undefined && !this.byRoom.has(r); });
    if (supervised) throw new RangeError(`call ${supervised.callId} of agent ${agent} is being supervised; merge after the supervisor has left`);
    const existing = calls.map((c) => this.deps.rooms.roomOf(c)).find((r) => r !== undefined && this.byRoom.has(r));
    const fresh = calls.filter((c) => this.deps.rooms.roomOf(c) === undefined);
    if (existing === undefined && fresh.length < 2) throw new RangeError(`agent ${agent} has ${calls.length} answered call(s); a merge needs a call and a consult call`);
    if (existing !== undefined && fresh.length === 0) throw new RangeError(`agent ${agent} has no new call to add to the conference`);
    const conf = existing ? this.byRoom.get(existing)! : { room: this.deps.rooms.open('conference', agent), agent, extension: ext, agentLegs: [] };
    const now = this.deps.clock.now();
    for (const call of fresh) {
      const agentLeg = this.agentLegOf(call, agent, ext);
      this.deps.rooms.put(conf.room, call, other(agentLeg), 'member');
      call.mixing = this;
      conf.agentLegs.push({ call, leg: agentLeg });
      if (existing) this.deps.publish({ type: 'ConferencePartyJoined', at: now, room: conf.room.id, agent, party: call.partyOn(other(agentLeg)) });
    }
    // The agent's voice comes from its newest dialog; the older ones are parked out of the mix.
    for (const l of conf.agentLegs.slice(0, -1)) this.deps.rooms.remove(l.call, l.leg);
    const active = conf.agentLegs.at(-1)!;
    this.deps.rooms.put(conf.room, active.call, active.leg, 'member');
    this.byRoom.set(conf.room, conf);
    this.counters.merged++;
    const parties = [ext, ...conf.agentLegs.map((l) => l.call.partyOn(other(l.leg)))];
    if (!existing) this.deps.publish({ type: 'ConferenceStarted', at: now, room: conf.room.id, agent, parties });
    log.info({ room: conf.room.id, agent, parties: parties.length }, existing ? 'parties added to the conference' : 'conference started');
    return { room: conf.room.id, parties };
  }

  /** The agent leaves its conference: its dialogs are hung up, the others go on. Throws RangeError when it leads none. */
  leave(agent: string): void {
    // A conference the agent already left goes on without it: there is nothing more to leave.
    const conf = [...this.byRoom.values()].find((c) => c.agent === agent && c.agentLegs.length > 0);
    if (!conf) throw new RangeError(`agent ${agent} is in no conference`);
    this.agentGone(conf);
    for (const l of conf.agentLegs) if (l.call.state === 'answered') l.call.dropLeg(l.leg);
    conf.agentLegs = [];
    queueMicrotask(() => this.sweep(conf));
  }

  /** Call hook: a party hung up. True when its call stays up for the other leg, still in the room. */
  partyLeft(call: Call, leg: Leg): boolean {
    const room = this.deps.rooms.roomOf(call);
    const conf = room && this.byRoom.get(room);
    if (!conf) return false;
    const isAgent = conf.agentLegs.some((l) => l.call === call && l.leg === leg);
    if (isAgent) {
      // The agent hung up one of its dialogs: leaving from the active one ends its part in the conference.
      const active = conf.agentLegs.at(-1)!;
      conf.agentLegs = conf.agentLegs.filter((l) => !(l.call === call && l.leg === leg));
      if (active.call === call && active.leg === leg) {
        this.agentGone(conf);
        for (const l of conf.agentLegs) if (l.call.state === 'answered') l.call.dropLeg(l.leg);
        conf.agentLegs = [];
      }
    } else {
      this.deps.publish({ type: 'ConferencePartyLeft', at: this.deps.clock.now(), room: conf.room.id, agent: conf.agent, party: call.partyOn(leg) });
    }
    this.counters.partiesLeft++;
    this.deps.rooms.remove(call, leg);
    const stays = this.talkers(conf) >= 2 && conf.room.party(call, other(leg)) !== undefined;
    queueMicrotask(() => this.sweep(conf));
    return stays;
  }

  /** A call ended: its legs leave the room. */
  ended(call: Call): void {
    const room = this.deps.rooms.roomOf(call);
    const conf = room && this.byRoom.get(room);
    if (!conf) return;
    for (const p of conf.room.parties.filter((q) => q.call === call)) this.deps.rooms.remove(call, p.leg);
    conf.agentLegs = conf.agentLegs.filter((l) => l.call !== call);
    this.sweep(conf);
  }

  /** Ends calls left with nobody in the room, and the room itself when fewer than two parties remain. */
  private sweep(conf: Conference): void {
    if (!this.byRoom.has(conf.room)) return;
    const room = conf.room;
    if (this.talkers(conf) < 2) {
      this.byRoom.delete(room);
      this.counters.ended++;
      const calls = room.calls();
      this.deps.rooms.close(room);
      for (const c of calls) c.hangup('system', 'conference-ended');
      for (const l of conf.agentLegs) l.call.hangup('system', 'conference-ended');
      this.deps.publish({ type: 'ConferenceEnded', at: this.deps.clock.now(), room: room.id, agent: conf.agent });
      log.info({ room: room.id }, 'conference ended');
      return;
    }
    for (const c of room.calls()) {
      if (c.state !== 'answered') continue;
      // A call whose only leg in the room is gone: nothing is left of it.
      if (!(['a', 'b'] as const).some((leg) => room.party(c, leg) && c.dialogOf(leg))) c.hangup('system', 'conference-left');
    }
  }

  /** Parties of the conference's own calls: a supervisor listening in does not keep a room alive. */
  private talkers(conf: Conference): number {
    return conf.room.parties.filter((p) => p.call.mixing === this).length;
  }

  private agentGone(conf: Conference): void {
    this.deps.publish({ type: 'ConferencePartyLeft', at: this.deps.clock.now(), room: conf.room.id, agent: conf.agent, party: conf.extension });
    for (const l of conf.agentLegs) this.deps.rooms.remove(l.call, l.leg);
  }

  /** The leg the agent's phone is on: b of its queue call, else the leg whose party is its extension. */
  private agentLegOf(call: Call, agent: string, ext: string): Leg {
    if (this.deps.connectedCallOf(agent) === call) return 'b';
    return call.partyOn('a') === ext ? 'a' : 'b';
  }

  /** Conferences now (status). */
  get size(): number {
    return this.byRoom.size;
  }
}
