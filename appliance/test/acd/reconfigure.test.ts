// AcdEngine.reconfigure: a configuration change applied to a running engine (issue 6: ACD
// changes without a PBX restart). Nobody waiting is dropped, logged-in agents stay logged in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AcdError } from '../../src/acd/index.ts';
import { Bench, agents } from './harness.ts';

test('a caller waiting in a removed queue moves to its overflow queue keeping its join time, and the agent there gets it', () => {
  const b = new Bench({ queues: [{ name: 'old', overflow: { kind: 'queue', name: 'new' } }, { name: 'new' }], agents: agents(1, ['new']) });
  b.join('c1', 'old');
  b.advanceSec(30);
  b.clear();
  b.reconfigure({ queues: [{ name: 'new' }], agents: agents(1, ['new']) });
  assert.deepEqual(b.all('CallerMoved'), [{ type: 'CallerMoved', callId: 'c1', from: 'old', to: 'new', why: 'queue-removed' }]);
  assert.deepEqual(b.all('CallOverflowed'), []);
  assert.deepEqual(b.engine.waitingIn('new'), ['c1']);
  b.login('8001');
  assert.deepEqual(b.offers(), [['c1', '8001']]);
  b.answer('8001', 'c1');
  // The wait counts from the first join, in the first queue.
  assert.equal(b.all('CallConnected')[0]!.waitMs, 30_001);
  assert.deepEqual(b.engine.invariantViolations(), []);
});

test('removed queue whose overflow is a hang-up or a removed queue: callers go to the first queue left; with none left they hang up', () => {
  const b = new Bench({ queues: [{ name: 'a' }, { name: 'b', overflow: { kind: 'queue', name: 'a' } }, { name: 'c' }] });
  b.join('c1', 'a').join('c2', 'b');
  b.clear();
  b.reconfigure({ queues: [{ name: 'c' }] });
  assert.deepEqual(b.all('CallerMoved').map((m) => [m.callId, m.to]), [['c1', 'c'], ['c2', 'c']]);
  assert.deepEqual(b.engine.waitingIn('c'), ['c1', 'c2'], 'the older caller first');
  b.clear();
  b.reconfigure({ queues: [] });
  assert.deepEqual(b.all('CallOverflowed').map((o) => [o.callId, o.destination.kind, o.why]), [['c1', 'hangup', 'queue-removed'], ['c2', 'hangup', 'queue-removed']]);
});

test('removed queue overflowing to an extension: the caller is sent there (CallOverflowed queue-removed)', () => {
  const b = new Bench({ queues: [{ name: 'q', overflow: { kind: 'extension', number: '1009' } }, { name: 'other' }] });
  b.join('c1', 'q');
  b.clear();
  b.reconfigure({ queues: [{ name: 'other' }] });
  assert.deepEqual(b.all('CallOverflowed'), [{ type: 'CallOverflowed', callId: 'c1', queue: 'q', destination: { kind: 'extension', number: '1009' }, why: 'queue-removed' }]);
  assert.equal(b.engine.queueStats('other').waiting, 0);
});

test('a removed queue ringing an agent: the ring stops (overflowed), the caller moves on and the agent is free for the next caller', () => {
  const b = new Bench({ queues: [{ name: 'gone', overflow: { kind: 'queue', name: 'stay' } }, { name: 'stay' }], agents: [{ number: '8001', queues: [{ queue: 'gone' }, { queue: 'stay' }] }] });
  b.login('8001');
  b.join('c1', 'gone');
  assert.deepEqual(b.offers(), [['c1', '8001']]);
  b.clear();
  b.reconfigure({ queues: [{ name: 'stay' }], agents: [{ number: '8001', queues: [{ queue: 'stay' }] }] });
  assert.deepEqual(b.all('RingingStopped').map((r) => [r.agent, r.why]), [['8001', 'overflowed']]);
  // Still the same caller, now in stay, and the agent (member of stay) is offered it again.
  assert.deepEqual(b.offers(), [['c1', '8001']]);
  assert.equal(b.engine.agentState('8001').state, 'ringing');
  assert.deepEqual(b.engine.invariantViolations(), []);
});

test('logged-in agents stay logged in, in the state they were in; a call connected from a removed queue ends normally with its wrap-up', () => {
  const b = new Bench({ queues: [{ name: 'q', wrapUpSec: 5 }, { name: 'r' }], agents: agents(3, ['q', 'r']) });
  b.login('8001', '8002', '8003');
  b.send({ type: 'AgentNotReady', agent: '8002', reason: 'break' });
  b.join('c1', 'q');
  b.answer('8001', 'c1');
  b.clear();
  b.reconfigure({ queues: [{ name: 'r' }], agents: agents(3, ['r']) });
  assert.deepEqual(b.all('AgentStateChanged'), [], 'nobody changed state');
  assert.equal(b.engine.agentState('8001').state, 'on-call');
  assert.deepEqual(b.engine.agentState('8002'), { state: 'not-ready', reason: 'break' });
  assert.equal(b.engine.agentState('8003').state, 'ready');
  b.advanceSec(60);
  b.end('c1');
  assert.equal(b.engine.agentState('8001').state, 'wrap-up', 'the removed queue\'s wrap-up still applies');
  b.advanceSec(5);
  assert.equal(b.engine.agentState('8001').state, 'ready');
  // And the join-empty counts were rebuilt: r has agents logged in and ready.
  b.join('c2', 'r');
  assert.equal(b.all('CallOffered').at(-1)?.callId, 'c2');
});

test('changed queue settings apply to callers already waiting: a new max wait counts from their join, a new ring timeout on the next offer', () => {
  const b = new Bench({ queues: [{ name: 'q', ringTimeoutSec: 30 }], agents: agents(1, ['q']) });
  b.join('c1', 'q');
  b.advanceSec(50);
  b.reconfigure({ queues: [{ name: 'q', ringTimeoutSec: 5, maxWaitSec: 60, overflow: { kind: 'extension', number: '1001' } }], agents: agents(1, ['q']) });
  b.clear();
  b.join('c2', 'q');
  b.login('8001');
  assert.deepEqual(b.all('CallOffered').map((o) => [o.callId, o.ringTimeoutSec]), [['c1', 5]]);
  b.advanceSec(5);
  assert.deepEqual(b.all('RingingStopped').map((r) => r.why), ['timeout']);
  b.advanceSec(5);
  assert.deepEqual(b.all('CallOverflowed').map((o) => [o.callId, o.why]), [['c1', 'max-wait']], 'c1 overflows 60 s after it joined; c2 does not');
});

test('a changed strategy orders the idle agents anew: linear becomes round-robin', () => {
  const cfg = (strategy: 'linear' | 'round-robin') => ({ queues: [{ name: 'q', strategy, wrapUpSec: 0 }], agents: agents(2, ['q']) });
  const b = new Bench(cfg('linear'));
  b.login('8001', '8002');
  for (const id of ['c1', 'c2']) { b.join(id, 'q'); b.answer('8001', id); b.end(id); }
  assert.deepEqual(b.offers().map(([, a]) => a), ['8001', '8001'], 'linear: always the first');
  b.reconfigure(cfg('round-robin'));
  for (const id of ['c3', 'c4']) { b.join(id, 'q'); const a = b.offers().at(-1)![1]; b.answer(a, id); b.end(id); }
  assert.deepEqual(b.offers().slice(2).map(([, a]) => a), ['8002', '8001'], 'round-robin with memory: 8002 was offered least recently');
});

test('new skills of an agent make it eligible at once for a caller who was waiting for them', () => {
  const base = { skills: [{ name: 'water' }], queues: [{ name: 'q', requiredSkills: [{ skill: 'water', minLevel: 5 }] }] };
  const b = new Bench({ ...base, agents: [{ number: '8001', skills: [{ skill: 'water', level: 3 }], queues: [{ queue: 'q' }] }] });
  b.login('8001');
  b.join('c1', 'q');
  assert.deepEqual(b.offers(), []);
  b.reconfigure({ ...base, agents: [{ number: '8001', skills: [{ skill: 'water', level: 6 }], queues: [{ queue: 'q' }] }] });
  assert.deepEqual(b.offers(), [['c1', '8001']]);
});

test('a queue and an agent added: the agent logs in and serves the new queue', () => {
  const b = new Bench({ queues: [{ name: 'q' }], agents: agents(1, ['q']) });
  b.reconfigure({ queues: [{ name: 'q' }, { name: 'billing' }], agents: [...agents(1, ['q']), { number: '8100', queues: [{ queue: 'billing' }] }] });
  b.join('c1', 'billing');
  b.login('8100');
  assert.deepEqual(b.offers(), [['c1', '8100']]);
});

test('an agent removed from the configuration: logged out when free; while ringing the offer ends and the caller goes to the next agent', () => {
  const b = new Bench({ queues: [{ name: 'q', strategy: 'linear' }], agents: agents(3, ['q']) });
  b.login('8001', '8002', '8003');
  b.join('c1', 'q');
  assert.deepEqual(b.offers(), [['c1', '8001']]);
  b.clear();
  b.reconfigure({ queues: [{ name: 'q', strategy: 'linear' }], agents: agents(3, ['q']).slice(2) });
  assert.deepEqual(b.all('RingingStopped').map((r) => [r.agent, r.why]), [['8001', 'rejected']]);
  assert.deepEqual(b.all('AgentStateChanged').filter((s) => s.state === 'logged-out').map((s) => s.agent).sort(), ['8001', '8002']);
  assert.deepEqual(b.offers(), [['c1', '8003']]);
  assert.throws(() => b.engine.agentState('8001'), AcdError);
  assert.deepEqual(b.engine.invariantViolations(), []);
});

test('an inconsistent configuration is refused whole (AcdError) and the engine goes on with the old one', () => {
  const b = new Bench({ queues: [{ name: 'q' }], agents: agents(1, ['q']) });
  b.login('8001');
  assert.throws(() => b.reconfigure({ queues: [{ name: 'other' }], agents: agents(1, ['q']) }), (e: unknown) => e instanceof AcdError && e.code === 'unknown-queue');
  b.join('c1', 'q');
  assert.deepEqual(b.offers(), [['c1', '8001']]);
});
