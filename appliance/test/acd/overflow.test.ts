import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bench, agents } from './harness.ts';

test('max wait: a caller still waiting after maxWaitSec overflows to the destination and leaves the queue', () => {
  const b = new Bench({ queues: [{ name: 'q', maxWaitSec: 120, overflow: { kind: 'queue', name: 'backup' } }, { name: 'backup' }], agents: agents(1, ['q']) });
  b.join('c1', 'q');
  b.advanceSec(119.999);
  assert.deepEqual(b.all('CallOverflowed'), []);
  b.advanceSec(0.001);
  assert.deepEqual(b.all('CallOverflowed'), [{ type: 'CallOverflowed', callId: 'c1', queue: 'q', destination: { kind: 'queue', name: 'backup' }, why: 'max-wait' }]);
  assert.deepEqual(b.engine.waitingIn('q'), []);
  const s = b.engine.queueStats('q');
  assert.equal(s.overflowed, 1);
  assert.equal(s.longestWaitMs, 120_000);
  // The call id is free again: the adapter may queue it at the destination.
  b.join('c1', 'backup');
  assert.deepEqual(b.engine.waitingIn('backup'), ['c1']);
});

test('max wait while ringing an agent: the ring stops, the caller overflows, the agent is free again', () => {
  const b = new Bench({ queues: [{ name: 'q', maxWaitSec: 20, ringTimeoutSec: 30 }], agents: agents(1, ['q']) });
  b.login('8001');
  b.clear();
  b.join('c1', 'q');
  b.advanceSec(20);
  assert.deepEqual(b.all('RingingStopped').map((r) => [r.agent, r.why]), [['8001', 'overflowed']]);
  assert.deepEqual(b.all('CallOverflowed').map((o) => o.destination), [{ kind: 'hangup' }]);
  assert.equal(b.engine.agentState('8001').state, 'ready');
  b.advanceSec(30);
  assert.equal(b.engine.agentState('8001').state, 'ready');
});

test('max length: a caller beyond maxLength overflows on joining; room frees up when one leaves', () => {
  const b = new Bench({ queues: [{ name: 'q', maxLength: 2, overflow: { kind: 'extension', number: '1001' } }] });
  b.join('c1', 'q').join('c2', 'q').join('c3', 'q');
  assert.deepEqual(b.all('CallOverflowed').map((o) => [o.callId, o.why, o.destination]), [['c3', 'full', { kind: 'extension', number: '1001' }]]);
  assert.deepEqual(b.engine.waitingIn('q'), ['c1', 'c2']);
  b.send({ type: 'CallerAbandoned', callId: 'c1' });
  b.join('c4', 'q');
  assert.deepEqual(b.engine.waitingIn('q'), ['c2', 'c4']);
  assert.equal(b.engine.queueStats('q').offered, 3);
});

test('join-empty: always admits; if-logged-in needs a logged-in agent; if-ready needs one not in not-ready', () => {
  const b = new Bench({
    queues: [{ name: 'always', joinEmpty: 'always' }, { name: 'loose', joinEmpty: 'if-logged-in' }, { name: 'strict', joinEmpty: 'if-ready' }],
    agents: agents(1, ['always', 'loose', 'strict']),
  });
  const tryAll = (tag: string) => {
    b.clear();
    for (const q of ['always', 'loose', 'strict']) b.join(`${tag}-${q}`, q);
    return b.all('CallOverflowed').filter((o) => o.why === 'empty').map((o) => o.queue);
  };
  assert.deepEqual(tryAll('nobody'), ['loose', 'strict']);
  b.login('8001');
  b.send({ type: 'AgentNotReady', agent: '8001', reason: 'break' });
  assert.deepEqual(tryAll('paused'), ['strict']);
  b.send({ type: 'AgentReady', agent: '8001' });
  // Ready, even if busy with a call now, counts for if-ready.
  assert.deepEqual(tryAll('ready'), []);
  assert.equal(b.engine.agentState('8001').state, 'ringing');
  assert.deepEqual(tryAll('busy'), []);
});
