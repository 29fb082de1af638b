// Call control of an agent's own call from the agent desktop (issue 6): hang up, hold and resume,
// blind transfer, click-to-dial, and attended transfer (consult, then complete or cancel).
// The PBX anchors every call's audio, so hold needs nothing from the agent's phone: the relay
// plays music on hold to the far party instead of the agent's voice (the same relay feature a
// phone's own hold re-INVITE triggers, docs/media-relay.md), and the far party's phone is not
// re-INVITEd either — it simply hears music. "Answer" is refused: a ringing SIP phone can only be
// answered by the phone itself (no standard request makes a UA answer an INVITE it already shows).
import type { Clock } from '../../sip/clock.ts';
import { moduleLogger } from '../../log.ts';
import type { Dialog } from '../../sip/dialog/index.ts';
import type { Call, Leg } from '../call.ts';
import type { AgentDial, AgentDials } from './agent-dials.ts';
import type { CallControlCtiEvent } from './cti-events.ts';

const log = moduleLogger('pbx.call-control');

/** Actions on the agent's current call. */
export type AgentCallAction = 'answer' | 'hangup' | 'hold' | 'resume' | 'transfer' | 'dial' | 'consult' | 'complete' | 'cancel';

/** Every action, for input checks. */
export const AGENT_CALL_ACTIONS: readonly AgentCallAction[] = ['answer', 'hangup', 'hold', 'resume', 'transfer', 'dial', 'consult', 'complete', 'cancel'];

/** Actions that need `to`. */
const NEEDS_TO: ReadonlySet<AgentCallAction> = new Set(['transfer', 'dial', 'consult']);

/** What call control needs of the call center and the B2BUA (the same lookups conferences use). */
export interface AgentCallDeps {
  clock: Clock;
  /** The extension an agent is logged in on. */
  extensionOf(agent: string): string | undefined;
  /** The queue call an agent is talking on (its agent is leg b). */
  connectedCallOf(agent: string): Call | undefined;
  /** Answered calls an extension takes part in, oldest first. */
  callsOf(extension: string): Call[];
  publish(e: CallControlCtiEvent): void;
  /**
   * Blind transfer of the far party: `dialled` routed as if the agent's extension on `leg` dialled
   * it (an agent's, queue's or IVR menu's number, an extension, an outside number), the same path
   * as a REFER from the phone (transfer/call-transfers.ts). Throws RangeError when it cannot start.
   */
  blindTransfer(call: Call, leg: Leg, dialled: string): void;
  /** Calls the PBX places from the agent's phone (click-to-dial, consult calls). */
  dials: Pick<AgentDials, 'of' | 'dial'>;
  /**
   * Moves the consulted party (`far`, a dial's leg b) into `call` in place of the agent on `leg`
   * (CallTransfers.consultInto). Throws RangeError when it cannot start.
   */
  consultInto(call: Call, leg: Leg, far: Dialog, party: { number: string; extension: boolean; carrier: string | undefined }, moved: () => void, failed: (status: number) => void): void;
}

/** The answer to a command; `dialCallId` names the PBX's dial for `dial` and `consult`. */
export interface AgentCallResult { agent: string; action: AgentCallAction; callId: string; dialCallId?: string }

/** An attended transfer in progress: the call whose far party waits on hold, and the consult dial. */
interface Consult { call: Call; leg: Leg; dial: AgentDial }

const other = (leg: Leg): Leg => (leg === 'a' ? 'b' : 'a');

/** See the file comment. Refusals are RangeErrors (the control socket answers 400 with the message). */
export class AgentCallControl {
  /** Calls whose far party the API holds, and that party's leg. */
  private readonly held = new Map<Call, Leg>();
  /** Agents' attended transfers between `consult` and `complete`/`cancel`. */
  private readonly consults = new Map<string, Consult>();
  readonly counters = { commands: 0, refused: 0 };

  constructor(private readonly deps: AgentCallDeps) {}

  /** Carries out `action` on the agent's call. Throws RangeError with the reason when it cannot. */
  command(agent: string, action: AgentCallAction, to?: string): AgentCallResult {
    this.counters.commands++;
    try {
      return this.run(agent, action, to);
    } catch (err) {
      if (err instanceof RangeError) this.counters.refused++;
      throw err;
    }
  }

  /** A call ended: forget its hold. */
  ended(call: Call): void {
    this.held.delete(call);
    // Nobody left to transfer: the consult call goes on as a plain call of the agent.
    for (const [agent, c] of this.consults) if (c.call === call) this.consults.delete(agent);
  }

  private run(agent: string, action: AgentCallAction, to: string | undefined): AgentCallResult {
    const ext = this.deps.extensionOf(agent);
    if (ext === undefined) throw new RangeError(`agent ${agent} is not logged in`);
    if (action === 'answer') {
      throw new RangeError('a ringing SIP phone can only be answered on the phone itself (lift the handset or press answer); the PBX cannot answer it for you');
    }
    if (NEEDS_TO.has(action) && to === undefined) throw new RangeError(`${action} needs the number to call (to)`);
    const now = this.deps.clock.now();
    const dial = this.deps.dials.of(agent);
    switch (action) {
      case 'dial': {
        const d = this.deps.dials.dial(agent, ext, to!, 'dial');
        log.info({ callId: d.callId, agent, to }, 'click-to-dial');
        return { agent, action, callId: d.callId, dialCallId: d.callId };
      }
      case 'cancel': {
        const c = this.consults.get(agent);
        if (!c) throw new RangeError(`agent ${agent} has no consult call to cancel`);
        this.consults.delete(agent);
        c.dial.hangup();
        if (this.held.get(c.call) === other(c.leg)) this.resume(c.call, agent, now);
        log.info({ callId: c.call.callId, agent }, 'consult cancelled');
        return { agent, action, callId: c.call.callId, dialCallId: c.dial.callId };
      }
      case 'complete':
        return this.complete(agent, now);
      case 'hangup':
        // A dial in progress is the agent's newest call: hanging up ends it (a consult's held party stays on hold).
        if (dial) { dial.hangup(); return { agent, action, callId: dial.callId, dialCallId: dial.callId }; }
        break;
      default:
    }
    const found = this.callOf(agent, ext, action === 'resume');
    if (!found) throw new RangeError(action === 'resume' ? `agent ${agent} has no call on hold` : `agent ${agent} has no answered call`);
    const { call, leg } = found;
    const far = other(leg);
    switch (action) {
      case 'consult': {
        if (this.consults.has(agent)) throw new RangeError(`agent ${agent} is already consulting ${this.consults.get(agent)!.dial.to}; complete or cancel it first`);
        // Dialled first: a refusal leaves the call as it was, not on hold.
        const d = this.deps.dials.dial(agent, ext, to!, 'consult');
        if (!this.held.has(call)) {
          call.media.musicOnHold(far, true);
          this.held.set(call, far);
          this.deps.publish({ type: 'CallHeld', at: now, callId: call.callId, agent, party: call.partyOn(far) });
        }
        this.consults.set(agent, { call, leg, dial: d });
        log.info({ callId: call.callId, agent, to, dial: d.callId }, 'consult call');
        return { agent, action, callId: call.callId, dialCallId: d.callId };
      }
      case 'hangup':
        // The agent's side ends the call: for the record the agent's leg hung up.
        call.hangup(leg === 'a' ? 'caller' : 'callee', 'agent-api');
        break;
      case 'hold':
        if (this.held.has(call)) throw new RangeError(`call ${call.callId} is already on hold`);
        call.media.musicOnHold(far, true);
        this.held.set(call, far);
        this.deps.publish({ type: 'CallHeld', at: now, callId: call.callId, agent, party: call.partyOn(far) });
        break;
      case 'transfer':
        // A held caller comes off hold first: the new party must hear it, not the music.
        if (this.held.get(call) === far) { call.media.musicOnHold(far, false); this.held.delete(call); }
        this.deps.blindTransfer(call, leg, to!);
        break;
      case 'resume':
        this.resume(call, agent, now);
        break;
    }
    log.info({ callId: call.callId, agent, action }, 'agent call control');
    return { agent, action, callId: call.callId };
  }

  private resume(call: Call, agent: string, now: number): void {
    const far = this.held.get(call);
    if (far === undefined) return;
    call.media.musicOnHold(far, false);
    this.held.delete(call);
    this.deps.publish({ type: 'CallResumed', at: now, callId: call.callId, agent, party: call.partyOn(far) });
  }

  /**
   * `complete`: the consulted party takes the agent's place in the held call, and the agent
   * leaves both. The move is a re-INVITE, so its outcome comes later as a CTI event.
   */
  private complete(agent: string, now: number): AgentCallResult {
    const c = this.consults.get(agent);
    if (!c) throw new RangeError(`agent ${agent} has no consult call to complete`);
    if (c.call.state !== 'answered') { this.consults.delete(agent); throw new RangeError(`call ${c.call.callId} has ended`); }
    // The consult call ended on its own (either phone hung up): only cancel is left.
    if (this.deps.dials.of(agent) !== c.dial) throw new RangeError(`the consult call to ${c.dial.to} has ended; cancel to take the caller off hold`);
    const party = c.dial.farParty();
    if (!party) throw new RangeError(`${c.dial.to} has not answered the consult call (yet); cancel it or wait`);
    this.deps.consultInto(c.call, c.leg, party.dialog, party, () => {
      // complete() in the transfer service took the music off the held party.
      this.held.delete(c.call);
      this.consults.delete(agent);
      c.dial.handOver();
      this.deps.publish({ type: 'ConsultTransferred', at: this.deps.clock.now(), callId: c.call.callId, agent, party: party.number });
    }, (status) => {
      this.deps.publish({ type: 'ConsultTransferFailed', at: this.deps.clock.now(), callId: c.call.callId, agent, status });
    });
    log.info({ callId: c.call.callId, agent, at: now, dial: c.dial.callId }, 'attended transfer by the API');
    return { agent, action: 'complete', callId: c.call.callId, dialCallId: c.dial.callId };
  }

  /**
   * The call the command is about and the agent's leg on it: for resume, the agent's held call;
   * otherwise the queue call it talks on, else its newest answered call (a consult call is newer
   * than the call it put on hold).
   */
  private callOf(agent: string, ext: string, heldOnly: boolean): { call: Call; leg: Leg } | undefined {
    const queued = this.deps.connectedCallOf(agent);
    const calls = [...new Set([...this.deps.callsOf(ext), ...(queued ? [queued] : [])])].filter((c) => c.state === 'answered');
    const held = calls.filter((c) => this.held.has(c));
    const live = calls.filter((c) => !this.held.has(c));
    let call: Call | undefined;
    if (heldOnly) call = held.at(-1);
    else if (queued && live.includes(queued)) call = queued;
    // Everything on hold: the command (hang up) is about the newest held call.
    else call = live.at(-1) ?? held.at(-1);
    if (!call) return undefined;
    const leg: Leg = call === queued ? 'b' : call.partyOn('a') === ext ? 'a' : 'b';
    return { call, leg };
  }
}
