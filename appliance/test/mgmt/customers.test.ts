// The customer table over HTTP: create/edit/delete with validation, search, the screen pop's lookup
// (by the caller's number in any form, or by the account keyed in the IVR) with the earlier calls
// merged from the call records and the queue calls, and agents' notes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CdrStore, QueueCallStore, type CallRecord } from '../../src/records/index.ts';
import { call, login, seedUser, startHarness } from './harness.ts';

const T = Date.parse('2026-01-05T01:00:00Z');
const cdr = (callId: string, caller: string, startedAt: number, disposition: CallRecord['disposition'] = 'answered'): CallRecord => ({
  callId, caller, callee: '95500', startedAt, answeredAt: startedAt, endedAt: startedAt + 90_000, disposition, durationSec: 90, billableSec: 90, sipCode: 200, sipReason: 'OK', hangupSide: 'caller',
});

test('customers: create, validation, conflict, edit, search, delete, and who may do what', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'sup', 'supervisor');
  await seedUser(h, 'agent1', 'agent');
  await seedUser(h, 'aud', 'auditor');
  const sup = await login(h, 'sup');
  const agent = await login(h, 'agent1');
  const created = await call(h, 'POST', '/api/v1/customers', { client: sup, body: { account: '100001', name: '张伟', phones: ['+86 138-1234-5678'], address: '北京市朝阳区', service: 'power' } });
  assert.equal(created.status, 201);
  assert.deepEqual([created.json.phones, created.json.notes], [['13812345678'], '']);
  const again = await call(h, 'POST', '/api/v1/customers', { client: sup, body: { account: '100001', name: 'x', service: 'gas' } });
  assert.equal(again.status, 409);
  const bad = await call(h, 'POST', '/api/v1/customers', { client: sup, body: { account: '100002', name: '   ', phones: ['call me'], service: 'power' } });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json.error.details.map((d: any) => d.path).sort(), ['/name', '/phones']);
  assert.equal((await call(h, 'POST', '/api/v1/customers', { client: sup, body: { account: '100003', name: 'x', service: 'steam' } })).status, 400);
  assert.equal((await call(h, 'POST', '/api/v1/customers', { client: agent, body: { account: '100004', name: 'x', service: 'gas' } })).status, 403, 'agents do not create customers');
  const edited = await call(h, 'PUT', '/api/v1/customers/100001', { client: sup, body: { address: '北京市海淀区' } });
  assert.equal(edited.json.address, '北京市海淀区');
  assert.equal(edited.json.name, '张伟', 'omitted fields stay');
  assert.equal((await call(h, 'PUT', '/api/v1/customers/999', { client: sup, body: { name: 'x' } })).status, 404);
  const byPhone = await call(h, 'GET', '/api/v1/customers?q=1381234', { client: agent });
  assert.deepEqual(byPhone.json.items.map((c: any) => c.account), ['100001']);
  assert.equal((await call(h, 'GET', '/api/v1/customers?q=%25', { client: agent })).json.total, 0, 'LIKE wildcards match literally');
  assert.equal((await call(h, 'GET', '/api/v1/customers', { client: await login(h, 'aud') })).status, 403, 'auditors do not read customer data');
  assert.equal((await call(h, 'DELETE', '/api/v1/customers/100001', { client: sup })).status, 204);
  assert.equal((await call(h, 'GET', '/api/v1/customers/100001', { client: sup })).status, 404);
  assert.deepEqual(h.services.auditLog.search({ q: 'customer.' }).items.map((e) => e.action).sort(), ['customer.created', 'customer.deleted', 'customer.updated']);
});

test('lookup for the screen pop: by +86 number or by IVR account, earlier calls merged by call id newest first, notes added by the agent', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'agent1', 'agent');
  const agent = await login(h, 'agent1');
  h.services.customers.upsert({ account: '100001', name: '张伟', phones: ['13812345678', '010-65521234'], address: '北京', service: 'power', notes: '老用户' }, T);
  new CdrStore(h.records).insertMany([
    cdr('c1', '13812345678', T - 3 * 86_400_000),
    cdr('c2', '01065521234', T - 2 * 86_400_000, 'cancelled'), // the customer's other phone
    cdr('c9', '13900000000', T - 86_400_000), //                  somebody else
  ]);
  new QueueCallStore(h.records).insertMany([
    { callId: 'c1', queue: 'billing', caller: '13812345678', account: null, enteredAt: T - 3 * 86_400_000 + 1000, answeredAt: T - 3 * 86_400_000 + 13_000, endedAt: T - 3 * 86_400_000 + 90_000, waitMs: 12_000, agent: '8001', talkMs: 77_000, wrapUpMs: 5000, outcome: 'answered' },
    // Keyed the account in the IVR from a phone the table does not know.
    { callId: 'c3', queue: 'repair', caller: '13700000000', account: '100001', enteredAt: T - 86_400_000, answeredAt: null, endedAt: T - 86_400_000 + 30_000, waitMs: 30_000, agent: null, talkMs: 0, wrapUpMs: 0, outcome: 'abandoned' },
  ]);
  const pop = await call(h, 'GET', `/api/v1/customers/lookup?number=${encodeURIComponent('+8613812345678')}`, { client: agent });
  assert.equal(pop.status, 200);
  assert.deepEqual(pop.json.customers.map((c: any) => [c.account, c.name]), [['100001', '张伟']]);
  assert.deepEqual(pop.json.history.map((c: any) => [c.callId, c.disposition, c.queues.map((q: any) => `${q.queue}:${q.outcome}:${q.agent}:${q.waitMs}`).join()]), [
    ['c3', null, 'repair:abandoned:null:30000'],
    ['c2', 'cancelled', ''],
    ['c1', 'answered', 'billing:answered:8001:12000'],
  ]);
  const byAccount = await call(h, 'GET', '/api/v1/customers/lookup?number=13700000000&account=100001', { client: agent });
  assert.equal(byAccount.json.customers[0].account, '100001', 'the IVR account finds the customer from an unknown phone');
  const nobody = await call(h, 'GET', '/api/v1/customers/lookup?number=13900000000', { client: agent });
  assert.deepEqual([nobody.json.customers, nobody.json.history.map((c: any) => c.callId)], [[], ['c9']], 'an unknown caller still has its own earlier calls');
  assert.equal((await call(h, 'GET', '/api/v1/customers/lookup', { client: agent })).status, 400);
  assert.equal((await call(h, 'GET', '/api/v1/customers/lookup?number=abc', { client: agent })).status, 400);

  const note = await call(h, 'POST', '/api/v1/customers/100001/notes', { client: agent, body: { text: ' 报修：停电，已派单 ', callId: 'c4' } });
  assert.equal(note.status, 201);
  assert.deepEqual([note.json.author, note.json.text, note.json.callId], ['agent1', '报修：停电，已派单', 'c4']);
  assert.equal((await call(h, 'POST', '/api/v1/customers/100001/notes', { client: agent, body: { text: '   ' } })).status, 400);
  assert.equal((await call(h, 'POST', '/api/v1/customers/999/notes', { client: agent, body: { text: 'x' } })).status, 404);
  const after = await call(h, 'GET', '/api/v1/customers/lookup?number=13812345678', { client: agent });
  assert.deepEqual(after.json.notes.map((n: any) => n.text), ['报修：停电，已派单']);
});
