// Listen, whisper and barge started from the wallboard or the call-control API (issue 6): the
// PBX calls the supervisor's own phone (From "listen 8001" <sip:8001@pbx>) and, when it answers,
// joins it to the agent's call exactly as if it had dialled *31–*33. The phone call is placed
// like a callback's agent leg (call-center/callback-call.ts: the PBX is the UAC, the relay anchors
// the audio on leg a); only leg a is ever used. Refusals known at once (phone not registered or
// busy) are a RangeError; those known later (no answer, declined) a `SupervisionCallFailed` event.
import { moduleLogger } from '../../log.ts';
import type { Clock, TimerHandle } from '../../sip/clock.ts';
import type { CallMixing, ForkTarget, Leg } from '../call.ts';
import { CallbackCall, type CallbackCallSip } from '../call-center/callback-call.ts';
import type { CtiEvent } from '../call-center/cti-events.ts';
import type { RoomCall } from '../conference/call-rooms.ts';
import type { SupervisionMode } from './cti-events.ts';

const log = moduleLogger('pbx.supervision');

/** How the PBX reaches a supervisor's phone. */
export interface SupervisorLineDeps {
  sip: CallbackCallSip;
  clock: Clock;
  /** Registered contacts of an extension (B2bua.contactsOf). */
  contactsOf(extension: string, fromUser: string): ForkTarget[];
  /** Answered calls of an extension: a supervisor already on a call is busy. */
  callsOf(extension: string): readonly unknown[];
  /** How long the phone may ring (sip.noAnswerTimeoutMs). */
  ringTimeoutMs(): number;
  publish(e: CtiEvent): void;
}

/** What happens to a line: joined when answered, ended when it goes. */
export interface SupervisorLineEvents {
  /** The phone answered: join it to the agent's call. Throws RangeError when that is no longer possible. */
  answered(line: SupervisorLine): void;
  /** The phone hung up, or the PBX hung it up, after answering. */
  ended(line: SupervisorLine): void;
}

/** The PBX's call to a supervisor's phone, as a mixing room sees a call (RoomCall). */
export class SupervisorLine implements RoomCall {
  /** Never part of a conference of its own: a listener does not keep a room alive. */
  mixing: CallMixing | undefined = undefined;
  private readonly leg: CallbackCall;

  constructor(sip: CallbackCallSip, readonly callId: string, readonly supervisor: string, readonly agent: string, readonly mode: SupervisionMode, readonly target: RoomCall, on: { answered(): void; failed(status: number): void; ended(): void }) {
    this.leg = new CallbackCall(sip, callId, {
      agentAnswered: () => {
        // CallbackCall plays music to a waiting agent; a supervisor hears the room instead.
        this.leg.media.musicOnHold('a', false);
        on.answered();
      },
      agentFailed: (status) => on.failed(status),
      customerAnswered: () => undefined,
      customerFailed: () => undefined,
      ended: () => on.ended(),
    });
  }

  get media(): CallbackCall['media'] { return this.leg.media; }

  /** CallbackCall's states: answered once its (only) leg a is up. */
  get state(): 'ringing' | 'answered' | 'ended' {
    return this.leg.state === 'ended' ? 'ended' : this.leg.state === 'customer-ringing' || this.leg.state === 'bridged' ? 'answered' : 'ringing';
  }

  dialogOf(leg: Leg): object | undefined { return this.leg.dialogOf(leg); }

  ring(targets: ForkTarget[]): Promise<boolean> { return this.leg.ringAgent(targets); }

  hangup(): void { this.leg.hangup('system'); }
}

/** The lines ringing or up; see the file comment. */
export class SupervisorLines {
  private readonly lines = new Map<SupervisorLine, { timer: TimerHandle | undefined }>();
  private nextId = 1;

  constructor(private readonly deps: SupervisorLineDeps, private readonly events: SupervisorLineEvents) {}

  /** Rings `supervisor`'s phone to supervise `agent` on `target` in `mode`. Throws RangeError when it cannot ring. */
  ring(supervisor: string, agent: string, mode: SupervisionMode, target: RoomCall): SupervisorLine {
    if ([...this.lines.keys()].some((l) => l.supervisor === supervisor) || this.deps.callsOf(supervisor).length > 0) {
      throw new RangeError(`supervisor phone ${supervisor} is busy`);
    }
    // The phone shows what the call is for; the From user is the agent, as if it were calling.
    const targets = this.deps.contactsOf(supervisor, agent).map((t) => ({ ...t, fromName: `${mode} ${agent}` }));
    if (targets.length === 0) throw new RangeError(`supervisor phone ${supervisor} is not registered`);
    const id = `supervise-${supervisor}-${this.deps.clock.now()}-${this.nextId++}`;
    const fail = (status: number, reason: string) => {
      this.forget(line);
      log.info({ supervisor, agent, mode, status, reason }, 'supervisor phone did not join');
      this.deps.publish({ type: 'SupervisionCallFailed', at: this.deps.clock.now(), agent, supervisor, mode, status, reason });
    };
    const line: SupervisorLine = new SupervisorLine(this.deps.sip, id, supervisor, agent, mode, target, {
      answered: () => {
        this.stopTimer(line);
        try {
          this.events.answered(line);
        } catch (err) {
          if (!(err instanceof RangeError)) throw err;
          line.hangup();
          fail(0, err.message);
        }
      },
      failed: (status) => fail(status, status === 486 || status === 600 ? 'busy' : status === 603 ? 'declined' : `SIP ${status}`),
      ended: () => {
        // Ended before answering: hangup() of a ringing line (no answer, or the agent's call ended).
        if (!this.lines.has(line)) return;
        this.forget(line);
        this.events.ended(line);
      },
    });
    this.lines.set(line, {
      timer: this.deps.clock.setTimer(this.deps.ringTimeoutMs(), () => {
        this.stopTimer(line);
        if (line.state !== 'ringing') return;
        fail(408, 'no answer');
        line.hangup();
      }),
    });
    void line.ring(targets).then((ok) => { if (!ok) fail(503, 'no media ports'); });
    log.info({ supervisor, agent, mode, callId: id }, 'ringing the supervisor\'s phone');
    return line;
  }

  /** The agent's call ended: lines still ringing for it stop (answered ones are hung up by Supervision). */
  targetEnded(target: RoomCall): void {
    for (const line of [...this.lines.keys()]) {
      if (line.target !== target || line.state !== 'ringing') continue;
      this.forget(line);
      line.hangup();
      this.deps.publish({ type: 'SupervisionCallFailed', at: this.deps.clock.now(), agent: line.agent, supervisor: line.supervisor, mode: line.mode, status: 0, reason: 'the agent\'s call ended' });
    }
  }

  /** The relay heard nothing from a line's phone for too long: hang it up like a B2BUA call. */
  mediaTimeout(sessionId: string): void {
    for (const line of this.lines.keys()) if (line.media.session?.sessionId === sessionId) line.hangup();
  }

  /** Lines ringing or up. */
  get size(): number { return this.lines.size; }

  private stopTimer(line: SupervisorLine): void {
    const l = this.lines.get(line);
    l?.timer?.cancel();
    if (l) l.timer = undefined;
  }

  private forget(line: SupervisorLine): void {
    this.stopTimer(line);
    this.lines.delete(line);
  }
}
