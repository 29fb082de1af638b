import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bench, agents } from './harness.ts';

test('a VIP caller (number list or IVR digit) overtakes callers who waited longer; among equals the oldest goes first', () => {
  const b = new Bench({ queues: [{ name: 'q', wrapUpSec: 0, vipNumbers: ['13900000001'], vipIvrDigit: '9' }], agents: agents(1, ['q']) });
  b.join('a', 'q', { callerNumber: '13800000000' });
  b.advanceSec(10);
  b.join('b', 'q', { callerNumber: '13800000001' });
  b.advanceSec(10);
  b.join('vipNumber', 'q', { callerNumber: '13900000001' });
  b.advanceSec(10);
  b.join('vipDigit', 'q', { ivrDigit: '9' });
  b.join('plain', 'q', { ivrDigit: '1' });
  assert.equal(b.engine.position('vipNumber'), 1);
  assert.equal(b.engine.position('vipDigit'), 2);
  assert.equal(b.engine.position('a'), 3);
  assert.equal(b.engine.position('plain'), 5);
  b.login('8001');
  const order: string[] = [];
  for (let i = 0; i < 5; i++) {
    const o = b.all('CallOffered').at(-1)!;
    order.push(o.callId);
    b.answer('8001', o.callId).end(o.callId);
  }
  assert.deepEqual(order, ['vipNumber', 'vipDigit', 'a', 'b', 'plain']);
});

test('a priority given on joining orders callers too', () => {
  const b = new Bench({ queues: [{ name: 'q' }], agents: agents(1, ['q']) });
  b.join('low', 'q').advanceSec(1).join('high', 'q', { priority: 5 });
  b.login('8001');
  assert.deepEqual(b.offers(), [['high', '8001']]);
});

test('an agent shared by two queues serves the higher-priority queue first, even when its caller came later', () => {
  const b = new Bench({
    queues: [{ name: 'general', priority: 0, wrapUpSec: 0 }, { name: 'outage', priority: 5, wrapUpSec: 0 }],
    agents: [{ number: '8001', queues: [{ queue: 'general' }, { queue: 'outage' }] }],
  });
  b.join('g1', 'general').advanceSec(60).join('o1', 'outage').advanceSec(1).join('g2', 'general');
  b.login('8001');
  assert.deepEqual(b.offers(), [['o1', '8001']]);
  b.answer('8001', 'o1').end('o1');
  // Outage queue empty now: the oldest general caller.
  assert.deepEqual(b.offers().at(-1), ['g1', '8001']);
});

test('a lower penalty is offered calls first, whatever the strategy order', () => {
  const b = new Bench({
    queues: [{ name: 'q' }],
    agents: [{ number: '8001', queues: [{ queue: 'q', penalty: 2 }] }, { number: '8002', queues: [{ queue: 'q', penalty: 0 }] }],
  });
  b.login('8001', '8002');
  b.join('c1', 'q');
  assert.deepEqual(b.offers(), [['c1', '8002']]);
});
