import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alarm } from '../../src/alarms/index.ts';
import { AlarmManager } from '../../src/monitor/alarm-manager.ts';
import { AlarmStore, openRecords } from '../../src/records/index.ts';
import { FakeClock } from '../../src/sip/clock.ts';

async function tempDb(t: { after(fn: () => unknown): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-alarms-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'records.db');
}

const T0 = Date.parse('2026-11-30T08:00:00Z');
const alarm = (id: string, over: Partial<Alarm> = {}): Alarm => ({
  id, severity: 'major', source: `pbx/trunk/${id}`, text: { en: `${id} is down`, zh: `${id} 故障` }, raisedAt: new Date(T0 - 5000).toISOString(), ...over,
});

test('a new alarm is raised once with its own occurrence number, and cleared when it leaves its scope', async (t) => {
  const db = openRecords(await tempDb(t));
  t.after(() => db.close());
  const clock = new FakeClock(T0);
  const m = new AlarmManager(new AlarmStore(db), () => clock.now());
  const raised = m.reconcile('pbx', [alarm('trunk-down:a')]);
  assert.equal(raised.length, 1);
  assert.equal(raised[0]!.kind, 'raised');
  assert.equal(raised[0]!.alarm.raisedAt, T0 - 5000, 'the raise time is when the condition began');
  assert.deepEqual(m.reconcile('pbx', [alarm('trunk-down:a')]), [], 'still active: no second raise');
  clock.advance(60_000);
  const cleared = m.reconcile('pbx', []);
  assert.equal(cleared.length, 1);
  assert.equal(cleared[0]!.kind, 'cleared');
  assert.equal(cleared[0]!.alarm.seq, raised[0]!.alarm.seq, 'the clear carries the raise\'s occurrence number');
  assert.equal(cleared[0]!.alarm.clearedAt, T0 + 60_000);
  assert.deepEqual(m.active(), []);
});

test('only the scope that reported an alarm clears it: another probe\'s poll leaves it active', async (t) => {
  const db = openRecords(await tempDb(t));
  t.after(() => db.close());
  const m = new AlarmManager(new AlarmStore(db), () => T0);
  m.reconcile('analog', [alarm('card-missing', { severity: 'critical' })]);
  assert.deepEqual(m.reconcile('pbx', []), []);
  assert.deepEqual(m.reconcile('host', []), []);
  assert.deepEqual(m.active().map((a) => a.id), ['card-missing']);
});

test('the same condition raised again after its clear is a new occurrence with a new number', async (t) => {
  const db = openRecords(await tempDb(t));
  t.after(() => db.close());
  const m = new AlarmManager(new AlarmStore(db), () => T0);
  const first = m.reconcile('host', [alarm('disk-usage:/')])[0]!.alarm.seq;
  m.reconcile('host', []);
  const second = m.reconcile('host', [alarm('disk-usage:/')])[0]!.alarm.seq;
  assert.ok(second > first);
});

test('a severity change clears the old occurrence and raises a new one, clear first', async (t) => {
  const db = openRecords(await tempDb(t));
  t.after(() => db.close());
  const m = new AlarmManager(new AlarmStore(db), () => T0);
  m.reconcile('host', [alarm('temperature', { severity: 'warning' })]);
  const events = m.reconcile('host', [alarm('temperature', { severity: 'critical' })]);
  assert.deepEqual(events.map((e) => `${e.kind}:${e.alarm.severity}`), ['cleared:warning', 'raised:critical']);
});

test('history keeps every occurrence with raise and clear times, and active alarms survive a restart', async (t) => {
  const path = await tempDb(t);
  const clock = new FakeClock(T0);
  {
    const db = openRecords(path);
    const m = new AlarmManager(new AlarmStore(db), () => clock.now());
    m.reconcile('pbx', [alarm('trunk-down:a'), alarm('trunk-down:b')]);
    clock.advance(1000);
    m.reconcile('pbx', [alarm('trunk-down:b')]);
    db.close();
  }
  const db = openRecords(path);
  t.after(() => db.close());
  const store = new AlarmStore(db);
  const history = store.history();
  assert.deepEqual(history.map((a) => [a.id, a.clearedAt]).sort(), [['trunk-down:a', T0 + 1000], ['trunk-down:b', undefined]]);
  clock.advance(1000);
  const m = new AlarmManager(store, () => clock.now());
  assert.deepEqual(m.active().map((a) => a.id), ['trunk-down:b'], 'reloaded from the store');
  assert.deepEqual(m.reconcile('pbx', [alarm('trunk-down:b')]), [], 'not raised a second time after the restart');
  const events = m.reconcile('pbx', []);
  assert.deepEqual(events.map((e) => [e.kind, e.alarm.id, e.alarm.clearedAt]), [['cleared', 'trunk-down:b', T0 + 2000]]);
});

test('duplicate ids in one report raise one alarm', async (t) => {
  const db = openRecords(await tempDb(t));
  t.after(() => db.close());
  const m = new AlarmManager(new AlarmStore(db), () => T0);
  assert.equal(m.reconcile('analog', [alarm('x'), alarm('x')]).length, 1);
});
