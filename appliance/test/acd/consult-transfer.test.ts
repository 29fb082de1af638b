// ConsultTransferred: an attended transfer through a queue hands the caller to the consulted agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AcdError } from '../../src/acd/index.ts';
import { Bench } from './harness.ts';

const cfg = { queues: [{ name: 'first', wrapUpSec: 5 }, { name: 'second', wrapUpSec: 5 }], agents: [{ number: '8001', queues: [{ queue: 'first' }] }, { number: '8002', queues: [{ queue: 'second' }] }] };

test('the consulted agent keeps the caller and the transferor is freed when the consult call ends; talk time stays with who talked', () => {
  const b = new Bench(cfg);
  b.login('8001', '8002');
  b.join('caller', 'first').answer('8001', 'caller');
  b.advanceSec(60);
  b.join('consult', 'second').answer('8002', 'consult');
  b.advanceSec(10);
  b.send({ type: 'ConsultTransferred', callId: 'caller', consultCallId: 'consult' });
  b.end('consult');
  assert.equal(b.engine.agentState('8001').state, 'wrap-up', 'the transferor wraps up');
  assert.deepEqual(b.engine.agentState('8002'), { state: 'on-call', callId: 'caller' });
  b.advanceSec(30);
  b.end('caller');
  assert.equal(b.engine.agentState('8002').state, 'wrap-up');
  assert.equal(b.engine.agentStats('8001').talkMs, 70_000, '60 s with the caller + 10 s consulting');
  assert.equal(b.engine.agentStats('8002').talkMs, 40_000, '10 s consulted + 30 s with the caller');
});

test('ConsultTransferred for calls that are not both connected is refused and changes nothing', () => {
  const b = new Bench(cfg);
  b.login('8001');
  b.join('caller', 'first').answer('8001', 'caller');
  b.join('waiting', 'second');
  assert.throws(() => b.send({ type: 'ConsultTransferred', callId: 'caller', consultCallId: 'waiting' }), (e: unknown) => e instanceof AcdError && e.code === 'bad-state');
  assert.deepEqual(b.engine.agentState('8001'), { state: 'on-call', callId: 'caller' });
});
