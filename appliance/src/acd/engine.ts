import type { Clock, TimerHandle } from '../sip/clock.ts';
import { ACD_NO_ANSWER_REASON, type AcdQueueSettings, type AcdSettings } from '../config/defaults.ts';
import type { AcdOverflowDestination, AcdSkillRequirement } from '../config/types.ts';
import { AcdError, type AcdCommand, type AcdEvent, type AcdListener, type AgentStateName, type OverflowWhy, type StopRingingWhy } from './events.ts';
import {
  callerBefore, callerBeforeAcrossQueues, matchScore, newAgent, newClass, newQueue, relaxedRequirement, requirementKey,
  type AgentState, type Caller, type ClassMember, type Membership, type QueueState, type ReqClass, type Requirement,
} from './model.ts';
import type { AgentStats, QueueStats } from './stats.ts';

/** Handle time assumed for estimated-wait announcements before a queue has finished any call. */
export const DEFAULT_HANDLE_SEC = 180;

/** How the engine finds the agent for a caller and the caller for an agent. */
export type AcdDecider = 'index' | 'scan';

/** What the engine needs: the settings, a clock, a listener; randomness and the decider may be swapped in tests and benchmarks. */
export interface AcdEngineOptions {
  settings: AcdSettings;
  clock: Clock;
  listener: AcdListener;
  /** Uniform [0, 1); default Math.random. Only the random strategy draws from it. */
  random?: () => number;
  /**
   * 'index' (default): decisions read the heaps, O(log n). 'scan': every decision walks all agents
   * or all waiting callers — the naive reference the benchmark and the property tests compare with.
   */
  decider?: AcdDecider;
}

/**
 * The ACD routing engine: pure, in memory, driven by events and the injected clock, deciding
 * through commands (docs/acd.md). Invariant after every event: no agent in state ready is
 * eligible for a caller in state waiting — a decision is taken the moment one becomes possible.
 *
 * Indexes: per queue and requirement class, a heap of idle qualified agents (penalty, skill
 * score, strategy key) and a heap of waiting callers (priority, join time). A caller joining
 * peeks one heap; an agent becoming free peeks one heap per class of each of its queues.
 */
export class AcdEngine {
  private readonly clock: Clock;
  private readonly listener: AcdListener;
  private readonly random: () => number;
  private readonly decider: AcdDecider;
  private readonly queues = new Map<string, QueueState>();
  private readonly agents = new Map<string, AgentState>();
  private readonly agentList: AgentState[] = [];
  private readonly callers = new Map<string, Caller>();
  private readonly reasons = new Set<string>();
  private readonly skills = new Set<string>();
  private readonly outbox: AcdCommand[] = [];
  private flushing = false;
  private callerSeq = 0;

  constructor(options: AcdEngineOptions) {
    this.clock = options.clock;
    this.listener = options.listener;
    this.random = options.random ?? Math.random;
    this.decider = options.decider ?? 'index';
    this.install(options.settings);
  }

  /** Processes one event; commands reach the listener when the state is consistent again. Throws AcdError on bad input. */
  handle(event: AcdEvent): void {
    try {
      this.process(event);
    } finally {
      this.flush();
    }
  }

  /**
   * Takes a changed configuration without a restart (docs/acd.md, "Configuration changes"):
   * queues added, removed or changed, agents added, removed or given other skills and queues.
   * Logged-in agents stay logged in, in their state; rings and connected calls go on. Callers
   * of a removed queue go to its overflow; when that is a hang-up or a queue removed too, to
   * the first queue of the new configuration (a hang-up only when no queue is left). Moved to a
   * queue they keep their join time, priority and own skills. Callers of a changed queue keep
   * their place; its skills, relaxation steps and timers apply as if they had joined under
   * them. Throws AcdError, changing nothing, when the settings contradict themselves.
   */
  reconfigure(settings: AcdSettings): void {
    try {
      this.install(settings);
      for (const q of this.queues.values()) this.emitQueueStats(q);
    } finally {
      this.flush();
    }
  }

  /** Figures of a queue now. */
  queueStats(queue: string): QueueStats {
    return this.queueStatsOf(this.queue(queue));
  }

  private queueStatsOf(q: QueueState): QueueStats {
    const oldest = q.waiting.values().next().value as Caller | undefined;
    return q.totals.snapshot(q.waiting.size, oldest ? this.clock.now() - oldest.joinedAt : 0);
  }

  /** Figures of an agent now (the current not-ready spell included). */
  agentStats(agent: string): AgentStats {
    return this.statsOf(this.agent(agent));
  }

  private statsOf(a: AgentState): AgentStats {
    return a.totals.snapshot(a.state === 'not-ready' ? { reason: a.reason!, ms: this.clock.now() - a.since } : undefined);
  }

  /** An agent's state and reason. */
  agentState(agent: string): { state: AgentStateName; reason?: string; callId?: string } {
    const a = this.agent(agent);
    return { state: a.state, ...(a.reason !== undefined ? { reason: a.reason } : {}), ...(a.call ? { callId: a.call.id } : {}) };
  }

  /**
   * 1-based position of a caller among the callers of its queue still waiting for an agent (those
   * ringing one are not counted), by priority and wait. O(callers in the queue): it runs per
   * announcement, never per routing decision.
   */
  position(callId: string): number {
    const c = this.caller(callId);
    let p = 1;
    for (const o of c.queue.waiting.values()) if (o !== c && o.state !== 'ringing' && callerBefore(o, c)) p++;
    return p;
  }

  /** Callers not yet connected, in a queue. */
  waitingIn(queue: string): string[] {
    return [...this.queue(queue).waiting.keys()];
  }

  /**
   * Problems with the engine's invariants, for tests: a ready agent eligible for a waiting caller,
   * an agent ringing for two callers, a caller ringing several agents outside ring-all. O(agents × callers).
   */
  invariantViolations(): string[] {
    const out: string[] = [];
    for (const c of this.callers.values()) {
      if (c.state === 'ringing' && c.ringing.size > 1 && c.queue.def.strategy !== 'ring-all') out.push(`${c.id} rings ${c.ringing.size} agents`);
      if (c.state === 'waiting' && this.scanAgentFor(c).length > 0) out.push(`${c.id} waits while an eligible agent is ready`);
      for (const a of c.ringing) if (a.call !== c || a.state !== 'ringing') out.push(`${a.id} is not ringing for ${c.id}`);
    }
    for (const a of this.agentList) {
      if ((a.state === 'ringing' || a.state === 'on-call') && (!a.call || (a.state === 'ringing' && !a.call.ringing.has(a)))) out.push(`${a.id} is ${a.state} without its call`);
    }
    return out;
  }

  // ---- events ----

  private process(e: AcdEvent): void {
    switch (e.type) {
      case 'CallerJoined': return this.join(e.callId, e.queue, e.callerNumber, e.priority, e.skills, e.ivrDigit, e.callbackNumber);
      case 'CallerAbandoned': return this.callerGone(this.caller(e.callId));
      case 'CallEnded': return this.callerGone(this.caller(e.callId));
      case 'ConsultTransferred': return this.exchangeAgents(this.caller(e.callId), this.caller(e.consultCallId));
      case 'CallbackRequested': return this.requestCallback(this.caller(e.callId), e.number);
      case 'AgentLoggedIn': return this.login(this.agent(e.agent));
      case 'AgentLoggedOut': return this.logout(this.agent(e.agent));
      case 'AgentReady': return this.ready(this.agent(e.agent));
      case 'AgentNotReady': return this.notReady(this.agent(e.agent), e.reason);
      case 'AgentAnswered': return this.answered(this.agent(e.agent), this.ringingCall(e.agent, e.callId));
      case 'AgentRejected': return this.declined(this.agent(e.agent), this.ringingCall(e.agent, e.callId), false);
      case 'AgentNoAnswer': return this.declined(this.agent(e.agent), this.ringingCall(e.agent, e.callId), true);
      default: throw new AcdError('bad-state', `unknown event ${(e as { type: unknown }).type}`);
    }
  }

  private join(callId: string, queueName: string, number?: string, priority?: number, skills?: AcdSkillRequirement[], ivrDigit?: string, callback?: string): void {
    const q = this.queue(queueName);
    if (this.callers.has(callId)) throw new AcdError('duplicate-call', `call ${callId} is already queued`);
    if (priority !== undefined && !(Number.isInteger(priority) && priority >= 0 && priority <= 100)) throw new AcdError('bad-priority', `priority must be an integer 0..100, not ${priority}`);
    for (const r of skills ?? []) {
      if (!this.skills.has(r.skill)) throw new AcdError('unknown-skill', `no skill named ${r.skill}`);
      if (!(Number.isInteger(r.minLevel) && r.minLevel >= 1 && r.minLevel <= 10)) throw new AcdError('unknown-skill', `skill level must be 1..10, not ${r.minLevel}`);
    }
    const d = q.def;
    const now = this.clock.now();
    if ((d.joinEmpty === 'if-logged-in' && q.loggedIn === 0) || (d.joinEmpty === 'if-ready' && q.readyCount === 0)) {
      return this.overflowOnJoin(q, callId, 'empty');
    }
    if (d.maxLength > 0 && q.waiting.size >= d.maxLength) return this.overflowOnJoin(q, callId, 'full');
    const vip = (number !== undefined && q.vipNumbers.has(number)) || (d.vipIvrDigit !== '' && ivrDigit === d.vipIvrDigit);
    const baseReq = mergeRequirements(d.requiredSkills, skills ?? []);
    const c: Caller = {
      id: callId, queue: q, seq: ++this.callerSeq, priority: Math.max(priority ?? 0, vip ? d.vipPriority : 0), joinedAt: now,
      ...(number !== undefined ? { number } : {}), ...(callback !== undefined ? { callback } : {}), ownSkills: skills ?? [], baseReq, step: 0, cls: this.classFor(q, baseReq), state: 'waiting', ringing: new Set(),
    };
    this.callers.set(callId, c);
    q.waiting.set(callId, c);
    q.totals.offered++;
    if (callback === undefined) this.emit({ type: 'MusicOnHoldStarted', callId, queue: q.name, ...(d.musicOnHold !== undefined ? { musicClass: d.musicOnHold } : {}) });
    this.armCallerTimers(c);
    c.cls.callers.push(c);
    this.matchCaller(c);
    this.emitQueueStats(q);
  }

  private requestCallback(c: Caller, number?: string): void {
    const to = number ?? c.number;
    if (!c.queue.def.callbackAllowed) throw new AcdError('callback-not-allowed', `queue ${c.queue.name} does not offer callbacks`);
    if (c.state === 'connected' || c.callback !== undefined) throw new AcdError('bad-state', `call ${c.id} is ${c.callback !== undefined ? 'already a callback' : 'connected'}`);
    if (to === undefined || to === '') throw new AcdError('bad-state', `call ${c.id} has no number to call back`);
    c.callback = to;
    // The caller has hung up: no more announcements, and no overflow of someone no longer on the line.
    c.maxWaitTimer?.cancel();
    c.positionTimer?.cancel();
    c.waitTimer?.cancel();
    c.queue.totals.callbacks++;
    this.emit({ type: 'CallbackAccepted', callId: c.id, queue: c.queue.name, number: to });
  }

  private login(a: AgentState): void {
    if (a.state !== 'logged-out') throw new AcdError('bad-state', `agent ${a.id} is already logged in`);
    for (const m of a.memberships) { m.queue.loggedIn++; m.queue.readyCount++; }
    a.pendingLogout = false;
    this.becomeFree(a, true);
  }

  private logout(a: AgentState): void {
    switch (a.state) {
      case 'logged-out': throw new AcdError('bad-state', `agent ${a.id} is not logged in`);
      case 'on-call':
        a.pendingLogout = true;
        return;
      case 'wrap-up':
        a.pendingLogout = true;
        this.endWrapUp(a, true);
        return;
      case 'ringing':
        a.pendingLogout = true;
        this.declined(a, a.call!, false);
        return;
      case 'ready':
        this.unindex(a);
        this.logoutFromFree(a);
        return;
      case 'not-ready':
        this.closeNotReady(a);
        for (const m of a.memberships) m.queue.loggedIn--;
        delete a.pendingNotReady;
        this.setState(a, 'logged-out');
        this.emitAgentStats(a);
        return;
    }
  }

  private ready(a: AgentState): void {
    switch (a.state) {
      case 'logged-out': throw new AcdError('bad-state', `agent ${a.id} is not logged in`);
      case 'not-ready':
        this.closeNotReady(a);
        for (const m of a.memberships) m.queue.readyCount++;
        this.emitAgentStats(a);
        this.becomeFree(a, true);
        return;
      case 'wrap-up':
        delete a.pendingNotReady;
        this.endWrapUp(a, true);
        return;
      case 'on-call':
        delete a.pendingNotReady;
        return;
      default:
        return;
    }
  }

  private notReady(a: AgentState, reason: string): void {
    if (!this.reasons.has(reason)) throw new AcdError('unknown-reason', `unknown not-ready reason ${reason}`);
    switch (a.state) {
      case 'logged-out': throw new AcdError('bad-state', `agent ${a.id} is not logged in`);
      case 'on-call':
        a.pendingNotReady = reason;
        return;
      case 'wrap-up':
        a.pendingNotReady = reason;
        this.endWrapUp(a, true);
        return;
      case 'ringing':
        a.pendingNotReady = reason;
        this.declined(a, a.call!, false);
        return;
      case 'not-ready':
        if (a.reason === reason) return;
        this.closeNotReady(a);
        this.emitAgentStats(a);
        a.reason = reason;
        this.setState(a, 'not-ready', reason);
        return;
      case 'ready':
        this.unindex(a);
        this.enterNotReady(a, reason);
        return;
    }
  }

  private answered(a: AgentState, c: Caller): void {
    const now = this.clock.now();
    const q = c.queue;
    c.ringTimer?.cancel();
    const others = [...c.ringing].filter((o) => o !== a);
    c.ringing.clear();
    for (const o of others) this.emit({ type: 'RingingStopped', callId: c.id, agent: o.id, why: 'answered-elsewhere' });
    this.stopCallerTimers(c);
    q.waiting.delete(c.id);
    c.state = 'connected';
    c.agent = a;
    c.answeredAt = now;
    const wait = now - c.joinedAt;
    q.totals.answered++;
    q.totals.answeredWaitMs += wait;
    if (wait <= q.def.serviceLevelSec * 1000) q.totals.withinSl++;
    if (wait > q.totals.longestWaitMs) q.totals.longestWaitMs = wait;
    // A configuration change may have taken the agent out of the queue while its phone rang.
    const m = a.byQueue.get(q.name);
    if (m) m.calls++;
    a.totals.calls++;
    this.setState(a, 'on-call');
    if (c.callback !== undefined) this.emit({ type: 'CallbackPlaced', callId: c.id, agent: a.id, queue: q.name, number: c.callback, waitMs: wait });
    else this.emit({ type: 'CallConnected', callId: c.id, agent: a.id, queue: q.name, waitMs: wait });
    this.emitQueueStats(q);
    // Ring-all: the others were rung for nothing and keep their place in the idle order.
    for (const o of others) this.becomeFree(o, false);
  }

  /** The agent rejected the offer (noAnswer false) or let it ring out / was unreachable (true). */
  private declined(a: AgentState, c: Caller, noAnswer: boolean): void {
    c.ringing.delete(a);
    // Said before the caller is offered elsewhere, so every offer ends in an answer or a stop, in order.
    this.emit({ type: 'RingingStopped', callId: c.id, agent: a.id, why: noAnswer ? 'no-answer' : 'rejected' });
    a.totals.missed++;
    delete a.call;
    if (c.ringing.size === 0) {
      c.ringTimer?.cancel();
      this.requeue(c);
    }
    this.afterMissed(a, noAnswer);
  }

  /** See ConsultTransferred: the two connected calls swap agents; each agent's talk time counts from now on its new call. */
  private exchangeAgents(x: Caller, y: Caller): void {
    if (x.state !== 'connected' || y.state !== 'connected' || x === y) throw new AcdError('bad-state', `calls ${x.id} and ${y.id} are not two connected calls`);
    const a = x.agent!;
    const b = y.agent!;
    const now = this.clock.now();
    // Talk so far stays with the agent who had it.
    a.totals.talkMs += now - x.answeredAt!;
    b.totals.talkMs += now - y.answeredAt!;
    x.queue.totals.handleMs += now - x.answeredAt!;
    y.queue.totals.handleMs += now - y.answeredAt!;
    x.agent = b;
    y.agent = a;
    x.answeredAt = now;
    y.answeredAt = now;
    a.call = y;
    b.call = x;
  }

  /** A caller leaves: abandons while waiting or ringing, or hangs up a connected call. */
  private callerGone(c: Caller): void {
    const q = c.queue;
    this.callers.delete(c.id);
    this.stopCallerTimers(c);
    c.ringTimer?.cancel();
    if (c.state === 'connected') {
      const a = c.agent!;
      const talk = this.clock.now() - c.answeredAt!;
      a.totals.talkMs += talk;
      q.totals.handled++;
      q.totals.handleMs += talk;
      delete a.call;
      this.emitAgentStats(a);
      if (q.def.wrapUpSec > 0) {
        this.setState(a, 'wrap-up');
        a.wrapTimer = this.timer(q.def.wrapUpSec * 1000, () => this.endWrapUp(a, false));
      } else {
        this.afterCall(a);
      }
      this.emitQueueStats(q);
      return;
    }
    const wait = this.clock.now() - c.joinedAt;
    q.waiting.delete(c.id);
    c.cls.callers.remove(c);
    q.totals.abandoned++;
    q.totals.abandonedWaitMs += wait;
    if (wait > q.totals.longestWaitMs) q.totals.longestWaitMs = wait;
    const rung = [...c.ringing];
    c.ringing.clear();
    for (const a of rung) {
      this.emit({ type: 'RingingStopped', callId: c.id, agent: a.id, why: 'abandoned' });
      delete a.call;
    }
    this.emitQueueStats(q);
    for (const a of rung) this.becomeFree(a, false);
  }

  // ---- timers ----

  private overflowWaiting(c: Caller, why: OverflowWhy = 'max-wait', destination = c.queue.def.overflow): AgentState[] | undefined {
    if (c.state === 'connected' || !this.callers.has(c.id)) return undefined;
    const q = c.queue;
    this.callers.delete(c.id);
    q.waiting.delete(c.id);
    c.cls.callers.remove(c);
    this.stopCallerTimers(c);
    c.ringTimer?.cancel();
    const rung = [...c.ringing];
    c.ringing.clear();
    for (const a of rung) {
      this.emit({ type: 'RingingStopped', callId: c.id, agent: a.id, why: 'overflowed' });
      delete a.call;
    }
    const wait = this.clock.now() - c.joinedAt;
    if (wait > q.totals.longestWaitMs) q.totals.longestWaitMs = wait;
    q.totals.overflowed++;
    this.emit({ type: 'CallOverflowed', callId: c.id, queue: q.name, destination, why });
    this.emitQueueStats(q);
    // A configuration change frees the agents itself, once every queue is rebuilt.
    if (why === 'queue-removed') return rung;
    for (const a of rung) this.becomeFree(a, false);
    return undefined;
  }

  private ringTimedOut(c: Caller): void {
    const rung = [...c.ringing];
    c.ringing.clear();
    for (const a of rung) {
      this.emit({ type: 'RingingStopped', callId: c.id, agent: a.id, why: 'timeout' });
      a.totals.missed++;
      delete a.call;
    }
    this.requeue(c);
    for (const a of rung) this.afterMissed(a, true);
  }

  private scheduleRelax(c: Caller): void {
    const steps = c.queue.def.relaxation;
    if (c.step >= steps.length || c.baseReq.length === 0) return;
    const due = c.joinedAt + steps[c.step]!.afterSec * 1000 - this.clock.now();
    c.relaxTimer = this.timer(due, () => {
      c.step++;
      const req = relaxedRequirement(c.queue.def, c.baseReq, c.step);
      const cls = this.classFor(c.queue, req);
      if (cls !== c.cls) {
        const inHeap = c.cls.callers.remove(c);
        c.cls = cls;
        if (inHeap) {
          cls.callers.push(c);
          this.matchCaller(c);
        }
      }
      if (c.state !== 'connected') this.scheduleRelax(c);
    });
  }

  private announcePosition(c: Caller): void {
    if (c.state === 'ringing' || c.callback !== undefined) return;
    this.emit({ type: 'PositionAnnounced', callId: c.id, queue: c.queue.name, position: this.position(c.id) });
  }

  /** Estimated wait: callers ahead (and this one) × mean handle time, shared among the queue's ready agents. */
  private announceWait(c: Caller): void {
    if (c.state === 'ringing' || c.callback !== undefined) return;
    const t = c.queue.totals;
    const aht = t.handled > 0 ? t.handleMs / t.handled / 1000 : DEFAULT_HANDLE_SEC;
    const seconds = Math.ceil((this.position(c.id) * aht) / Math.max(1, c.queue.readyCount));
    this.emit({ type: 'EstimatedWaitAnnounced', callId: c.id, queue: c.queue.name, seconds });
  }

  // ---- agent transitions ----

  /** Wrap-up ends by its timer (early false) or because the agent chose ready / not ready / log out (early true). */
  private endWrapUp(a: AgentState, early: boolean): void {
    if (a.state !== 'wrap-up') return;
    if (early) a.wrapTimer?.cancel();
    delete a.wrapTimer;
    const ms = this.clock.now() - a.since;
    a.totals.wrapUpMs += ms;
    const q = a.lastQueue;
    if (q) { q.totals.handleMs += ms; this.emitQueueStats(q); }
    this.emitAgentStats(a);
    this.afterCall(a);
  }

  /** After a call, its wrap-up or a missed offer: log out, go not ready, or take the next caller, as the agent asked. */
  private afterCall(a: AgentState): void {
    if (a.pendingLogout) return this.logoutFromFree(a);
    const reason = a.pendingNotReady;
    if (reason !== undefined) {
      delete a.pendingNotReady;
      return this.enterNotReady(a, reason);
    }
    this.becomeFree(a, true);
  }

  /** Logs out an agent counted as ready (free, on a call, in wrap-up or just rung). */
  private logoutFromFree(a: AgentState): void {
    for (const m of a.memberships) { m.queue.readyCount--; m.queue.loggedIn--; }
    a.pendingLogout = false;
    delete a.pendingNotReady;
    this.setState(a, 'logged-out');
    this.emitAgentStats(a);
  }

  /** A missed offer: per the queue's policy not ready with the no-answer reason, or ready again at the back of the idle order. */
  private afterMissed(a: AgentState, noAnswer: boolean): void {
    this.emitAgentStats(a);
    if (noAnswer && a.lastQueue?.def.noAnswer === 'not-ready' && a.pendingNotReady === undefined) a.pendingNotReady = ACD_NO_ANSWER_REASON.code;
    this.afterCall(a);
  }

  private enterNotReady(a: AgentState, reason: string): void {
    for (const m of a.memberships) m.queue.readyCount--;
    a.reason = reason;
    this.setState(a, 'not-ready', reason);
  }

  private closeNotReady(a: AgentState): void {
    a.totals.addNotReady(a.reason!, this.clock.now() - a.since);
    delete a.reason;
  }

  /**
   * The agent is free: into every class heap of its queues, then the best waiting caller, if any.
   * `fresh` restarts its idle time and redraws its random key (false: a ring that came to nothing).
   */
  private becomeFree(a: AgentState, fresh: boolean): void {
    const now = this.clock.now();
    if (fresh) {
      a.idleSince = now;
      a.randKey = this.random();
    }
    this.setState(a, 'ready');
    for (const m of a.memberships) for (const [cls, cm] of m.classes) cls.agents.push(cm);
    this.matchAgent(a);
  }

  private unindex(a: AgentState): void {
    for (const m of a.memberships) for (const [cls, cm] of m.classes) cls.agents.remove(cm);
  }

  private setState(a: AgentState, state: AgentStateName, reason?: string): void {
    a.state = state;
    a.since = this.clock.now();
    this.emit({ type: 'AgentStateChanged', agent: a.id, state, ...(reason !== undefined ? { reason } : {}) });
  }

  // ---- decisions ----

  /** A caller just became waiting (joined, came back from a ring, relaxed): offer it if an agent is free. */
  private matchCaller(c: Caller): void {
    const picked = this.decider === 'index' ? this.indexAgentFor(c) : this.scanAgentFor(c);
    if (picked.length > 0) this.offer(c, picked);
  }

  /** An agent just became free: offer it the best caller it may take, if any. */
  private matchAgent(a: AgentState): void {
    const c = this.decider === 'index' ? this.indexCallerFor(a) : this.scanCallerFor(a);
    if (c) this.offer(c, [a.byQueue.get(c.queue.name)!]);
  }

  /** O(1) peek (ring-all: every idle agent of the class, O(k)). */
  private indexAgentFor(c: Caller): Membership[] {
    const heap = c.cls.agents;
    if (c.queue.def.strategy === 'ring-all') return ringAllOrder(c.cls, heap.values());
    const top = heap.peek();
    return top ? [top.m] : [];
  }

  /** O(agents) walk, same order as the heap. */
  private scanAgentFor(c: Caller): Membership[] {
    const before = c.cls.agentBefore;
    const all: ClassMember[] = [];
    let best: ClassMember | undefined;
    for (const a of this.agentList) {
      if (a.state !== 'ready') continue;
      const cm = a.byQueue.get(c.queue.name)?.classes.get(c.cls);
      if (!cm) continue;
      all.push(cm);
      if (!best || before(cm, best)) best = cm;
    }
    if (c.queue.def.strategy === 'ring-all') return ringAllOrder(c.cls, all);
    return best ? [best.m] : [];
  }

  /** One peek per class of each of the agent's queues, the highest-priority queues first. */
  private indexCallerFor(a: AgentState): Caller | undefined {
    let best: Caller | undefined;
    for (const m of a.memberships) {
      if (best && m.queue.priority < best.queue.priority) break;
      for (const cls of m.classes.keys()) {
        const top = cls.callers.peek();
        if (top && (!best || callerBeforeAcrossQueues(top, best))) best = top;
      }
    }
    return best;
  }

  /** O(callers) walk over every caller. */
  private scanCallerFor(a: AgentState): Caller | undefined {
    let best: Caller | undefined;
    for (const c of this.callers.values()) {
      if (c.state !== 'waiting') continue;
      const m = a.byQueue.get(c.queue.name);
      if (!m || !m.classes.has(c.cls)) continue;
      if (!best || callerBeforeAcrossQueues(c, best)) best = c;
    }
    return best;
  }

  private offer(c: Caller, members: Membership[]): void {
    const q = c.queue;
    c.cls.callers.remove(c);
    c.state = 'ringing';
    for (const m of members) {
      const a = m.agent;
      this.unindex(a);
      c.ringing.add(a);
      a.call = c;
      m.rrSeq = ++q.rrCounter;
      a.lastQueue = q;
      this.setState(a, 'ringing');
      this.emit({ type: 'CallOffered', callId: c.id, agent: a.id, queue: q.name, callback: c.callback !== undefined, ringTimeoutSec: q.def.ringTimeoutSec });
    }
    c.ringTimer = this.timer(q.def.ringTimeoutSec * 1000, () => this.ringTimedOut(c));
  }

  /** Back to its place after an offer came to nothing: at once, or after the queue's retry time. */
  private requeue(c: Caller): void {
    c.state = 'retry';
    const enter = () => {
      delete c.retryTimer;
      c.state = 'waiting';
      c.cls.callers.push(c);
      this.matchCaller(c);
    };
    if (c.queue.def.retrySec > 0) c.retryTimer = this.timer(c.queue.def.retrySec * 1000, () => enter());
    else enter();
  }

  private classFor(q: QueueState, req: Requirement): ReqClass {
    const key = requirementKey(req);
    let cls = q.classes.get(key);
    if (cls) return cls;
    // First caller with this requirement: index the queue's members once, O(members · log members).
    cls = newClass(q, req);
    q.classes.set(key, cls);
    for (const m of q.members) {
      const score = matchScore(m.agent.skills, req);
      if (score < 0) continue;
      const cm: ClassMember = { m, score };
      m.classes.set(cls, cm);
      if (m.agent.state === 'ready') cls.agents.push(cm);
    }
    return cls;
  }

  private stopCallerTimers(c: Caller): void {
    c.maxWaitTimer?.cancel();
    c.relaxTimer?.cancel();
    c.positionTimer?.cancel();
    c.waitTimer?.cancel();
    c.retryTimer?.cancel();
  }

  /** (Re)arms a waiting caller's timers from its join time: max wait, relaxation, announcements. */
  private armCallerTimers(c: Caller): void {
    c.maxWaitTimer?.cancel();
    c.relaxTimer?.cancel();
    c.positionTimer?.cancel();
    c.waitTimer?.cancel();
    const d = c.queue.def;
    // Someone waiting for a callback is off the line: no overflow, no announcements.
    const onLine = c.callback === undefined;
    if (onLine && d.maxWaitSec > 0) c.maxWaitTimer = this.timer(c.joinedAt + d.maxWaitSec * 1000 - this.clock.now(), () => this.overflowWaiting(c));
    this.scheduleRelax(c);
    if (onLine && d.announcePositionSec > 0) c.positionTimer = this.every(d.announcePositionSec * 1000, () => this.announcePosition(c));
    if (onLine && d.announceWaitSec > 0) c.waitTimer = this.every(d.announceWaitSec * 1000, () => this.announceWait(c));
  }

  // ---- configuration ----

  /** Builds or rebuilds queues, agents and indexes from `s`; see reconfigure. */
  private install(s: AcdSettings): void {
    const queueNames = new Set(s.queues.map((q) => q.name));
    const agentNumbers = new Set<string>();
    for (const def of s.agents) {
      if (agentNumbers.has(def.number)) throw new AcdError('unknown-agent', `agent ${def.number} is configured twice`);
      agentNumbers.add(def.number);
      for (const { queue } of def.queues) if (!queueNames.has(queue)) throw new AcdError('unknown-queue', `agent ${def.number} names no configured queue (${queue})`);
    }
    replaceAll(this.reasons, [...s.notReadyReasons.map((r) => r.code), ACD_NO_ANSWER_REASON.code]);
    replaceAll(this.skills, s.skills.map((k) => k.name));

    // Queues: a queue that stays is the same object (callers and agents point at it), its settings replaced.
    const kept = new Map<string, QueueState>();
    for (const def of s.queues) {
      const q = this.queues.get(def.name) ?? newQueue(def);
      q.def = def;
      q.priority = def.priority;
      q.vipNumbers = new Set(def.vipNumbers);
      q.members = [];
      q.classes.clear();
      q.loggedIn = 0;
      q.readyCount = 0;
      kept.set(def.name, q);
    }
    this.queues.clear();
    for (const [name, q] of kept) this.queues.set(name, q);

    // Agents: the same object too, keeping state, timers and totals; memberships are rebuilt.
    const now = this.clock.now();
    const removedAgents = this.agentList.filter((a) => !agentNumbers.has(a.id));
    this.agentList.length = 0;
    const newMembers: Membership[] = [];
    for (const def of s.agents) {
      const a = this.agents.get(def.number) ?? newAgent(def, 0, now);
      const before = new Map(a.byQueue);
      a.def = def;
      a.seq = this.agentList.length;
      a.skills = new Map(def.skills.map((k) => [k.skill, k.level]));
      a.memberships.length = 0;
      a.byQueue.clear();
      for (const { queue, penalty } of def.queues) {
        const q = kept.get(queue)!;
        const old = before.get(queue);
        const m: Membership = { agent: a, queue: q, penalty, position: q.members.length, calls: old?.calls ?? 0, rrSeq: old?.rrSeq ?? 0, classes: new Map() };
        if (!old) newMembers.push(m);
        q.members.push(m);
        a.memberships.push(m);
        a.byQueue.set(q.name, m);
      }
      a.memberships.sort((x, y) => y.queue.priority - x.queue.priority);
      if (a.state !== 'logged-out') {
        for (const m of a.memberships) { m.queue.loggedIn++; if (a.state !== 'not-ready') m.queue.readyCount++; }
      }
      this.agents.set(a.id, a);
      this.agentList.push(a);
    }
    // Round-robin memory: new members come before everyone already offered, in member order.
    const lowest = new Map<QueueState, number>();
    for (const q of kept.values()) lowest.set(q, Math.min(0, ...q.members.filter((m) => !newMembers.includes(m)).map((m) => m.rrSeq)));
    for (const m of newMembers) m.rrSeq = lowest.get(m.queue)! - m.queue.members.length + m.position;

    // Agents no longer configured: logged out now when free, after their call or ring otherwise.
    const leaving: AgentState[] = [];
    for (const a of removedAgents) {
      this.agents.delete(a.id);
      a.memberships.length = 0;
      a.byQueue.clear();
      if (a.state === 'ready' || a.state === 'not-ready') {
        if (a.state === 'not-ready') this.closeNotReady(a);
        delete a.pendingNotReady;
        this.setState(a, 'logged-out');
        this.emitAgentStats(a);
      } else if (a.state !== 'logged-out') {
        a.pendingLogout = true;
        if (a.state === 'ringing') leaving.push(a);
      }
    }

    // Callers: connected ones keep their queue object to the end of the call; the others are re-indexed.
    const freed: AgentState[] = [];
    for (const c of [...this.callers.values()]) {
      if (c.state === 'connected') continue;
      if (kept.get(c.queue.name) === c.queue) { this.refit(c); continue; }
      const to = removedQueueDestination(c.queue.def.overflow, s.queues, c.callback !== undefined);
      if (to.kind === 'queue') freed.push(...this.moveCaller(c, kept.get(to.name)!));
      else freed.push(...(this.overflowWaiting(c, 'queue-removed', to) ?? []));
    }
    for (const a of leaving) if (a.state === 'ringing' && a.call) this.declined(a, a.call, false);
    for (const a of freed) {
      if (a.pendingLogout) this.afterCall(a);
      else this.becomeFree(a, false);
    }
    // Every decision the new indexes allow, best caller first (the invariant holds again after).
    const waiting = [...this.callers.values()].filter((c) => c.state === 'waiting').sort((x, y) => (callerBeforeAcrossQueues(x, y) ? -1 : 1));
    for (const c of waiting) if (c.state === 'waiting') this.matchCaller(c);
  }

  /** A caller of a queue whose settings changed: requirement, class and timers as if it had joined under them. */
  private refit(c: Caller): void {
    const d = c.queue.def;
    c.baseReq = mergeRequirements(d.requiredSkills, c.ownSkills.filter((r) => this.skills.has(r.skill)));
    const waited = this.clock.now() - c.joinedAt;
    c.step = 0;
    if (c.baseReq.length > 0) while (c.step < d.relaxation.length && d.relaxation[c.step]!.afterSec * 1000 <= waited) c.step++;
    c.cls = this.classFor(c.queue, relaxedRequirement(d, c.baseReq, c.step));
    if (c.state === 'waiting') c.cls.callers.push(c);
    this.armCallerTimers(c);
  }

  /** Moves a caller of a removed queue into `to`, keeping its join time; returns the agents whose ring stopped. */
  private moveCaller(c: Caller, to: QueueState): AgentState[] {
    const from = c.queue;
    from.waiting.delete(c.id);
    c.ringTimer?.cancel();
    c.retryTimer?.cancel();
    const rung = [...c.ringing];
    c.ringing.clear();
    for (const a of rung) {
      this.emit({ type: 'RingingStopped', callId: c.id, agent: a.id, why: 'overflowed' });
      delete a.call;
    }
    from.totals.overflowed++;
    c.queue = to;
    c.state = 'waiting';
    to.waiting.set(c.id, c);
    to.totals.offered++;
    this.emit({ type: 'CallerMoved', callId: c.id, from: from.name, to: to.name, why: 'queue-removed' });
    this.refit(c);
    return rung;
  }

  private overflowOnJoin(q: QueueState, callId: string, why: OverflowWhy): void {
    q.totals.overflowed++;
    this.emit({ type: 'CallOverflowed', callId, queue: q.name, destination: q.def.overflow, why });
    this.emitQueueStats(q);
  }

  // ---- plumbing ----

  private timer(ms: number, fn: () => void): TimerHandle {
    return this.clock.setTimer(ms, () => {
      try {
        fn();
      } finally {
        this.flush();
      }
    });
  }

  /** A repeating timer; cancelling the handle stops the series. */
  private every(ms: number, fn: () => void): TimerHandle {
    let h: TimerHandle;
    let stopped = false;
    const tick = () => {
      if (stopped) return;
      fn();
      h = this.timer(ms, tick);
    };
    h = this.timer(ms, tick);
    return { cancel: () => { stopped = true; h.cancel(); } };
  }

  private emit(cmd: AcdCommand): void {
    this.outbox.push(cmd);
  }

  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let i = 0; i < this.outbox.length; i++) this.listener(this.outbox[i]!);
    } finally {
      this.outbox.length = 0;
      this.flushing = false;
    }
  }

  private emitQueueStats(q: QueueState): void {
    // By object: a queue removed from the configuration still counts the calls it had connected.
    this.emit({ type: 'QueueStatsUpdated', queue: q.name, stats: this.queueStatsOf(q) });
  }

  private emitAgentStats(a: AgentState): void {
    // statsOf, not agentStats: an agent removed from the configuration still finishes its call.
    this.emit({ type: 'AgentStatsUpdated', agent: a.id, stats: this.statsOf(a) });
  }

  private queue(name: string): QueueState {
    const q = this.queues.get(name);
    if (!q) throw new AcdError('unknown-queue', `no queue named ${name}`);
    return q;
  }

  private agent(id: string): AgentState {
    const a = this.agents.get(id);
    if (!a) throw new AcdError('unknown-agent', `no agent ${id}`);
    return a;
  }

  private caller(id: string): Caller {
    const c = this.callers.get(id);
    if (!c) throw new AcdError('unknown-call', `no queued call ${id}`);
    return c;
  }

  private ringingCall(agent: string, callId: string): Caller {
    const a = this.agent(agent);
    const c = this.caller(callId);
    if (a.state !== 'ringing' || a.call !== c) throw new AcdError('bad-state', `agent ${agent} is not ringing with call ${callId}`);
    return c;
  }
}

/**
 * Where callers of a removed queue go: its overflow when that is a queue still configured, an
 * extension or a voicemail box (not for a callback, whose caller is off the line), else the first queue configured,
 * else a hang-up.
 */
function removedQueueDestination(overflow: AcdOverflowDestination, queues: readonly AcdQueueSettings[], callback: boolean): AcdOverflowDestination {
  if (overflow.kind === 'queue' && queues.some((q) => q.name === overflow.name)) return overflow;
  if ((overflow.kind === 'extension' || overflow.kind === 'voicemail') && !callback) return overflow;
  const first = queues[0];
  return first ? { kind: 'queue', name: first.name } : { kind: 'hangup' };
}

/** Replaces a set's contents in place. */
function replaceAll<T>(set: Set<T>, items: Iterable<T>): void {
  set.clear();
  for (const i of items) set.add(i);
}

/** Ring-all rings in the class order (the commands then come in a stable order). O(k log k). */
function ringAllOrder(cls: ReqClass, members: readonly ClassMember[]): Membership[] {
  return [...members].sort((a, b) => (cls.agentBefore(a, b) ? -1 : 1)).map((cm) => cm.m);
}

/** The queue's requirement with the caller's own added (the higher level wins), sorted by skill. */
function mergeRequirements(queue: AcdSkillRequirement[], caller: AcdSkillRequirement[]): Requirement {
  const m = new Map<string, number>();
  for (const r of [...queue, ...caller]) m.set(r.skill, Math.max(m.get(r.skill) ?? 0, r.minLevel));
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
