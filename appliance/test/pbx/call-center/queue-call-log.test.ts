// The queue-call history the PBX writes for reports: rows built from the queue entry hook and the
// CTI events in the order the call center publishes them (the engine's wrap-up state change comes
// before the call's CallEnded), and the batching writer that keeps rows when the database fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openRecords, QueueCallStore, QueueCallWriter, type QueueCallRow } from '../../../src/records/index.ts';
import { QueueCallLog, type CtiEvent } from '../../../src/pbx/call-center/index.ts';

const T0 = Date.parse('2026-01-05T01:00:00Z');
const state = (agent: string, s: 'ready' | 'ringing' | 'on-call' | 'wrap-up' | 'not-ready' | 'logged-out', at: number): CtiEvent => ({ type: 'AgentStateChanged', at: T0 + at, agent, state: s });

test('an answered call: wait to the answer, talk to the end, wrap-up until the agent is free again; written when the wrap-up ends', () => {
  const rows: QueueCallRow[] = [];
  const log = new QueueCallLog((r) => rows.push(r));
  log.cti(state('8001', 'ready', 0));
  log.entered({ callId: 'a', queue: 'billing', caller: '13812345678', account: '100001', at: T0 + 1000 });
  log.cti(state('8001', 'ringing', 1000));
  log.cti({ type: 'CallOffered', at: T0 + 1000, callId: 'a', agent: '8001', extension: '2001', callerNumber: '13812345678', queue: 'billing', waitMs: 0, ivr: { choices: [], digits: {} } });
  log.cti(state('8001', 'on-call', 13_000));
  log.cti({ type: 'CallAnswered', at: T0 + 13_000, callId: 'a', agent: '8001', queue: 'billing', waitMs: 12_000 });
  log.cti(state('8001', 'wrap-up', 73_000));
  log.cti({ type: 'CallEnded', at: T0 + 73_000, callId: 'a', queue: 'billing', agent: '8001', outcome: 'completed' });
  assert.equal(rows.length, 0, 'held until the wrap-up ends');
  log.cti(state('8001', 'ready', 83_000));
  assert.deepEqual(rows, [{ callId: 'a', queue: 'billing', caller: '13812345678', account: '100001', enteredAt: T0 + 1000, answeredAt: T0 + 13_000, endedAt: T0 + 73_000, waitMs: 12_000, agent: '8001', talkMs: 60_000, wrapUpMs: 10_000, outcome: 'answered' }]);
});

test('abandoned, overflowed into a second queue (a row per queue), callback, and a queue without wrap-up', () => {
  const rows: QueueCallRow[] = [];
  const log = new QueueCallLog((r) => rows.push(r));
  log.entered({ callId: 'x', queue: 'billing', caller: '1', at: T0 });
  log.cti({ type: 'CallEnded', at: T0 + 45_000, callId: 'x', queue: 'billing', outcome: 'abandoned' });
  log.entered({ callId: 'y', queue: 'repair', caller: '2', at: T0 });
  log.cti({ type: 'CallEnded', at: T0 + 90_000, callId: 'y', queue: 'repair', outcome: 'overflowed' });
  log.entered({ callId: 'y', queue: 'billing', caller: '2', at: T0 + 90_000 });
  log.cti({ type: 'CallEnded', at: T0 + 100_000, callId: 'y', queue: 'billing', outcome: 'abandoned' });
  log.entered({ callId: 'z', queue: 'billing', caller: '3', at: T0 });
  log.callbackRequested('z');
  log.cti({ type: 'CallEnded', at: T0 + 20_000, callId: 'z', queue: 'billing', outcome: 'abandoned' });
  // wrapUpSec 0: the agent is ready again before the call's end is published.
  log.cti(state('8002', 'on-call', 0));
  log.entered({ callId: 'w', queue: 'billing', caller: '4', at: T0 });
  log.cti({ type: 'CallAnswered', at: T0 + 2000, callId: 'w', agent: '8002', queue: 'billing', waitMs: 2000 });
  log.cti(state('8002', 'ready', 32_000));
  log.cti({ type: 'CallEnded', at: T0 + 32_000, callId: 'w', queue: 'billing', agent: '8002', outcome: 'completed' });
  assert.deepEqual(rows.map((r) => [r.callId, r.queue, r.outcome, r.waitMs, r.talkMs, r.wrapUpMs, r.agent]), [
    ['x', 'billing', 'abandoned', 45_000, 0, 0, null],
    ['y', 'repair', 'overflow', 90_000, 0, 0, null],
    ['y', 'billing', 'abandoned', 10_000, 0, 0, null],
    ['z', 'billing', 'callback', 20_000, 0, 0, null],
    ['w', 'billing', 'answered', 2000, 30_000, 0, '8002'],
  ]);
  // A call ending for a caller never seen entering a queue (an extension call) writes nothing.
  log.cti({ type: 'CallEnded', at: T0, callId: 'none', outcome: 'completed' });
  assert.equal(rows.length, 5);
});

test('close() writes the calls still in wrap-up with the wrap-up so far (PBX stopping)', () => {
  const rows: QueueCallRow[] = [];
  const log = new QueueCallLog((r) => rows.push(r));
  log.entered({ callId: 'a', queue: 'billing', caller: '1', at: T0 });
  log.cti({ type: 'CallAnswered', at: T0 + 1000, callId: 'a', agent: '8001', queue: 'billing', waitMs: 1000 });
  log.cti(state('8001', 'wrap-up', 11_000));
  log.cti({ type: 'CallEnded', at: T0 + 11_000, callId: 'a', queue: 'billing', agent: '8001', outcome: 'completed' });
  log.close(T0 + 14_000);
  assert.deepEqual(rows.map((r) => [r.talkMs, r.wrapUpMs]), [[10_000, 3000]]);
});

test('the writer batches rows into records.db, keeps them while the database refuses, and writes them on the retry', () => {
  const db = openRecords(':memory:');
  const store = new QueueCallStore(db);
  let refuse = true;
  const sink = { insertMany: (rows: readonly QueueCallRow[]) => { if (refuse) throw new Error('database is locked'); store.insertMany(rows); } };
  const timers: Array<{ ms: number; fn: () => void }> = [];
  const writer = new QueueCallWriter(sink, { schedule: (ms, fn) => { const t = { ms, fn }; timers.push(t); return () => timers.splice(timers.indexOf(t), 1); } });
  const row = (callId: string): QueueCallRow => ({ callId, queue: 'billing', caller: '13812345678', account: null, enteredAt: T0, answeredAt: null, endedAt: T0 + 5000, waitMs: 5000, agent: null, talkMs: 0, wrapUpMs: 0, outcome: 'abandoned' });
  writer.write(row('a'));
  writer.write(row('b'));
  assert.deepEqual(timers.map((t) => t.ms), [250], 'one batch timer for both rows');
  timers.shift()!.fn();
  assert.equal(writer.counters.writeErrors, 1);
  assert.equal(writer.counters.pending, 2, 'kept');
  assert.deepEqual(timers.map((t) => t.ms), [5000], 'retried later');
  writer.write(row('c'));
  assert.equal(timers.length, 1, 'a new row joins the pending retry');
  refuse = false;
  timers.shift()!.fn();
  assert.deepEqual(writer.counters, { queued: 3, written: 3, writeErrors: 1, dropped: 0, pending: 0 });
  assert.deepEqual(store.forCaller(['13812345678'], undefined, 10).map((r) => r.callId).sort(), ['a', 'b', 'c']);
  db.close();
});
