import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ControlRequestError } from '../../src/control/index.ts';
import { RecordingStore } from '../../src/records/index.ts';
import { call, login, seedUser, startHarness } from './harness.ts';

test('POST /calls/:callId/recording forwards the command to the PBX, audits it, and passes the PBX\'s refusal on as 400 with its reason', async (t) => {
  const h = await startHarness(t);
  for (const [u, role] of [['root', 'admin'], ['ag', 'agent'], ['aud', 'auditor']] as const) await seedUser(h, u, role);
  const agent = await login(h, 'ag');
  const admin = await login(h, 'root');
  h.pbx.answer = (_m, path, body) => {
    const b = body as { callId: string; action: string };
    if (path === '/v1/recording' && b.action === 'stop') throw new ControlRequestError(400, { error: `call ${b.callId} is recorded by policy (always, by queue complaints): pause it instead` });
    return { callId: b.callId, recording: b.action === 'pause' ? 'paused' : 'resumed' };
  };
  const callId = 'a84b4c76e66710@pc33.example';
  const ok = await call(h, 'POST', `/api/v1/calls/${encodeURIComponent(callId)}/recording`, { client: agent, body: { action: 'pause' } });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.json, { callId, recording: 'paused' });
  assert.deepEqual(h.pbx.requests.at(-1), { method: 'POST', path: '/v1/recording', body: { callId, action: 'pause' } });
  const refused = await call(h, 'POST', `/api/v1/calls/${encodeURIComponent(callId)}/recording`, { client: agent, body: { action: 'stop' } });
  assert.equal(refused.status, 400);
  assert.match(refused.json.error.message, /pause it instead/);
  const bad = await call(h, 'POST', `/api/v1/calls/${encodeURIComponent(callId)}/recording`, { client: agent, body: { action: 'rewind' } });
  assert.equal(bad.status, 400, 'the schema refuses an unknown action before the PBX is asked');
  assert.equal(h.pbx.requests.length, 2);
  const auditor = await login(h, 'aud');
  assert.equal((await call(h, 'POST', `/api/v1/calls/${encodeURIComponent(callId)}/recording`, { client: auditor, body: { action: 'pause' } })).status, 403, 'auditors read, they do not steer calls');
  const log = await call(h, 'GET', '/api/v1/audit?action=recording.call_controlled', { client: admin });
  assert.deepEqual(log.json.items.map((e: { target: string; outcome: string; after: { action: string } }) => [e.target, e.outcome, e.after.action]).sort(), [[callId, 'failed', 'stop'], [callId, 'ok', 'pause']]);
  h.pbx.running = false;
  assert.equal((await call(h, 'POST', `/api/v1/calls/${encodeURIComponent(callId)}/recording`, { client: agent, body: { action: 'resume' } })).status, 503);
});

test('GET /recordings filters by trunk and shows the pauses the recorder marked', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'sup', 'supervisor');
  const sup = await login(h, 'sup');
  const store = new RecordingStore(h.records);
  const base = { sessionCallId: 's', parties: [], codec: 'PCMU' as const, channels: 2, path: 'p', retentionClass: 'standard', segment: 1 };
  store.start({ ...base, id: 'in-a', callId: 'c1', startedAt: 1000, direction: 'inbound', trunk: 'carrier-a' });
  store.start({ ...base, id: 'in-fxo', callId: 'c2', startedAt: 2000, direction: 'inbound', trunk: 'analog:fxo' });
  store.setPauses('in-a', [{ fromMs: 1200, toMs: 3100 }]);
  const r = await call(h, 'GET', '/api/v1/recordings?trunk=carrier-a', { client: sup });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.items.map((i: { id: string; trunk: string; pauses: unknown }) => [i.id, i.trunk, i.pauses]), [['in-a', 'carrier-a', [{ fromMs: 1200, toMs: 3100 }]]]);
  assert.equal(r.json.total, 1);
  assert.equal((await call(h, 'GET', `/api/v1/recordings?trunk=${'x'.repeat(65)}`, { client: sup })).status, 400, 'an over-long trunk name is refused');
});
