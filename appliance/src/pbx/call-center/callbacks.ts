// Callbacks over SIP (issue 6): the caller pressed the queue's callback key and hung up; the ACD
// engine keeps its place. When its turn comes the engine offers it to an agent (CallOffered with
// callback), and this dialer places the call: CTI offer (callback, the number, the IVR data), the
// agent's phone, then — once the agent answered and the engine said CallbackPlaced — the
// customer's number through the normal routing (an extension, or a route's trunks), bridged by
// the relay. Busy or no answer: the agent is released, and after the queue's callbackRetrySec the
// request joins the queue again, up to callbackRetries more times; then it is a failed callback.
import type { AcdEvent } from '../../acd/index.ts';
import type { AcdQueueSettings } from '../../config/index.ts';
import type { IvrChoice } from '../../ivr/index.ts';
import { type CallRecord, type HangupSide, callDurations } from '../../records/index.ts';
import type { Clock, TimerHandle } from '../../sip/clock.ts';
import { moduleLogger } from '../../log.ts';
import type { ForkTarget } from '../call.ts';
import type { CallOrigination } from '../call-host.ts';
import type { MediaAnchor } from '../media-anchor.ts';
import { answeredCallbackOf } from '../recording/answered-call.ts';
import { CallbackCall } from './callback-call.ts';
import type { CtiEvent } from './cti-events.ts';

const log = moduleLogger('pbx.callback');

/** What the dialer needs around it: the SIP side, routing, records, the engine and CTI. */
export interface CallbackDeps extends CallOrigination {
  clock: Clock;
  media: MediaAnchor;
  /** Registered contacts of an extension, calling as `fromUser`. */
  contactsOf(extension: string, fromUser: string): ForkTarget[];
  publish(e: CtiEvent): void;
  feed(e: AcdEvent): void;
  queue(name: string): AcdQueueSettings | undefined;
}

/** What the caller left with its request. */
export interface CallbackRequest {
  callId: string;
  queue: string;
  /** Number to call back (the caller's number). */
  number: string;
  callerName?: string;
  ivr: { choices: IvrChoice[]; digits: Record<string, string> };
}

interface Pending extends CallbackRequest {
  /** Attempts whose customer leg failed so far. */
  failures: number;
  requestedAt: number;
  agent?: string;
  extension?: string;
  call?: CallbackCall;
  startedAt?: number;
  answeredAt?: number;
  noAnswer?: TimerHandle;
  retry?: TimerHandle;
  lastStatus?: number;
}

/** The callbacks waiting in queues or being placed; see the file comment. */
export class CallbackDialer {
  private readonly pending = new Map<string, Pending>();
  readonly counters = { requested: 0, attempts: 0, connected: 0, failedAttempts: 0, failed: 0 };

  constructor(private readonly deps: CallbackDeps) {}

  /** Is `callId` a callback this dialer keeps? */
  has(callId: string): boolean { return this.pending.has(callId); }

  /** The caller asked for a callback (the engine accepted it). */
  requested(r: CallbackRequest): void {
    this.counters.requested++;
    this.pending.set(r.callId, { ...r, failures: 0, requestedAt: this.deps.clock.now() });
  }

  /** The engine offers the callback to `agent` on `extension`: screen pop, then the agent's phone. */
  offer(callId: string, agent: string, extension: string): void {
    const p = this.pending.get(callId);
    if (!p) return;
    const now = this.deps.clock.now();
    p.agent = agent;
    p.extension = extension;
    p.startedAt = now;
    delete p.answeredAt;
    this.counters.attempts++;
    this.deps.publish({
      type: 'CallOffered', at: now, callId, agent, extension, callerNumber: p.number, ...(p.callerName ? { callerName: p.callerName } : {}),
      queue: p.queue, waitMs: now - p.requestedAt, ivr: p.ivr, callback: { attempt: p.failures + 1 },
    });
    const call = new CallbackCall(this.deps, `callback-${callId}-${p.failures + 1}`, {
      agentAnswered: () => this.deps.feed({ type: 'AgentAnswered', agent, callId }),
      agentFailed: (status) => {
        p.call = undefined;
        const rejected = status === 486 || status === 600 || status === 603;
        this.deps.feed(rejected ? { type: 'AgentRejected', agent, callId } : { type: 'AgentNoAnswer', agent, callId });
      },
      customerAnswered: () => {
        p.noAnswer?.cancel();
        p.answeredAt = this.deps.clock.now();
        this.counters.connected++;
        this.deps.publish({ type: 'CallAnswered', at: p.answeredAt, callId, agent, queue: p.queue, waitMs: p.answeredAt - p.requestedAt });
        // Recorded like a queue call: under the queue's policy, with queue, agent and direction outbound.
        const recorded = this.deps.recording && answeredCallbackOf(call, { queue: p.queue, agent, agentExtension: extension, customer: p.number, ...(p.callerName ? { customerName: p.callerName } : {}) });
        if (recorded) this.deps.recording!.answered(recorded);
      },
      customerFailed: (status) => this.customerFailed(p, status),
      ended: (side) => this.ended(p, side),
    });
    p.call = call;
    const targets = this.deps.contactsOf(extension, p.number);
    if (targets.length === 0) {
      p.call = undefined;
      this.deps.feed({ type: 'AgentNoAnswer', agent, callId });
      return;
    }
    void call.ringAgent(targets).then((ok) => {
      if (!ok && p.call === call) { p.call = undefined; this.deps.feed({ type: 'AgentNoAnswer', agent, callId }); }
    });
  }

  /** The engine stopped the offer (ring timeout, the agent went away): stop the agent's phone. */
  stopRinging(callId: string): void {
    const p = this.pending.get(callId);
    if (!p?.call || p.call.state !== 'agent-ringing') return;
    p.call.cancelAgent();
    p.call = undefined;
  }

  /** The agent answered and the engine placed the callback: call the customer. */
  placed(callId: string, number: string): void {
    const p = this.pending.get(callId);
    const call = p?.call;
    if (!p || !call) return;
    const route = this.deps.route(p.extension!, number);
    if (!('targets' in route)) {
      log.warn({ callId, status: 'status' in route ? route.status : 'hosted' }, 'callback number cannot be routed');
      this.customerFailed(p, 'status' in route ? route.status : 403);
      return;
    }
    p.noAnswer = this.deps.clock.setTimer(this.deps.noAnswerTimeoutMs(), () => this.customerFailed(p, 480));
    call.callCustomer(route.targets, route.sequential);
  }

  /** The engine lost the request (its queue overflowed on a retry's join, or left the configuration with nowhere to go). */
  lost(callId: string): void {
    const p = this.pending.get(callId);
    if (p) this.giveUp(p, 'overflowed');
  }

  /** A configuration change moved the request to another queue (its queue was removed). */
  moved(callId: string, queue: string): void {
    const p = this.pending.get(callId);
    if (p) p.queue = queue;
  }

  private customerFailed(p: Pending, status: number): void {
    p.noAnswer?.cancel();
    p.lastStatus = status;
    this.counters.failedAttempts++;
    log.info({ callId: p.callId, status, attempt: p.failures + 1 }, 'callback attempt failed');
    // Releasing the agent ends the attempt: ended() records it and decides on a retry.
    p.call?.hangup('system');
  }

  private ended(p: Pending, side: HangupSide): void {
    const call = p.call;
    if (call) this.deps.recording?.ended(call.id);
    p.call = undefined;
    p.noAnswer?.cancel();
    const end = this.deps.clock.now();
    const answered = p.answeredAt !== undefined;
    const status = answered ? 200 : p.lastStatus ?? 487;
    this.write(p, call, end, side, status);
    // The engine ends the agent's call either way: wrap-up follows.
    this.deps.feed({ type: 'CallEnded', callId: p.callId });
    if (answered) {
      this.pending.delete(p.callId);
      this.deps.publish({ type: 'CallEnded', at: end, callId: p.callId, queue: p.queue, ...(p.agent ? { agent: p.agent } : {}), outcome: 'completed' });
      return;
    }
    p.failures++;
    const q = this.deps.queue(p.queue);
    if (!q || p.failures > q.callbackRetries) { this.giveUp(p, 'callback-failed'); return; }
    this.deps.publish({ type: 'CallEnded', at: end, callId: p.callId, queue: p.queue, ...(p.agent ? { agent: p.agent } : {}), outcome: 'callback-retry' });
    p.retry = this.deps.clock.setTimer(q.callbackRetrySec * 1000, () => {
      p.retry = undefined;
      // Back in line as a new join (at the back): its first turn has come and gone.
      this.deps.feed({ type: 'CallerJoined', callId: p.callId, queue: p.queue, callerNumber: p.number, callbackNumber: p.number });
    });
  }

  private giveUp(p: Pending, why: 'callback-failed' | 'overflowed'): void {
    p.retry?.cancel();
    this.pending.delete(p.callId);
    this.counters.failed++;
    log.warn({ callId: p.callId, queue: p.queue, attempts: p.failures, why }, 'callback failed');
    this.deps.publish({ type: 'CallEnded', at: this.deps.clock.now(), callId: p.callId, queue: p.queue, outcome: 'callback-failed' });
  }

  private write(p: Pending, call: CallbackCall | undefined, end: number, side: HangupSide, status: number): void {
    const started = p.startedAt ?? end;
    const answeredAt = p.answeredAt ?? null;
    const disposition: CallRecord['disposition'] = answeredAt !== null ? 'answered' : status === 486 || status === 600 ? 'busy' : status === 480 || status === 408 ? 'no-answer' : 'failed';
    try {
      this.deps.writeRecord({
        callId: call?.id ?? `callback-${p.callId}`, caller: p.extension ?? '', callee: p.number, startedAt: started, answeredAt, endedAt: end, disposition,
        ...callDurations(started, answeredAt, end), sipCode: status, sipReason: answeredAt !== null ? 'OK' : 'callback not answered',
        hangupSide: side, endCause: answeredAt !== null ? 'callback' : 'callback-failed', quality: null, trunk: call?.carrier ?? null,
      });
    } catch (err) {
      log.error({ err, callId: p.callId }, 'could not write the callback record');
    }
  }
}
