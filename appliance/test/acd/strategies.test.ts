import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bench, agents } from './harness.ts';

/** Serves calls one by one: each is offered, answered, ended; wrap-up 0 so agents come straight back. */
function serve(b: Bench, n: number, queue = 'q'): string[] {
  const picked: string[] = [];
  for (let i = 0; i < n; i++) {
    b.clear();
    b.join(`c${i}`, queue);
    const [offer] = b.all('CallOffered');
    assert.ok(offer, `call c${i} offered`);
    picked.push(offer.agent);
    b.answer(offer.agent, offer.callId);
    b.advanceSec(5);
    b.end(offer.callId);
    b.advanceSec(1);
  }
  return picked;
}

test('longest-idle: the agent free the longest gets the call, and goes to the back after it', () => {
  const b = new Bench({ queues: [{ name: 'q', strategy: 'longest-idle', wrapUpSec: 0 }], agents: agents(3, ['q']) });
  b.login('8002', '8003', '8001');
  assert.deepEqual(serve(b, 4), ['8002', '8003', '8001', '8002']);
});

test('round-robin remembers where it stopped: the next offer goes to the member after the last one offered', () => {
  const b = new Bench({ queues: [{ name: 'q', strategy: 'round-robin', wrapUpSec: 0 }], agents: agents(3, ['q']) });
  b.login('8003', '8002', '8001');
  assert.deepEqual(serve(b, 2), ['8001', '8002']);
  // 8003 goes not ready for a while: the rotation skips it but remembers it has not had its turn.
  b.send({ type: 'AgentNotReady', agent: '8003', reason: 'break' });
  assert.deepEqual(serve(b, 2), ['8001', '8002']);
  b.send({ type: 'AgentReady', agent: '8003' });
  assert.deepEqual(serve(b, 4), ['8003', '8001', '8002', '8003']);
});

test('fewest-calls: the agent who answered the fewest calls of the queue gets the next', () => {
  const b = new Bench({ queues: [{ name: 'q', strategy: 'fewest-calls', wrapUpSec: 0 }], agents: agents(3, ['q']) });
  b.login('8001', '8002');
  assert.deepEqual(serve(b, 2), ['8001', '8002']);
  b.login('8003');
  // 8003 has taken none; then everyone has one and the longest idle (8001) is next.
  assert.deepEqual(serve(b, 2), ['8003', '8001']);
});

test('linear: always the first free agent in the configured list, whoever waited longest', () => {
  const b = new Bench({ queues: [{ name: 'q', strategy: 'linear', wrapUpSec: 0 }], agents: agents(3, ['q']) });
  b.login('8003', '8002', '8001');
  assert.deepEqual(serve(b, 3), ['8001', '8001', '8001']);
  b.clear();
  b.join('x', 'q');
  b.join('y', 'q');
  b.join('z', 'q');
  assert.deepEqual(b.offers(), [['x', '8001'], ['y', '8002'], ['z', '8003']]);
});

test('random: the pick follows the injected random source', () => {
  const keys = [0.9, 0.1, 0.5, 0.7, 0.3];
  let i = 0;
  const b = new Bench({ queues: [{ name: 'q', strategy: 'random', wrapUpSec: 0 }], agents: agents(3, ['q']) }, { random: () => keys[i++ % keys.length]! });
  b.login('8001', '8002', '8003'); // keys 0.9, 0.1, 0.5
  b.join('c1', 'q');
  assert.deepEqual(b.offers(), [['c1', '8002']]);
});

test('ring-all rings every idle agent; the first answer wins and the others stop ringing and stay first in line', () => {
  const b = new Bench({ queues: [{ name: 'q', strategy: 'ring-all', wrapUpSec: 0 }, { name: 'other', strategy: 'longest-idle' }], agents: agents(3, ['q', 'other']) });
  b.login('8001', '8002', '8003');
  b.clear();
  b.join('c1', 'q');
  assert.deepEqual(b.offers().sort(), [['c1', '8001'], ['c1', '8002'], ['c1', '8003']]);
  b.clear();
  b.answer('8002', 'c1');
  assert.deepEqual(b.all('RingingStopped').map((r) => [r.agent, r.why]).sort(), [['8001', 'answered-elsewhere'], ['8003', 'answered-elsewhere']]);
  assert.deepEqual(b.all('CallConnected').map((c) => c.agent), ['8002']);
  assert.equal(b.engine.agentState('8001').state, 'ready');
  assert.equal(b.engine.agentState('8002').state, 'on-call');
  // A second answer for the same call is refused.
  assert.throws(() => b.answer('8001', 'c1'), /not ringing/);
  // The agents rung for nothing keep their idle order: 8001 is still the longest idle.
  b.clear();
  b.join('d1', 'other');
  assert.deepEqual(b.offers(), [['d1', '8001']]);
});
