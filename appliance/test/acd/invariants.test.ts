// Property tests: random event streams against random configurations. After every event the
// engine's invariants hold, no agent is ever offered a second call, no call rings two agents
// outside ring-all, and the indexed decider decides exactly as the naive full scan does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AcdError, type AcdCommand, type AcdEvent } from '../../src/acd/index.ts';
import type { AcdConfig, AcdStrategy } from '../../src/config/index.ts';
import { Bench } from './harness.ts';

const STRATEGIES: AcdStrategy[] = ['ring-all', 'longest-idle', 'round-robin', 'fewest-calls', 'random', 'linear'];
const SKILLS = ['a', 'b', 'c'];
const AGENTS = ['8001', '8002', '8003', '8004', '8005', '8006'];

const configArb: fc.Arbitrary<AcdConfig> = fc.record({
  strategies: fc.array(fc.constantFrom(...STRATEGIES), { minLength: 3, maxLength: 3 }),
  priorities: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
  required: fc.array(fc.option(fc.record({ skill: fc.constantFrom(...SKILLS), minLevel: fc.integer({ min: 1, max: 5 }) }), { nil: undefined }), { minLength: 3, maxLength: 3 }),
  agents: fc.array(
    fc.record({
      skills: fc.uniqueArray(fc.record({ skill: fc.constantFrom(...SKILLS), level: fc.integer({ min: 1, max: 5 }) }), { selector: (s) => s.skill, maxLength: 3 }),
      queues: fc.uniqueArray(fc.record({ queue: fc.constantFrom('q0', 'q1', 'q2'), penalty: fc.integer({ min: 0, max: 1 }) }), { selector: (m) => m.queue, minLength: 1, maxLength: 3 }),
    }),
    { minLength: AGENTS.length, maxLength: AGENTS.length },
  ),
}).map((r) => ({
  skills: SKILLS.map((name) => ({ name })),
  queues: [0, 1, 2].map((i) => ({
    name: `q${i}`, strategy: r.strategies[i]!, priority: r.priorities[i]!, ringTimeoutSec: 5, retrySec: i, wrapUpSec: 2 * i,
    maxWaitSec: 40, maxLength: 6, callbackAllowed: true, vipIvrDigit: '9', announcePositionSec: 7, announceWaitSec: 11,
    noAnswer: i === 1 ? 'stay-ready' as const : 'not-ready' as const,
    ...(r.required[i] ? { requiredSkills: [r.required[i]!], relaxation: [{ afterSec: 8, lowerLevelsBy: 2 }, { afterSec: 16, anyAgent: true }] } : {}),
  })),
  agents: AGENTS.map((number, i) => ({ number, ...r.agents[i]! })),
}));

/** One step: an event built from the state of the engine at that moment, or time passing. */
type Step =
  | { kind: 'join'; queue: number; prio: number; vip: boolean; skill?: string }
  | { kind: 'agent'; agent: number; action: 'login' | 'logout' | 'ready' | 'break' }
  | { kind: 'ringing'; pick: number; action: 'answer' | 'reject' | 'noanswer' }
  | { kind: 'caller'; pick: number; action: 'abandon' | 'end' | 'callback' }
  | { kind: 'wait'; ms: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('join' as const), queue: fc.integer({ min: 0, max: 2 }), prio: fc.integer({ min: 0, max: 2 }), vip: fc.boolean(), skill: fc.option(fc.constantFrom(...SKILLS), { nil: undefined }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('agent' as const), agent: fc.integer({ min: 0, max: AGENTS.length - 1 }), action: fc.constantFrom('login' as const, 'logout' as const, 'ready' as const, 'break' as const) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('ringing' as const), pick: fc.nat(), action: fc.constantFrom('answer' as const, 'answer' as const, 'answer' as const, 'reject' as const, 'noanswer' as const) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('caller' as const), pick: fc.nat(), action: fc.constantFrom('abandon' as const, 'end' as const, 'end' as const, 'end' as const, 'callback' as const) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 9_000 }) }), weight: 2 },
);

/** Turns a step into an engine event, reading the engine's state through its commands so far. */
function eventFor(step: Step, b: Bench, n: number): AcdEvent | undefined {
  switch (step.kind) {
    case 'join':
      return { type: 'CallerJoined', callId: `c${n}`, queue: `q${step.queue}`, priority: step.prio, callerNumber: `1380000${n}`, ...(step.vip ? { ivrDigit: '9' } : {}), ...(step.skill ? { skills: [{ skill: step.skill, minLevel: 2 }] } : {}) };
    case 'agent': {
      const agent = AGENTS[step.agent]!;
      if (step.action === 'login') return { type: 'AgentLoggedIn', agent };
      if (step.action === 'logout') return { type: 'AgentLoggedOut', agent };
      if (step.action === 'ready') return { type: 'AgentReady', agent };
      return { type: 'AgentNotReady', agent, reason: 'break' };
    }
    case 'ringing': {
      const ringing = AGENTS.map((a) => ({ a, s: b.engine.agentState(a) })).filter((x) => x.s.state === 'ringing');
      if (ringing.length === 0) return undefined;
      const { a, s } = ringing[step.pick % ringing.length]!;
      const type = step.action === 'answer' ? 'AgentAnswered' : step.action === 'reject' ? 'AgentRejected' : 'AgentNoAnswer';
      return { type, agent: a, callId: s.callId! };
    }
    case 'caller': {
      const calls = [...new Set(AGENTS.map((a) => b.engine.agentState(a)).filter((s) => s.state === 'on-call').map((s) => s.callId!))];
      const waiting = ['q0', 'q1', 'q2'].flatMap((q) => b.engine.waitingIn(q));
      if (step.action === 'end') return calls.length ? { type: 'CallEnded', callId: calls[step.pick % calls.length]! } : undefined;
      if (waiting.length === 0) return undefined;
      const callId = waiting[step.pick % waiting.length]!;
      return step.action === 'abandon' ? { type: 'CallerAbandoned', callId } : { type: 'CallbackRequested', callId };
    }
    case 'wait':
      return undefined;
  }
}

/** Watches the command stream for double offers. */
function offerWatcher(config: AcdConfig) {
  const ringAll = new Set(config.queues!.filter((q) => q.strategy === 'ring-all').map((q) => q.name));
  const agentCall = new Map<string, string>();
  const problems: string[] = [];
  return {
    problems,
    see(c: AcdCommand): void {
      if (c.type === 'CallOffered') {
        if (agentCall.has(c.agent)) problems.push(`${c.agent} offered ${c.callId} while holding ${agentCall.get(c.agent)}`);
        const holders = [...agentCall.values()].filter((x) => x === c.callId).length;
        if (holders > 0 && !ringAll.has(c.queue)) problems.push(`${c.callId} offered to ${c.agent} while with another agent`);
        agentCall.set(c.agent, c.callId);
      } else if (c.type === 'RingingStopped') {
        if (agentCall.get(c.agent) !== c.callId) problems.push(`${c.agent} stops ringing for ${c.callId} it was not offered`);
        agentCall.delete(c.agent);
      } else if (c.type === 'AgentStateChanged' && c.state === 'ringing' && agentCall.has(c.agent)) {
        problems.push(`${c.agent} rings again while holding ${agentCall.get(c.agent)}`);
      } else if (c.type === 'AgentStateChanged' && c.state !== 'ringing' && c.state !== 'on-call') {
        agentCall.delete(c.agent);
      }
    },
  };
}

test('random event streams: invariants hold, no double offers, and indexes decide exactly like a full scan', () => {
  fc.assert(
    fc.property(configArb, fc.array(stepArb, { minLength: 20, maxLength: 120 }), fc.integer(), (config, steps, seed) => {
      const rng = (s: number) => () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
      const indexed = new Bench(config, { random: rng(seed), decider: 'index' });
      const scanned = new Bench(config, { random: rng(seed), decider: 'scan' });
      const watch = offerWatcher(config);
      // Everyone starts logged in, so the stream spends its steps on calls rather than on logins.
      for (const agent of AGENTS) {
        indexed.send({ type: 'AgentLoggedIn', agent });
        scanned.send({ type: 'AgentLoggedIn', agent });
      }
      steps.forEach((step, n) => {
        if (step.kind === 'wait') {
          indexed.clock.advance(step.ms);
          scanned.clock.advance(step.ms);
        } else {
          const ev = eventFor(step, indexed, n);
          if (ev) {
            let err1: unknown;
            let err2: unknown;
            try { indexed.engine.handle(ev); } catch (e) { err1 = e; }
            try { scanned.engine.handle(ev); } catch (e) { err2 = e; }
            if (err1 !== undefined && !(err1 instanceof AcdError)) throw err1;
            assert.equal(String(err1), String(err2));
          }
        }
        for (const c of indexed.commands) watch.see(c);
        assert.deepEqual(indexed.commands, scanned.commands, `step ${n} ${JSON.stringify(step)}`);
        indexed.clear();
        scanned.clear();
        assert.deepEqual(indexed.engine.invariantViolations(), [], `after step ${n} ${JSON.stringify(step)}`);
        assert.deepEqual(watch.problems, []);
      });
    }),
    { includeErrorInReport: true, numRuns: Number(process.env.ACD_RUNS ?? 150), ...(process.env.ACD_SEED ? { seed: Number(process.env.ACD_SEED), path: process.env.ACD_PATH, endOnFailure: true } : {}) },
  );
});
