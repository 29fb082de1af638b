import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bench, agents } from './harness.ts';

test('callback: the caller keeps its place, is not announced to or overflowed, and is placed when its turn comes', () => {
  const b = new Bench({ queues: [{ name: 'q', callbackAllowed: true, maxWaitSec: 100, announcePositionSec: 10, wrapUpSec: 0 }], agents: agents(1, ['q']) });
  b.join('c1', 'q', { callerNumber: '13800000001' }).advanceSec(1);
  b.join('c2', 'q', { callerNumber: '13800000002' }).advanceSec(1);
  b.join('c3', 'q');
  b.send({ type: 'CallbackRequested', callId: 'c2' });
  assert.deepEqual(b.all('CallbackAccepted'), [{ type: 'CallbackAccepted', callId: 'c2', queue: 'q', number: '13800000002' }]);
  assert.throws(() => b.send({ type: 'CallbackRequested', callId: 'c3' }), /no number to call back/);
  b.send({ type: 'CallbackRequested', callId: 'c3', number: '01088886666' });
  b.clear();
  b.advanceSec(30);
  assert.deepEqual(b.all('PositionAnnounced').map((p) => p.callId), ['c1', 'c1', 'c1']);
  b.login('8001');
  assert.deepEqual(b.offers(), [['c1', '8001']]);
  b.answer('8001', 'c1').end('c1');
  const offer = b.all('CallOffered').at(-1)!;
  assert.deepEqual([offer.callId, offer.callback], ['c2', true]);
  b.clear();
  b.answer('8001', 'c2');
  assert.deepEqual(b.all('CallbackPlaced').map((p) => [p.callId, p.agent, p.number]), [['c2', '8001', '13800000002']]);
  assert.deepEqual(b.all('CallConnected'), []);
  b.end('c2');
  assert.deepEqual(b.offers(), [['c3', '8001']]);
  // The callers waiting for a callback outlived maxWaitSec without overflowing.
  b.advanceSec(200);
  assert.deepEqual(b.all('CallOverflowed'), []);
  assert.equal(b.engine.queueStats('q').callbacks, 2);
});

test('callback is refused where the queue does not offer it', () => {
  const b = new Bench({ queues: [{ name: 'q' }] });
  b.join('c1', 'q', { callerNumber: '13800000001' });
  assert.throws(() => b.send({ type: 'CallbackRequested', callId: 'c1' }), (e: Error & { code?: string }) => e.code === 'callback-not-allowed');
});

test('a retried callback joins again already waiting for its callback: no music, offered as a callback, not overflowed', () => {
  const b = new Bench({ queues: [{ name: 'q', callbackAllowed: true, maxWaitSec: 10 }], agents: agents(1, ['q']) });
  b.join('c1', 'q', { callerNumber: '13800000001', callbackNumber: '13800000001' });
  assert.deepEqual(b.all('MusicOnHoldStarted'), [], 'nobody on the line to hear music');
  b.advanceSec(20);
  assert.deepEqual(b.all('CallOverflowed'), []);
  b.login('8001');
  assert.deepEqual(b.all('CallOffered').map((o) => [o.callId, o.callback]), [['c1', true]]);
  b.answer('8001', 'c1');
  assert.deepEqual(b.all('CallbackPlaced').map((p) => p.number), ['13800000001']);
});
