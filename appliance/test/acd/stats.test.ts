import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bench, agents } from './harness.ts';

test('abandon is counted with the wait, and the ring of an abandoned call stops', () => {
  const b = new Bench({ queues: [{ name: 'q' }], agents: agents(1, ['q']) });
  b.join('c1', 'q').advanceSec(42).send({ type: 'CallerAbandoned', callId: 'c1' });
  b.login('8001');
  b.join('c2', 'q').advanceSec(3).send({ type: 'CallerAbandoned', callId: 'c2' });
  assert.deepEqual(b.all('RingingStopped').map((r) => [r.callId, r.why]), [['c2', 'abandoned']]);
  const s = b.engine.queueStats('q');
  assert.equal(s.abandoned, 2);
  assert.equal(s.abandonedWaitMs, 45_000);
  assert.equal(s.longestWaitMs, 42_000);
  assert.equal(b.engine.agentState('8001').state, 'ready');
  assert.deepEqual(b.engine.waitingIn('q'), []);
});

test('service level, ASA and AHT from answered calls (talk plus wrap-up)', () => {
  const b = new Bench({ queues: [{ name: 'q', serviceLevelSec: 20, wrapUpSec: 10 }], agents: agents(1, ['q']) });
  b.login('8001');
  // c1 answered after 10 s of ringing, c2 waits 80 s then 10 s ringing, c3 abandons after 30 s.
  b.join('c1', 'q').join('c2', 'q').advanceSec(10).answer('8001', 'c1').advanceSec(60).end('c1');
  b.advanceSec(10); // wrap-up
  b.advanceSec(10).answer('8001', 'c2').advanceSec(120).end('c2').advanceSec(10);
  b.join('c3', 'q');
  b.send({ type: 'AgentNotReady', agent: '8001', reason: 'break' });
  b.advanceSec(30).send({ type: 'CallerAbandoned', callId: 'c3' });
  const s = b.engine.queueStats('q');
  assert.equal(s.offered, 3);
  assert.equal(s.answered, 2);
  assert.equal(s.answeredWithinServiceLevel, 1);
  assert.equal(s.serviceLevel, 1 / 3);
  assert.equal(s.asaSec, (10 + 90) / 2);
  assert.equal(s.ahtSec, (60 + 10 + 120 + 10) / 2);
  assert.equal(s.longestWaitMs, 90_000);
  const a = b.engine.agentStats('8001');
  assert.deepEqual({ calls: a.calls, talkMs: a.talkMs, wrapUpMs: a.wrapUpMs }, { calls: 2, talkMs: 180_000, wrapUpMs: 20_000 });
  // Stats are pushed too: the last queue update carries the same figures.
  assert.deepEqual(b.all('QueueStatsUpdated').at(-1)!.stats, s);
});

test('not-ready time is kept per reason, the spell in progress included', () => {
  const b = new Bench({ queues: [{ name: 'q' }], agents: agents(1, ['q']), notReadyReasons: [{ code: 'break', zh: '小休', en: 'Break' }, { code: 'meal', zh: '用餐', en: 'Meal' }] });
  b.login('8001');
  b.send({ type: 'AgentNotReady', agent: '8001', reason: 'break' }).advanceSec(300);
  b.send({ type: 'AgentNotReady', agent: '8001', reason: 'meal' }).advanceSec(1800);
  b.send({ type: 'AgentReady', agent: '8001' }).advanceSec(60);
  b.send({ type: 'AgentNotReady', agent: '8001', reason: 'break' }).advanceSec(120);
  assert.deepEqual(b.engine.agentStats('8001').notReadyMs, { break: 420_000, meal: 1_800_000 });
  assert.deepEqual(b.all('AgentStateChanged').filter((c) => c.state === 'not-ready').map((c) => c.reason), ['break', 'meal', 'break']);
  assert.throws(() => b.send({ type: 'AgentNotReady', agent: '8001', reason: 'nap' }), /unknown not-ready reason nap/);
});

test('announcements: position and estimated wait at their intervals, not while ringing', () => {
  const b = new Bench({ queues: [{ name: 'q', announcePositionSec: 30, announceWaitSec: 60, ringTimeoutSec: 60, musicOnHold: 'classic' }], agents: agents(2, ['q']) });
  b.login('8001');
  b.send({ type: 'AgentNotReady', agent: '8001', reason: 'break' });
  b.join('c1', 'q').join('c2', 'q');
  assert.deepEqual(b.all('MusicOnHoldStarted').map((m) => [m.callId, m.musicClass]), [['c1', 'classic'], ['c2', 'classic']]);
  b.advanceSec(60);
  assert.deepEqual(b.all('PositionAnnounced').map((p) => [p.callId, p.position]), [['c1', 1], ['c2', 2], ['c1', 1], ['c2', 2]]);
  // No calls handled yet: 180 s assumed per call, one ready agent... none ready: divided by 1.
  assert.deepEqual(b.all('EstimatedWaitAnnounced').map((p) => [p.callId, p.seconds]), [['c1', 180], ['c2', 360]]);
  b.clear();
  b.login('8002'); // c1 rings 8002
  b.advanceSec(30);
  assert.deepEqual(b.all('PositionAnnounced').map((p) => [p.callId, p.position]), [['c2', 1]]);
});
