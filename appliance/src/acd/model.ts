// The engine's in-memory state and the orders its indexes keep. Internal to src/acd.
import type { TimerHandle } from '../sip/clock.ts';
import type { AcdAgentSettings, AcdQueueSettings } from '../config/defaults.ts';
import type { AcdSkillRequirement } from '../config/types.ts';
import { IndexedHeap } from './indexed-heap.ts';
import type { AgentStateName } from './events.ts';
import { AgentTotals, QueueTotals } from './stats.ts';

/** A skill requirement after relaxation: [skill, minimum level] pairs, sorted by skill. Empty: any agent. */
export type Requirement = ReadonlyArray<readonly [string, number]>;

/** A queue and everything indexed under it. */
export interface QueueState {
  /** Settings; replaced in place by a configuration change (AcdEngine.reconfigure), as are priority, VIP numbers and members. */
  def: AcdQueueSettings;
  readonly name: string;
  priority: number;
  /** VIP caller numbers, as a set: a join looks one up in O(1). */
  vipNumbers: ReadonlySet<string>;
  /** Members in configuration order (linear strategy). */
  members: Membership[];
  /** Requirement classes created so far, by key. */
  readonly classes: Map<string, ReqClass>;
  /** Callers not yet connected, in arrival order (oldest first): positions, oldest wait, max length. */
  readonly waiting: Map<string, Caller>;
  /** Members logged in / logged in and not in not-ready (join-empty rules). */
  loggedIn: number;
  readyCount: number;
  /** Round-robin memory: the last sequence handed out. */
  rrCounter: number;
  readonly totals: QueueTotals;
}

/** An agent's membership of one queue, with the per-queue keys the strategies order by. */
export interface Membership {
  readonly agent: AgentState;
  readonly queue: QueueState;
  readonly penalty: number;
  /** Place in the queue's member list (linear). */
  readonly position: number;
  /** Calls answered from this queue (fewest-calls). */
  calls: number;
  /** When this member was last offered a call from the queue (round-robin with memory). */
  rrSeq: number;
  /** The requirement classes of this queue the agent qualifies for. */
  readonly classes: Map<ReqClass, ClassMember>;
}

/** An agent in a requirement class: the heap element, with its skill score. */
export interface ClassMember {
  readonly m: Membership;
  /** Sum of the agent's levels in the required skills: higher is a better match. */
  readonly score: number;
}

/** All callers of a queue needing the same skills, and the idle agents who have them. */
export interface ReqClass {
  readonly key: string;
  readonly queue: QueueState;
  readonly req: Requirement;
  /** The order of `agents` (the scan decider uses it too). */
  readonly agentBefore: (a: ClassMember, b: ClassMember) => boolean;
  readonly agents: IndexedHeap<ClassMember>;
  readonly callers: IndexedHeap<Caller>;
}

/** A logged-in or configured agent. */
export interface AgentState {
  /** Settings; replaced in place by a configuration change, with seq, skills and memberships. */
  def: AcdAgentSettings;
  readonly id: string;
  seq: number;
  skills: ReadonlyMap<string, number>;
  /** Memberships, highest queue priority first (a shared agent serves the higher queue first). */
  readonly memberships: Membership[];
  readonly byQueue: Map<string, Membership>;
  state: AgentStateName;
  /** Since when the agent is in `state` (wrap-up and not-ready timing). */
  since: number;
  reason?: string;
  /** When the agent last became free (longest-idle). */
  idleSince: number;
  /** Random key drawn on becoming free (random strategy: the minimum of i.i.d. keys is a uniform pick). */
  randKey: number;
  /** The call ringing or connected. */
  call?: Caller;
  /** Not ready (reason) or logged out as soon as the current call, ring or wrap-up is over. */
  pendingNotReady?: string;
  pendingLogout: boolean;
  /** Queue of the last call offered (its wrap-up time, no-answer policy and handle time). */
  lastQueue?: QueueState;
  wrapTimer?: TimerHandle;
  readonly totals: AgentTotals;
}

/** A caller from joining until connected (or gone). */
export interface Caller {
  readonly id: string;
  /** The queue; a caller of a queue removed by a configuration change moves to another one. */
  queue: QueueState;
  readonly seq: number;
  readonly priority: number;
  readonly joinedAt: number;
  readonly number?: string;
  /** Skills the caller itself needs (from the IVR), kept to merge again with a changed queue's. */
  readonly ownSkills: readonly AcdSkillRequirement[];
  /** Queue requirement merged with the caller's own, before relaxation. */
  baseReq: Requirement;
  /** Relaxation steps applied so far. */
  step: number;
  /** The class matching the requirement at the current step. */
  cls: ReqClass;
  state: 'waiting' | 'retry' | 'ringing' | 'connected';
  /** Agents whose phones ring with this caller (more than one only with ring-all). */
  readonly ringing: Set<AgentState>;
  agent?: AgentState;
  answeredAt?: number;
  callback?: string;
  ringTimer?: TimerHandle;
  retryTimer?: TimerHandle;
  maxWaitTimer?: TimerHandle;
  relaxTimer?: TimerHandle;
  positionTimer?: TimerHandle;
  waitTimer?: TimerHandle;
}

/** Canonical key of a requirement ('*' for any agent). */
export function requirementKey(req: Requirement): string {
  return req.length === 0 ? '*' : req.map(([s, l]) => `${s}:${l}`).join(',');
}

/** The requirement after `step` relaxation steps. */
export function relaxedRequirement(q: AcdQueueSettings, base: Requirement, step: number): Requirement {
  let lower = 0;
  for (let i = 0; i < step; i++) {
    const s = q.relaxation[i]!;
    if (s.anyAgent) return [];
    lower += s.lowerLevelsBy ?? 0;
  }
  return lower === 0 ? base : base.map(([s, l]) => [s, Math.max(1, l - lower)] as const);
}

/** The agent's score for a requirement, or -1 when a skill is missing or too low. */
export function matchScore(skills: ReadonlyMap<string, number>, req: Requirement): number {
  let score = 0;
  for (const [s, min] of req) {
    const l = skills.get(s);
    if (l === undefined || l < min) return -1;
    score += l;
  }
  return score;
}

/**
 * The order of idle agents in a class: lower penalty, then better skill match, then the
 * queue's strategy key, then agent sequence (a strict total order).
 */
export function agentOrder(q: AcdQueueSettings): (a: ClassMember, b: ClassMember) => boolean {
  const strategyKey = (a: Membership, b: Membership): number => {
    switch (q.strategy) {
      case 'longest-idle': return a.agent.idleSince - b.agent.idleSince;
      case 'round-robin': return a.rrSeq - b.rrSeq;
      case 'fewest-calls': return a.calls - b.calls || a.agent.idleSince - b.agent.idleSince;
      case 'random': return a.agent.randKey - b.agent.randKey;
      case 'linear':
      case 'ring-all': return a.position - b.position;
    }
  };
  return (a, b) => {
    const d = a.m.penalty - b.m.penalty || b.score - a.score || strategyKey(a.m, b.m) || a.m.agent.seq - b.m.agent.seq;
    return d < 0;
  };
}

/** The order of waiting callers of one queue: higher priority, then longer wait (earlier join), then arrival. */
export function callerBefore(a: Caller, b: Caller): boolean {
  const d = b.priority - a.priority || a.joinedAt - b.joinedAt || a.seq - b.seq;
  return d < 0;
}

/** Across queues (a shared agent choosing): higher queue priority first, then callerBefore. */
export function callerBeforeAcrossQueues(a: Caller, b: Caller): boolean {
  if (a.queue.priority !== b.queue.priority) return a.queue.priority > b.queue.priority;
  return callerBefore(a, b);
}

/** Creates the state of a queue. */
export function newQueue(def: AcdQueueSettings): QueueState {
  return { def, name: def.name, priority: def.priority, vipNumbers: new Set(def.vipNumbers), members: [], classes: new Map(), waiting: new Map(), loggedIn: 0, readyCount: 0, rrCounter: 0, totals: new QueueTotals() };
}

/** Creates the state of an agent (logged out). */
export function newAgent(def: AcdAgentSettings, seq: number, now: number): AgentState {
  return {
    def, id: def.number, seq, skills: new Map(def.skills.map((s) => [s.skill, s.level])), memberships: [], byQueue: new Map(),
    state: 'logged-out', since: now, idleSince: now, randKey: 0, pendingLogout: false, totals: new AgentTotals(),
  };
}

/** Creates a requirement class of a queue, empty; the engine fills it. */
export function newClass(queue: QueueState, req: Requirement): ReqClass {
  const agentBefore = agentOrder(queue.def);
  return { key: requirementKey(req), queue, req, agentBefore, agents: new IndexedHeap(agentBefore), callers: new IndexedHeap(callerBefore) };
}
