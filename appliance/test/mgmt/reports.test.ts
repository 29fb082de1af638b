// Call-center reports over a fixed data set of queue calls and agent spells (site time zone
// Asia/Shanghai, UTC+8): every figure below is worked out by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentStateStore, openRecords, QueueCallStore, QueueReportStore, type QueueCallRow } from '../../src/records/index.ts';
import { call, login, seedUser, startHarness, type Harness } from './harness.ts';

/** Epoch ms of a wall time in Shanghai. */
const local = (s: string) => Date.parse(`${s}+08:00`);
const S = 1000;

function qc(callId: string, queue: string, entered: string, waitS: number, outcome: QueueCallRow['outcome'], agent?: string, talkS = 0, wrapS = 0): QueueCallRow {
  const enteredAt = local(entered);
  const answeredAt = outcome === 'answered' ? enteredAt + waitS * S : null;
  return { callId, queue, caller: '13800000000', account: null, enteredAt, answeredAt, endedAt: (answeredAt ?? enteredAt + waitS * S) + talkS * S, waitMs: waitS * S, agent: agent ?? null, talkMs: talkS * S, wrapUpMs: wrapS * S, outcome };
}

const CALLS: QueueCallRow[] = [
  qc('c1', 'billing', '2026-01-05T09:05:00', 15, 'answered', '8001', 120, 10), // within 20 s
  qc('c2', 'billing', '2026-01-05T09:20:00', 30, 'answered', '8002', 60, 5), //   not within
  qc('c3', 'billing', '2026-01-05T09:40:00', 45, 'abandoned'),
  qc('c4', 'repair', '2026-01-05T10:10:00', 8, 'answered', '8001', 200, 20), //  within 10 s
  qc('c5', 'repair', '2026-01-05T10:30:00', 12, 'answered', '8002', 100, 0), // not within 10 s
  qc('c6', 'repair', '2026-01-05T10:50:00', 90, 'overflow'),
  qc('c7', 'billing', '2026-01-06T08:00:00', 5, 'answered', '8001', 30, 0), //   within
  qc('c8', 'billing', '2026-01-04T23:50:00', 1, 'answered', '8001', 10, 0), //   before the range
];

const spell = (agent: string, state: string, reason: string | null, from: string, to: string) => ({ agent, state, reason, startedAt: local(from), endedAt: local(to), durationMs: local(to) - local(from) });
const SPELLS = [
  spell('8001', 'not-ready', 'break', '2026-01-05T09:50:00', '2026-01-05T10:00:00'), // 600 s
  spell('8001', 'not-ready', 'meal', '2026-01-05T11:00:00', '2026-01-05T12:00:00'), //  3,600 s
  spell('8002', 'not-ready', 'break', '2026-01-04T23:30:00', '2026-01-05T00:30:00'), // clipped to 1,800 s
  spell('8003', 'not-ready', 'training', '2026-01-06T14:00:00', '2026-01-06T14:30:00'), // 1,800 s, no calls
  spell('8001', 'ready', null, '2026-01-05T08:00:00', '2026-01-05T09:05:00'), //          not counted
];

const FROM = new Date(local('2026-01-05T00:00:00')).toISOString();
const TO = new Date(local('2026-01-07T00:00:00')).toISOString();

async function seeded(t: Parameters<typeof startHarness>[0]): Promise<{ h: Harness; sup: Awaited<ReturnType<typeof login>> }> {
  const h = await startHarness(t);
  await h.config.update((d) => {
    d.site = { ...d.site, timeZone: 'Asia/Shanghai' };
    d.acd = {
      queues: [{ name: 'billing', serviceLevelSec: 20 }, { name: 'repair', serviceLevelSec: 10 }],
      agents: [{ number: '8001', name: '王芳', queues: [{ queue: 'billing' }, { queue: 'repair' }] }, { number: '8002', name: '李明', queues: [{ queue: 'billing' }] }],
    };
  }, { author: 'test', comment: 'queues' });
  new QueueCallStore(h.records).insertMany(CALLS);
  new AgentStateStore(h.records).log(SPELLS);
  await seedUser(h, 'sup', 'supervisor');
  return { h, sup: await login(h, 'sup') };
}

const q = (extra = '') => `?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}${extra}`;

test('by day and by hour: offered, answered, abandoned, service level per queue threshold, ASA, AHT, longest wait, in local days and hours', async (t) => {
  const { h, sup } = await seeded(t);
  const day = await call(h, 'GET', `/api/v1/reports/day${q()}`, { client: sup });
  assert.equal(day.status, 200);
  assert.equal(day.json.timeZone, 'Asia/Shanghai');
  assert.deepEqual(day.json.rows.map((r: any) => r.key), [FROM, new Date(local('2026-01-06T00:00:00')).toISOString()]);
  const [d5, d6] = day.json.rows;
  // 5 Jan: 6 offered, 4 answered (c1, c4 within their queue's threshold), 1 abandoned, 1 overflow.
  assert.deepEqual(pick(d5), { offered: 6, answered: 4, abandoned: 1, overflowed: 1, answeredWithinSl: 2, serviceLevel: 2 / 5, asaMs: 16_250, ahtMs: 128_750, longestWaitMs: 90_000, talkMs: 480_000, wrapUpMs: 35_000 });
  assert.deepEqual(pick(d6), { offered: 1, answered: 1, abandoned: 0, overflowed: 0, answeredWithinSl: 1, serviceLevel: 1, asaMs: 5_000, ahtMs: 30_000, longestWaitMs: 5_000, talkMs: 30_000, wrapUpMs: 0 });
  assert.deepEqual(pick(day.json.total), { offered: 7, answered: 5, abandoned: 1, overflowed: 1, answeredWithinSl: 3, serviceLevel: 0.5, asaMs: 14_000, ahtMs: 109_000, longestWaitMs: 90_000, talkMs: 510_000, wrapUpMs: 35_000 });

  const oneDay = `?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(new Date(local('2026-01-06T00:00:00')).toISOString())}`;
  const hour = await call(h, 'GET', `/api/v1/reports/hour${oneDay}`, { client: sup });
  assert.equal(hour.json.rows.length, 24, 'every local hour, the empty ones too');
  const byKey = new Map(hour.json.rows.map((r: any) => [r.key, r]));
  const at9 = byKey.get(new Date(local('2026-01-05T09:00:00')).toISOString()) as any;
  const at10 = byKey.get(new Date(local('2026-01-05T10:00:00')).toISOString()) as any;
  assert.deepEqual([at9.offered, at9.answered, at9.abandoned, at9.answeredWithinSl, at9.serviceLevel, at9.longestWaitMs], [3, 2, 1, 1, 1 / 3, 45_000]);
  assert.deepEqual([at10.offered, at10.answered, at10.overflowed, at10.answeredWithinSl, at10.serviceLevel, at10.asaMs], [3, 2, 1, 1, 0.5, 10_000]);
  assert.equal(hour.json.rows.filter((r: any) => r.offered > 0).length, 2);
  assert.equal(hour.json.rows[0].serviceLevel, null, 'nothing to divide by: null, not 0');
});

test('by queue and by agent: calls, talk and wrap-up time, AHT, not-ready time by reason clipped to the range', async (t) => {
  const { h, sup } = await seeded(t);
  const queue = await call(h, 'GET', `/api/v1/reports/queue${q()}`, { client: sup });
  const [billing, repair] = queue.json.rows;
  assert.equal(billing.key, 'billing');
  assert.deepEqual(pick(billing), { offered: 4, answered: 3, abandoned: 1, overflowed: 0, answeredWithinSl: 2, serviceLevel: 0.5, asaMs: 16_667, ahtMs: 75_000, longestWaitMs: 45_000, talkMs: 210_000, wrapUpMs: 15_000 });
  assert.deepEqual(pick(repair), { offered: 3, answered: 2, abandoned: 0, overflowed: 1, answeredWithinSl: 1, serviceLevel: 1 / 2, asaMs: 10_000, ahtMs: 160_000, longestWaitMs: 90_000, talkMs: 300_000, wrapUpMs: 20_000 });
  const onlyRepair = await call(h, 'GET', `/api/v1/reports/queue${q('&queue=repair')}`, { client: sup });
  assert.deepEqual(onlyRepair.json.rows.map((r: any) => r.key), ['repair']);

  const agent = await call(h, 'GET', `/api/v1/reports/agent${q()}`, { client: sup });
  const rows = new Map(agent.json.rows.map((r: any) => [r.key, r]));
  const a1 = rows.get('8001') as any;
  const a2 = rows.get('8002') as any;
  const a3 = rows.get('8003') as any;
  assert.deepEqual([a1.name, a1.answered, a1.talkMs, a1.wrapUpMs, a1.ahtMs, a1.notReadyMs], ['王芳', 3, 350_000, 30_000, 126_667, { break: 600_000, meal: 3_600_000 }]);
  assert.deepEqual([a2.name, a2.answered, a2.talkMs, a2.wrapUpMs, a2.ahtMs, a2.notReadyMs], ['李明', 2, 160_000, 5_000, 82_500, { break: 1_800_000 }]);
  assert.deepEqual([a3.answered, a3.notReadyMs], [0, { training: 1_800_000 }], 'an agent with only not-ready time is listed');
  assert.deepEqual(agent.json.total.notReadyMs, { break: 2_400_000, meal: 3_600_000, training: 1_800_000 });
});

test('CSV export of each report carries the same numbers, the total last; bad ranges and roles are refused', async (t) => {
  const { h, sup } = await seeded(t);
  const csv = await call(h, 'GET', `/api/v1/reports/day/export.csv${q()}`, { client: sup });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-disposition') ?? '', /report-day\.csv/);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0], 'day_start,offered,answered,abandoned,overflowed,callbacks,answered_within_sl,service_level_pct,asa_sec,aht_sec,longest_wait_sec,talk_sec,wrap_up_sec');
  assert.equal(lines[1], `${FROM},6,4,1,1,0,2,40.0,16.3,128.8,90.0,480.0,35.0`);
  assert.equal(lines[3], 'total,7,5,1,1,0,3,50.0,14.0,109.0,90.0,510.0,35.0');
  const agents = await call(h, 'GET', `/api/v1/reports/agent/export.csv${q()}`, { client: sup });
  const al = agents.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(al[0], 'agent,name,offered,answered,abandoned,overflowed,callbacks,answered_within_sl,service_level_pct,asa_sec,aht_sec,longest_wait_sec,talk_sec,wrap_up_sec,not_ready_break_sec,not_ready_meal_sec,not_ready_training_sec');
  assert.equal(al[1], '8001,王芳,3,3,0,0,0,3,100.0,9.3,126.7,15.0,350.0,30.0,600.0,3600.0,0.0');
  const backwards = await call(h, 'GET', `/api/v1/reports/hour?from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}`, { client: sup });
  assert.equal(backwards.status, 400);
  const tooLong = await call(h, 'GET', `/api/v1/reports/hour?from=2025-01-01T00:00:00Z&to=2025-03-01T00:00:00Z`, { client: sup });
  assert.equal(tooLong.status, 400);
  assert.match(tooLong.json.error.message, /at most 31 days/);
  assert.equal((await call(h, 'GET', `/api/v1/reports/week${q()}`, { client: sup })).status, 400);
  await seedUser(h, 'agent1', 'agent');
  assert.equal((await call(h, 'GET', `/api/v1/reports/day${q()}`, { client: await login(h, 'agent1') })).status, 403);
});

function pick(r: any) {
  const { offered, answered, abandoned, overflowed, answeredWithinSl, serviceLevel, asaMs, ahtMs, longestWaitMs, talkMs, wrapUpMs } = r;
  return { offered, answered, abandoned, overflowed, answeredWithinSl, serviceLevel, asaMs, ahtMs, longestWaitMs, talkMs, wrapUpMs };
}

test('every report query searches the entered_at range of an index, never a walk of all history (EXPLAIN QUERY PLAN)', () => {
  const rec = openRecords(':memory:');
  const plans: string[] = [];
  const prepare = rec.db.prepare.bind(rec.db);
  (rec.db as unknown as { prepare: (sql: string) => unknown }).prepare = (sql: string) => {
    if (sql.includes('FROM queue_calls q')) plans.push((prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ from: 0, to: 1, defaultSl: 20, queue: 'q', agent: '8001' }) as Array<{ detail: string }>).map((r) => r.detail).join(' | '));
    return prepare(sql);
  };
  const store = new QueueReportStore(rec);
  const sl = { perQueue: {}, defaultSec: 20 };
  store.quarters({ from: 0, to: 1 }, sl);
  store.byQueue({ from: 0, to: 1 }, sl);
  store.byAgent({ from: 0, to: 1 }, sl);
  store.byQueue({ from: 0, to: 1, queue: 'q' }, sl);
  store.byAgent({ from: 0, to: 1, agent: '8001' }, sl);
  assert.equal(plans.length, 5);
  // Without a queue or agent filter the covering (entered_at, …) index answers alone: no table reads.
  for (const p of plans.slice(0, 3)) assert.match(p, /SEARCH q USING COVERING INDEX queue_calls_entered/, p);
  for (const p of plans) assert.match(p, /SEARCH q USING (COVERING )?INDEX queue_calls_\w+ \((\w+=\? AND )?entered_at>\? AND entered_at<\?\)/, p);
  rec.close();
});
