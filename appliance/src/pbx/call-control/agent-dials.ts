// Click-to-dial and the consult call of an API attended transfer (issue 6): the PBX rings the
// agent's own phone first (From shows the number about to be called), and when it answers calls
// `to` through the normal routing as if the agent's extension had dialled it, then bridges the two
// in the relay. This is exactly a callback's call (call-center/callback-call.ts: the PBX is the
// UAC of both legs, leg a = agent, leg b = far party), so it is one; only the CTI events and the
// timers are this file's. Queue, IVR and agent numbers are hosted by the call center, which takes
// calls that arrive with an INVITE of their own: a PBX-placed leg cannot be handed to it, so those
// numbers are refused with the reason rather than half-connected.
import { moduleLogger } from '../../log.ts';
import type { Clock, TimerHandle } from '../../sip/clock.ts';
import type { Dialog } from '../../sip/dialog/index.ts';
import type { ForkTarget } from '../call.ts';
import { CallbackCall, type CallbackCallSip } from '../call-center/callback-call.ts';
import type { TransferRoute } from '../transfer/call-transfers.ts';
import type { CallControlCtiEvent, DialPurpose } from './cti-events.ts';

const log = moduleLogger('pbx.call-control');

/** How the PBX reaches the agent's phone and the number dialled. */
export interface AgentDialDeps {
  sip: CallbackCallSip;
  clock: Clock;
  /** Registered contacts of an extension, calling as `fromUser` (B2bua.contactsOf). */
  contactsOf(extension: string, fromUser: string): ForkTarget[];
  /** Routes `number` as if extension `from` dialled it (CallOrigination.route). */
  route(from: string, number: string): TransferRoute;
  /** How long each phone may ring (sip.noAnswerTimeoutMs). */
  ringTimeoutMs(): number;
  publish(e: CallControlCtiEvent): void;
}

/** One dial of an agent: ringing its phone, then the far party, then bridged. */
export class AgentDial {
  readonly call: CallbackCall;
  private timer: TimerHandle | undefined;
  private failedStatus: number | undefined;
  private routed: { number: string; extension: boolean } | undefined;
  private handedOver = false;

  constructor(private readonly deps: AgentDialDeps, readonly agent: string, readonly extension: string, readonly to: string, readonly purpose: DialPurpose, readonly callId: string, private readonly gone: (d: AgentDial) => void) {
    this.call = new CallbackCall(deps.sip, callId, {
      agentAnswered: () => this.agentAnswered(),
      agentFailed: (status) => this.failed(status, 'your phone did not answer'),
      customerAnswered: () => {
        this.timer?.cancel();
        this.publish({ type: 'DialConnected' });
      },
      customerFailed: (status) => { this.failedStatus = status; this.call.hangup('system'); },
      ended: (side) => {
        this.timer?.cancel();
        if (this.failedStatus !== undefined) this.failed(this.failedStatus, `${to} did not answer or refused the call`);
        else { this.publish({ type: 'DialEnded', side: this.handedOver ? 'transferred' : side }); this.gone(this); }
      },
    });
  }

  /** Bridged with the far party? */
  get connected(): boolean { return this.call.state === 'bridged'; }

  /** Rings the agent's phone. */
  async start(targets: ForkTarget[]): Promise<void> {
    this.publish({ type: 'DialStarted' });
    this.timer = this.deps.clock.setTimer(this.deps.ringTimeoutMs(), () => { this.call.cancelAgent(); this.failed(408, 'your phone did not answer'); });
    if (!(await this.call.ringAgent(targets))) this.failed(503, 'no media ports are free');
  }

  /** The far party once bridged: its dialog, number, whether it is an extension, its carrier. */
  farParty(): { dialog: Dialog; number: string; extension: boolean; carrier: string | undefined } | undefined {
    const dialog = this.call.dialogOf('b');
    if (!this.connected || !dialog || !this.routed) return undefined;
    return { dialog, ...this.routed, carrier: this.call.carrier };
  }

  /** The far party moved into another call (attended transfer completed): let its dialog go, hang up the agent's leg. */
  handOver(): void {
    this.handedOver = true;
    this.call.handOver('b');
    this.call.hangup('caller');
  }

  /** Ends whatever is up (the agent hung up from the desktop, or cancelled a consult). */
  hangup(): void {
    if (this.call.state === 'agent-ringing') { this.call.cancelAgent(); this.failed(487, 'cancelled'); return; }
    this.call.hangup('caller');
  }

  private agentAnswered(): void {
    this.timer?.cancel();
    this.publish({ type: 'DialAnswered' });
    // Routed again now: registrations and the configuration may have changed while the phone rang.
    const route = this.deps.route(this.extension, this.to);
    if (!('targets' in route)) { this.failedStatus = 'status' in route ? route.status : 403; this.call.hangup('system'); return; }
    this.routed = { number: route.number, extension: route.extension };
    this.timer = this.deps.clock.setTimer(this.deps.ringTimeoutMs(), () => { this.failedStatus = 480; this.call.hangup('system'); });
    this.call.callCustomer(route.targets, route.sequential);
  }

  private failed(status: number, reason: string): void {
    this.timer?.cancel();
    log.info({ callId: this.callId, agent: this.agent, to: this.to, status }, 'agent dial failed');
    this.publish({ type: 'DialFailed', status, reason });
    this.gone(this);
  }

  private publish(e: { type: 'DialStarted' } | { type: 'DialAnswered' } | { type: 'DialConnected' } | { type: 'DialFailed'; status: number; reason: string } | { type: 'DialEnded'; side: string }): void {
    this.deps.publish({ ...e, at: this.deps.clock.now(), callId: this.callId, agent: this.agent, to: this.to, purpose: this.purpose } as CallControlCtiEvent);
  }
}

/** Each agent's one dial at a time; see the file comment. */
export class AgentDials {
  private readonly dials = new Map<string, AgentDial>();
  private next = 1;

  constructor(private readonly deps: AgentDialDeps) {}

  /** The agent's dial in progress. */
  of(agent: string): AgentDial | undefined { return this.dials.get(agent); }

  /**
   * Starts a dial of `agent` (on `extension`) to `to`. Throws RangeError with the reason when it
   * cannot start: a dial already in progress, no registered phone, a number that cannot be routed.
   */
  dial(agent: string, extension: string, to: string, purpose: DialPurpose): AgentDial {
    if (this.dials.has(agent)) throw new RangeError(`agent ${agent} is already dialling ${this.dials.get(agent)!.to}`);
    if (to === extension) throw new RangeError(`${to} is the agent's own extension`);
    const route = this.deps.route(extension, to);
    if ('hosted' in route) throw new RangeError(`${to} is a queue, IVR menu or agent number, which the PBX cannot dial on an agent's behalf; dial it from the phone`);
    if ('status' in route) throw new RangeError(`${to} cannot be dialled from extension ${extension} (SIP ${route.status})`);
    const targets = this.deps.contactsOf(extension, to);
    if (targets.length === 0) throw new RangeError(`extension ${extension} has no registered phone to ring`);
    const d = new AgentDial(this.deps, agent, extension, to, purpose, `dial-${agent}-${this.next++}`, (gone) => { if (this.dials.get(agent) === gone) this.dials.delete(agent); });
    this.dials.set(agent, d);
    void d.start(targets);
    return d;
  }
}
