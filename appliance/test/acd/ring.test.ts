import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bench, agents } from './harness.ts';

test('ring timeout: the phone stops, the next agent is rung, and the agent who let it ring goes not ready (no-answer)', () => {
  const b = new Bench({ queues: [{ name: 'q', ringTimeoutSec: 10 }], agents: agents(2, ['q']) });
  b.login('8001', '8002');
  b.clear();
  b.join('c1', 'q');
  assert.deepEqual(b.offers(), [['c1', '8001']]);
  b.advanceSec(9.999);
  assert.equal(b.all('RingingStopped').length, 0);
  b.advanceSec(0.001);
  assert.deepEqual(b.all('RingingStopped').map((r) => [r.agent, r.why]), [['8001', 'timeout']]);
  assert.deepEqual(b.offers(), [['c1', '8001'], ['c1', '8002']]);
  assert.deepEqual(b.engine.agentState('8001'), { state: 'not-ready', reason: 'no-answer' });
  assert.equal(b.engine.agentStats('8001').missed, 1);
  b.advanceSec(30);
  assert.equal(b.engine.agentStats('8001').notReadyMs['no-answer'], 30_000);
});

test('ring timeout with stay-ready: the agent stays ready but goes to the back of the idle order', () => {
  const b = new Bench({ queues: [{ name: 'q', ringTimeoutSec: 10, noAnswer: 'stay-ready' }], agents: agents(2, ['q']) });
  b.login('8001', '8002');
  b.clear();
  b.join('c1', 'q');
  b.advanceSec(10);
  assert.deepEqual(b.offers(), [['c1', '8001'], ['c1', '8002']]);
  assert.equal(b.engine.agentState('8001').state, 'ready');
  b.join('c2', 'q');
  assert.deepEqual(b.offers().at(-1), ['c2', '8001']);
});

test('retry: after an unanswered offer the caller keeps its place but the next offer waits retrySec', () => {
  const b = new Bench({ queues: [{ name: 'q', ringTimeoutSec: 5, retrySec: 3 }], agents: agents(2, ['q']) });
  b.login('8001', '8002');
  b.clear();
  b.join('c1', 'q');
  b.advanceSec(5);
  assert.deepEqual(b.offers(), [['c1', '8001']]);
  b.advanceSec(2.999);
  assert.deepEqual(b.offers(), [['c1', '8001']]);
  b.advanceSec(0.001);
  assert.deepEqual(b.offers(), [['c1', '8001'], ['c1', '8002']]);
});

test('a rejected offer goes straight to the next agent; the rejecting agent stays ready', () => {
  const b = new Bench({ queues: [{ name: 'q' }], agents: agents(2, ['q']) });
  b.login('8001', '8002');
  b.clear();
  b.join('c1', 'q');
  b.send({ type: 'AgentRejected', agent: '8001', callId: 'c1' });
  assert.deepEqual(b.offers(), [['c1', '8001'], ['c1', '8002']]);
  assert.equal(b.engine.agentState('8001').state, 'ready');
  assert.equal(b.engine.agentStats('8001').missed, 1);
});

test('ring-all: when every phone rings out, all of them stop and the caller waits for the next free agent', () => {
  const b = new Bench({ queues: [{ name: 'q', strategy: 'ring-all', ringTimeoutSec: 10 }], agents: agents(3, ['q']) });
  b.login('8001', '8002');
  b.clear();
  b.join('c1', 'q');
  b.send({ type: 'AgentRejected', agent: '8001', callId: 'c1' });
  // 8001 rejected and is ready again, but c1 still rings 8002, so 8001 is not rung a second time.
  assert.deepEqual(b.offers().sort(), [['c1', '8001'], ['c1', '8002']]);
  b.advanceSec(10);
  assert.deepEqual(b.all('RingingStopped').map((r) => [r.agent, r.why]), [['8001', 'rejected'], ['8002', 'timeout']]);
  assert.deepEqual(b.offers().at(-1), ['c1', '8001']);
});

test('wrap-up blocks offers for wrapUpSec, and ready ends it early', () => {
  const b = new Bench({ queues: [{ name: 'q', wrapUpSec: 20 }], agents: agents(1, ['q']) });
  b.login('8001');
  b.join('c1', 'q').answer('8001', 'c1').advanceSec(60).end('c1');
  assert.equal(b.engine.agentState('8001').state, 'wrap-up');
  b.clear();
  b.join('c2', 'q');
  b.advanceSec(19.999);
  assert.deepEqual(b.offers(), []);
  b.advanceSec(0.001);
  assert.deepEqual(b.offers(), [['c2', '8001']]);
  b.answer('8001', 'c2').advanceSec(30).end('c2').advanceSec(4).clear();
  b.join('c3', 'q');
  assert.deepEqual(b.offers(), []);
  b.send({ type: 'AgentReady', agent: '8001' });
  assert.deepEqual(b.offers(), [['c3', '8001']]);
  assert.equal(b.engine.agentStats('8001').wrapUpMs, 24_000);
});

test('not ready during a call takes effect after the wrap-up; logout during a call after the call', () => {
  const b = new Bench({ queues: [{ name: 'q', wrapUpSec: 5 }], agents: agents(2, ['q']) });
  b.login('8001', '8002');
  b.join('c1', 'q').answer('8001', 'c1');
  b.join('c2', 'q').answer('8002', 'c2');
  b.send({ type: 'AgentNotReady', agent: '8001', reason: 'meal' }, { type: 'AgentLoggedOut', agent: '8002' });
  assert.equal(b.engine.agentState('8001').state, 'on-call');
  b.end('c1').end('c2');
  b.advanceSec(5);
  assert.deepEqual(b.engine.agentState('8001'), { state: 'not-ready', reason: 'meal' });
  assert.deepEqual(b.engine.agentState('8002'), { state: 'logged-out' });
  b.clear();
  b.join('c3', 'q');
  assert.deepEqual(b.offers(), []);
});

test('not ready or logout while ringing returns the caller to the queue for the next agent', () => {
  const b = new Bench({ queues: [{ name: 'q' }], agents: agents(3, ['q']) });
  b.login('8001', '8002', '8003');
  b.clear();
  b.join('c1', 'q');
  b.send({ type: 'AgentNotReady', agent: '8001', reason: 'break' });
  b.send({ type: 'AgentLoggedOut', agent: '8002' });
  assert.deepEqual(b.offers(), [['c1', '8001'], ['c1', '8002'], ['c1', '8003']]);
  assert.deepEqual(b.engine.agentState('8001'), { state: 'not-ready', reason: 'break' });
  assert.deepEqual(b.engine.agentState('8002'), { state: 'logged-out' });
});
