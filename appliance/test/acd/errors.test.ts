import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AcdEngine, AcdError } from '../../src/acd/index.ts';
import { acdSettings, defaultConfig } from '../../src/config/index.ts';
import { FakeClock } from '../../src/sip/clock.ts';
import { Bench, agents } from './harness.ts';

const code = (c: string) => (e: unknown) => e instanceof AcdError && e.code === c;

test('bad input is refused with a typed error and changes nothing', () => {
  const b = new Bench({ skills: [{ name: 'billing' }], queues: [{ name: 'q' }], agents: agents(2, ['q']) });
  b.login('8001');
  b.join('c1', 'q');
  const before = { a1: b.engine.agentState('8001'), a2: b.engine.agentState('8002'), q: b.engine.queueStats('q') };
  b.clear();
  assert.throws(() => b.join('c2', 'nowhere'), code('unknown-queue'));
  assert.throws(() => b.join('c1', 'q'), code('duplicate-call'));
  assert.throws(() => b.join('c3', 'q', { priority: -1 }), code('bad-priority'));
  assert.throws(() => b.join('c3', 'q', { skills: [{ skill: 'gas', minLevel: 2 }] }), code('unknown-skill'));
  assert.throws(() => b.join('c3', 'q', { skills: [{ skill: 'billing', minLevel: 0 }] }), code('unknown-skill'));
  assert.throws(() => b.send({ type: 'AgentLoggedIn', agent: '9999' }), code('unknown-agent'));
  assert.throws(() => b.send({ type: 'AgentLoggedIn', agent: '8001' }), code('bad-state'));
  assert.throws(() => b.send({ type: 'AgentReady', agent: '8002' }), code('bad-state'));
  assert.throws(() => b.send({ type: 'AgentNotReady', agent: '8002', reason: 'break' }), code('bad-state'));
  assert.throws(() => b.send({ type: 'AgentLoggedOut', agent: '8002' }), code('bad-state'));
  assert.throws(() => b.answer('8002', 'c1'), code('bad-state'));
  assert.throws(() => b.answer('8001', 'nope'), code('unknown-call'));
  assert.throws(() => b.send({ type: 'CallerAbandoned', callId: 'nope' }), code('unknown-call'));
  assert.throws(() => b.send({ type: 'Bogus' } as never), code('bad-state'));
  assert.deepEqual(b.commands, []);
  assert.deepEqual({ a1: b.engine.agentState('8001'), a2: b.engine.agentState('8002'), q: b.engine.queueStats('q') }, before);
  assert.deepEqual(b.engine.invariantViolations(), []);
  // And the engine carries on.
  b.answer('8001', 'c1');
  assert.equal(b.engine.agentState('8001').state, 'on-call');
});

test('a listener that feeds an event back (auto-answer) sees a consistent engine and ordered commands', () => {
  const seen: string[] = [];
  const engine: AcdEngine = new AcdEngine({
    settings: acdSettings({ ...defaultConfig(), acd: { queues: [{ name: 'q', wrapUpSec: 0 }], agents: agents(1, ['q']) } }),
    clock: new FakeClock(),
    listener: (c) => {
      if (c.type === 'CallOffered' || c.type === 'CallConnected' || c.type === 'AgentStateChanged') seen.push(`${c.type}:${'state' in c ? c.state : c.callId}`);
      if (c.type === 'CallOffered') engine.handle({ type: 'AgentAnswered', agent: c.agent, callId: c.callId });
    },
  });
  engine.handle({ type: 'AgentLoggedIn', agent: '8001' });
  engine.handle({ type: 'CallerJoined', callId: 'c1', queue: 'q' });
  assert.deepEqual(seen, ['AgentStateChanged:ready', 'AgentStateChanged:ringing', 'CallOffered:c1', 'AgentStateChanged:on-call', 'CallConnected:c1']);
  assert.equal(engine.agentState('8001').state, 'on-call');
});
