import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { NotificationPolicy } from '../../src/monitor/notification-policy.ts';
import type { AlarmEvent } from '../../src/monitor/alarm-manager.ts';
import type { AlarmSeverity } from '../../src/alarms/index.ts';

const log = pino({ level: 'silent' });
const event = (kind: 'raised' | 'cleared', seq: number, severity: AlarmSeverity = 'major'): AlarmEvent => ({
  kind, alarm: { seq, id: `a${seq}`, scope: 's', severity, source: 'x', text: { en: 'e', zh: '中' }, raisedAt: 0 },
});

test('deliveries run one at a time in event order, even when an earlier one is slower', async () => {
  const p = new NotificationPolicy('test', log);
  const order: string[] = [];
  let running = 0;
  const deliver = (name: string, ms: number) => async () => {
    running++;
    assert.equal(running, 1, 'never two at once');
    await new Promise((r) => setTimeout(r, ms));
    order.push(name);
    running--;
    return { sent: 1, failures: [] };
  };
  const s = { minSeverity: 'warning' as const, maxPerHour: 10 };
  void p.submit(s, event('raised', 1), deliver('raise 1', 40));
  void p.submit(s, event('cleared', 1), deliver('clear 1', 1));
  await p.submit(s, event('raised', 2), deliver('raise 2', 1));
  assert.deepEqual(order, ['raise 1', 'clear 1', 'raise 2']);
  assert.equal(p.counters.sent, 3);
});

test('severity filter: below the minimum is counted as filtered and never delivered; a clear follows its raise\'s severity', async () => {
  const p = new NotificationPolicy('test', log);
  const delivered: number[] = [];
  const s = { minSeverity: 'major' as const, maxPerHour: 10 };
  for (const [kind, seq, sev] of [['raised', 1, 'minor'], ['raised', 2, 'critical'], ['cleared', 1, 'minor'], ['raised', 3, 'major'], ['raised', 4, 'warning']] as const) {
    await p.submit(s, event(kind, seq, sev), async () => (delivered.push(seq), { sent: 1, failures: [] }));
  }
  assert.deepEqual(delivered, [2, 3]);
  assert.deepEqual(p.counters, { sent: 2, failed: 0, suppressed: 0, filtered: 3 });
});

test('hourly limit over a rolling hour; a failure is counted with its reason, a later success clears the reason; a throwing delivery is a failure', async () => {
  let now = 1_000_000;
  const p = new NotificationPolicy('test', log, () => now);
  const s = { minSeverity: 'warning' as const, maxPerHour: 2 };
  await p.submit(s, event('raised', 1), async () => ({ sent: 0, failures: ['server down'] }));
  assert.equal(p.counters.lastError, 'server down');
  assert.equal(p.counters.lastErrorAt, new Date(now).toISOString());
  now += 1_800_000;
  await p.submit(s, event('raised', 2), async () => { throw new Error('boom'); });
  assert.equal(p.counters.lastError, 'boom');
  let third = false;
  await p.submit(s, event('raised', 3), async () => ((third = true), { sent: 1, failures: [] }));
  assert.equal(third, false, 'third event within the hour held back');
  assert.equal(p.counters.suppressed, 1);
  now += 1_800_001; // the first send is now more than an hour old: one slot is free again
  await p.submit(s, event('raised', 4), async () => ({ sent: 1, failures: [] }));
  assert.deepEqual(p.counters, { sent: 1, failed: 2, suppressed: 1, filtered: 0 });
});
