// Supervisor features (issue 6): listen, whisper, barge, force release, force not ready and
// force logout. From a phone the supervisor dials *31–*36<agent> (dialplan/supervisor-codes.ts;
// only extensions in acd.supervisors, others get 403). Listen/whisper/barge answer the
// supervisor's call and put its leg into a mixing room with both legs of the agent's call
// (the relay mixes: media-relay/relay-room.ts). The call-control API switches the mode of a
// supervisor already listening, or — naming a supervisor that is not — has the PBX call that
// supervisor's phone and join it the same way (supervisor-lines.ts); it carries out the forcing
// actions directly. The forcing codes answer, confirm with a prompt and hang up.
import { AcdError } from '../../acd/index.ts';
import { ACD_SUPERVISOR_REASON } from '../../config/index.ts';
import type { SupervisorAction, SupervisorCode } from '../../dialplan/index.ts';
import { moduleLogger } from '../../log.ts';
import type { Clock } from '../../sip/clock.ts';
import type { Call, Leg } from '../call.ts';
import type { CtiEvent } from '../call-center/cti-events.ts';
import type { PromptSet } from '../call-center/prompt-set.ts';
import type { MediaEvent, PromptPlayer } from '../media-anchor.ts';
import type { CallRoom, CallRooms, RoomCall } from '../conference/call-rooms.ts';
import type { SupervisionMode } from './cti-events.ts';
import { SupervisorLines, type SupervisorLine, type SupervisorLineDeps } from './supervisor-lines.ts';

const log = moduleLogger('pbx.supervision');

/** What supervision needs of the call center, the B2BUA and the relay. */
export interface SupervisionDeps {
  rooms: CallRooms;
  media: PromptPlayer;
  prompts: PromptSet;
  clock: Clock;
  /** Extensions allowed to supervise (acd.supervisors, re-read on every request so a reload applies). */
  supervisors(): readonly string[];
  /** The call center's agent operations (CallCenter). Throw AcdError on refusal. */
  agents: {
    extensionOf(agent: string): string | undefined;
    connectedCallOf(agent: string): Call | undefined;
    setReady(agent: string, ready: boolean, reason?: string): void;
    logout(agent: string): void;
  };
  /** Answered calls an extension takes part in, oldest first (B2bua.answeredCallsOf). */
  callsOf(extension: string): Call[];
  publish(e: CtiEvent): void;
  /** How the PBX calls a supervisor's phone (API-started listen); without it only phones start supervision. */
  lines?: Omit<SupervisorLineDeps, 'clock' | 'callsOf' | 'publish'>;
}

/** A supervisor's call, from the feature code to its end. */
interface SupervisorCall {
  /** Its phone's call: dialled in (a B2BUA Call), or placed by the PBX (a SupervisorLine). */
  call: RoomCall;
  supervisor: string;
  /** Id of the confirmation prompt playing before the hang-up; 0 when none. */
  playId: number;
  /** Set while the supervisor is in an agent's call. */
  watching?: { agent: string; target: Call; room: CallRoom; mode: SupervisionMode };
}

const ROLE: Record<SupervisionMode, 'listen' | 'whisper' | 'barge'> = { listen: 'listen', whisper: 'whisper', barge: 'barge' };

/** The supervisor features; see the file comment. */
export class Supervision {
  private readonly byCall = new Map<RoomCall, SupervisorCall>();
  private readonly lines: SupervisorLines | undefined;
  private readonly bySession = new Map<string, SupervisorCall>();
  private nextPlayId = 1_000_000_000;
  readonly counters = { refused: 0, sessions: 0, forced: 0, failed: 0 };

  constructor(private readonly deps: SupervisionDeps) {
    this.lines = deps.lines && new SupervisorLines({ ...deps.lines, clock: deps.clock, callsOf: deps.callsOf, publish: deps.publish }, {
      answered: (line) => this.joinLine(line),
      ended: (line) => this.ended(line),
    });
  }

  /** A supervisor code dialled from a phone (the B2BUA handed over the call unanswered). */
  accept(call: Call, code: SupervisorCode): void {
    const supervisor = call.caller;
    if (!this.deps.supervisors().includes(supervisor)) {
      // RFC 3261 §21.4.4: understood, and refused; the phone shows or plays it as a failure.
      this.counters.refused++;
      log.info({ extension: supervisor, action: code.action }, 'supervisor code from an extension that is not a supervisor');
      call.refuse(403, 'Forbidden', 'not-a-supervisor');
      return;
    }
    const s: SupervisorCall = { call, supervisor, playId: 0 };
    this.byCall.set(call, s);
    void call.answerHere({ bridged: () => {}, ringFailed: () => {} }).then((ok) => {
      if (!ok || call.state === 'ended') return;
      this.bySession.set(call.media.session!.sessionId, s);
      try {
        if (code.action === 'listen' || code.action === 'whisper' || code.action === 'barge') {
          this.watch(s, code.agent, code.action);
          return;
        }
        this.force(code.agent, code.action, supervisor);
        this.confirmAndHangUp(s, code.action === 'release' ? 'goodbye' : code.action === 'logout' ? 'agent-logged-out' : 'agent-not-ready');
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        this.counters.failed++;
        log.info({ extension: supervisor, action: code.action, agent: code.agent, err: err.message }, 'supervisor code refused');
        this.confirmAndHangUp(s, 'feature-failed');
      }
    });
  }

  /**
   * The call-control API: `release`, `not-ready` and `logout` act at once; `listen`, `whisper`
   * and `barge` switch the mode of a supervisor already in the agent's call (its phone dialled
   * *31–*33, or was called by the PBX; `supervisor` picks which when several are). Naming a
   * `supervisor` that is not in the call rings its phone (`ringing: true` in the answer); it
   * joins when answered. Throws RangeError on refusal.
   */
  command(agent: string, action: SupervisorAction, supervisor?: string): { agent: string; action: SupervisorAction; callId?: string; supervisor?: string; ringing?: true } {
    if (action === 'release' || action === 'not-ready' || action === 'logout') {
      const callId = this.force(agent, action, supervisor ?? 'api');
      return { agent, action, ...(callId ? { callId } : {}) };
    }
    const watching = [...this.byCall.values()].filter((s) => s.watching?.agent === agent && (supervisor === undefined || s.supervisor === supervisor));
    if (watching.length === 0 && supervisor !== undefined && this.lines) return this.ring(agent, action, supervisor);
    if (watching.length === 0) throw new RangeError(`no supervisor is in agent ${agent}'s call: dial *3${action === 'listen' ? 1 : action === 'whisper' ? 2 : 3}${agent} from the supervisor's phone first`);
    if (watching.length > 1) throw new RangeError(`several supervisors are in agent ${agent}'s call: name the supervisor's extension`);
    const s = watching[0]!;
    this.setMode(s, action);
    return { agent, action, callId: s.watching!.target.callId, supervisor: s.supervisor };
  }

  /** Rings `supervisor`'s phone to join `agent`'s call in `mode`; refusals known now are a RangeError. */
  private ring(agent: string, mode: SupervisionMode, supervisor: string): { agent: string; action: SupervisionMode; callId: string; supervisor: string; ringing: true } {
    if (!this.deps.supervisors().includes(supervisor)) throw new RangeError(`extension ${supervisor} is not a supervisor (acd.supervisors)`);
    const target = this.targetCall(agent);
    this.lines!.ring(supervisor, agent, mode, target);
    return { agent, action: mode, callId: target.callId, supervisor, ringing: true };
  }

  /** The PBX's call to a supervisor's phone was answered: in it goes, as if it had dialled *31–*33. Throws RangeError. */
  private joinLine(line: SupervisorLine): void {
    const s: SupervisorCall = { call: line, supervisor: line.supervisor, playId: 0 };
    this.byCall.set(line, s);
    try {
      // The agent's call may have changed while the phone rang (a transfer): join the one it is on now.
      this.watch(s, line.agent, line.mode);
    } catch (err) {
      this.byCall.delete(line);
      throw err;
    }
  }

  /** Who is supervising whom now (the wallboard). */
  sessions(): Array<{ agent: string; supervisor: string; callId: string; mode: SupervisionMode }> {
    return [...this.byCall.values()].flatMap((s) => (s.watching ? [{ agent: s.watching.agent, supervisor: s.supervisor, callId: s.watching.target.callId, mode: s.watching.mode }] : []));
  }

  /** Relay events: the confirmation prompt has ended, hang up. */
  onMediaEvent(e: MediaEvent): void {
    if (e.type === 'media-timeout') this.lines?.mediaTimeout(e.sessionId);
    if (e.type !== 'prompt-finished') return;
    const s = this.bySession.get(e.sessionId);
    if (!s || e.playId !== s.playId) return;
    s.playId = 0;
    s.call.hangup('system', 'supervisor-code');
  }

  /** A call ended: a supervisor's (it leaves the room) or a supervised one (its supervisors are hung up). */
  ended(call: RoomCall): void {
    const s = this.byCall.get(call);
    if (s) {
      this.byCall.delete(call);
      if (call.media.session) this.bySession.delete(call.media.session.sessionId);
      if (s.watching) this.stopWatching(s);
      return;
    }
    this.lines?.targetEnded(call);
    for (const other of [...this.byCall.values()]) {
      if (other.watching?.target !== call) continue;
      this.stopWatching(other);
      other.call.hangup('system', 'supervised-call-ended');
    }
  }

  private watch(s: SupervisorCall, agent: string, mode: SupervisionMode): void {
    const target = this.targetCall(agent);
    const agentLeg = this.agentLegOf(target, agent);
    const rooms = this.deps.rooms;
    let room = rooms.roomOf(target);
    if (!room) {
      room = rooms.open('supervision', target.callId);
      rooms.put(room, target, 'a', 'member');
      rooms.put(room, target, 'b', 'member');
    }
    s.watching = { agent, target, room, mode };
    try {
      rooms.put(room, s.call, 'a', ROLE[mode], { call: target, leg: agentLeg });
    } catch (err) {
      this.stopWatching(s);
      throw new RangeError((err as Error).message);
    }
    this.counters.sessions++;
    this.deps.publish({ type: 'SupervisionStarted', at: this.deps.clock.now(), agent, supervisor: s.supervisor, callId: target.callId, mode });
    log.info({ supervisor: s.supervisor, agent, mode, callId: target.callId }, 'supervisor joined an agent\'s call');
  }

  private setMode(s: SupervisorCall, mode: SupervisionMode): void {
    const w = s.watching!;
    this.deps.rooms.put(w.room, s.call, 'a', ROLE[mode], { call: w.target, leg: this.agentLegOf(w.target, w.agent) });
    w.mode = mode;
    this.deps.publish({ type: 'SupervisionModeChanged', at: this.deps.clock.now(), agent: w.agent, supervisor: s.supervisor, callId: w.target.callId, mode });
  }

  private stopWatching(s: SupervisorCall): void {
    const w = s.watching;
    if (!w) return;
    s.watching = undefined;
    this.deps.rooms.remove(s.call, 'a');
    // The last supervisor gone: the agent's call is forwarded leg to leg again (no mixing delay).
    if (w.room.kind === 'supervision' && !w.room.parties.some((p) => p.role !== 'member')) this.deps.rooms.close(w.room);
    this.deps.publish({ type: 'SupervisionEnded', at: this.deps.clock.now(), agent: w.agent, supervisor: s.supervisor, callId: w.target.callId });
  }

  /** Force release / not ready / logout; returns the released call's id. Throws RangeError. */
  private force(agent: string, action: 'release' | 'not-ready' | 'logout', supervisor: string): string | undefined {
    let callId: string | undefined;
    try {
      if (action === 'release') {
        const call = this.targetCall(agent);
        callId = call.callId;
        // The call record shows it: end cause force-release, hung up by the system.
        call.hangup('system', 'force-release');
      } else if (action === 'not-ready') {
        this.deps.agents.setReady(agent, false, ACD_SUPERVISOR_REASON.code);
      } else {
        this.deps.agents.logout(agent);
      }
    } catch (err) {
      if (err instanceof AcdError) throw new RangeError(err.message);
      throw err;
    }
    this.counters.forced++;
    this.deps.publish({ type: 'AgentForced', at: this.deps.clock.now(), agent, supervisor, action, ...(callId ? { callId } : {}) });
    log.info({ supervisor, agent, action, callId }, 'supervisor forced an agent');
    return callId;
  }

  /** The call the agent is talking on: its queue call, else a call of its extension (not a supervisor's). Throws RangeError. */
  private targetCall(agent: string): Call {
    const queued = this.deps.agents.connectedCallOf(agent);
    if (queued) return queued;
    const ext = this.deps.agents.extensionOf(agent);
    if (ext === undefined) throw new RangeError(`agent ${agent} is not logged in`);
    const call = this.deps.callsOf(ext).find((c) => !this.byCall.has(c));
    if (!call) throw new RangeError(`agent ${agent} is on no call`);
    return call;
  }

  /** The leg the agent's phone is on: b of a queue call, else the leg whose party is its extension. */
  private agentLegOf(call: Call, agent: string): Leg {
    if (this.deps.agents.connectedCallOf(agent) === call) return 'b';
    return call.partyOn('a') === this.deps.agents.extensionOf(agent) ? 'a' : 'b';
  }

  private confirmAndHangUp(s: SupervisorCall, prompt: string): void {
    const session = s.call.media.session;
    const paths = this.deps.prompts.paths([prompt]);
    if (!session || paths.length === 0) { s.call.hangup('system', 'supervisor-code'); return; }
    s.playId = this.nextPlayId++;
    this.deps.media.play(session.sessionId, 'a', paths, s.playId);
  }
}
