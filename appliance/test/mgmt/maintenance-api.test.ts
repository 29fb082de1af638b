import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, mint, seedUser, startHarness } from './harness.ts';
import { fakeProbes, TINY_PNG } from '../maintenance/fake-probes.ts';

test('an engineer runs an inspection through the API to a signed PDF; auditors read, supervisors are refused; every write is audited', async (t) => {
  const h = await startHarness(t, { deps: { probes: fakeProbes() } });
  await seedUser(h, 'eng', 'engineer');
  await seedUser(h, 'aud', 'auditor');
  await seedUser(h, 'sup', 'supervisor');
  const eng = mint(h, 'eng');
  const aud = mint(h, 'aud');
  const templates = await call(h, 'GET', '/api/v1/inspections/templates', { client: aud });
  assert.equal(templates.status, 200);
  assert.equal(templates.json[0].id, 'quarterly');
  assert.equal((await call(h, 'GET', '/api/v1/inspections/templates', { client: mint(h, 'sup') })).status, 403);
  assert.equal((await call(h, 'POST', '/api/v1/inspections/runs', { client: aud, body: { templateId: 'quarterly' } })).status, 403, 'auditors only read');
  assert.equal((await call(h, 'PUT', '/api/v1/inspections/templates/quarterly', { client: eng, body: { definition: templates.json[0].definition } })).status, 403, 'only admins edit templates');

  const started = await call(h, 'POST', '/api/v1/inspections/runs', { client: eng, body: { templateId: 'quarterly', site: 'HQ' } });
  assert.equal(started.status, 201, started.text);
  const id = started.json.id;
  assert.equal(started.json.results.find((r: any) => r.itemId === 'disk').status, 'warn');
  const pending = started.json.results.filter((r: any) => r.status === 'pending').map((r: any) => r.itemId);
  for (const item of pending) {
    const res = await call(h, 'PUT', `/api/v1/inspections/runs/${id}/items/${item}`, { client: eng, body: { value: item === 'room-temp' ? '23' : 'ok', status: 'pass', note: '' } });
    assert.equal(res.status, 200, res.text);
  }
  const photo = await fetch(`${h.base}/api/v1/inspections/runs/${id}/items/cabling/photos`, { method: 'POST', headers: { cookie: eng.cookie, 'x-csrf-token': eng.csrf, 'content-type': 'image/png' }, body: TINY_PNG });
  assert.equal(photo.status, 201);
  const { name } = (await photo.json()) as { name: string };
  assert.deepEqual(readFileSync(join(h.dir, 'inspections', String(id), name)), TINY_PNG, 'stored under <data>/inspections/<run>/');
  const got = await fetch(`${h.base}/api/v1/inspections/runs/${id}/photos/${name}`, { headers: { cookie: aud.cookie } });
  assert.equal(got.headers.get('content-type'), 'image/png');
  assert.equal((await call(h, 'POST', `/api/v1/inspections/runs/${id}/findings`, { client: eng, body: { risk: 'medium', itemId: 'disk', description: 'disk 85 %', remediation: 'archive recordings' } })).status, 201);
  const bad = await call(h, 'POST', `/api/v1/inspections/runs/${id}/signatures`, { client: eng, body: { signer: 'engineer', name: 'Li', pngBase64: Buffer.from('hello world').toString('base64') } });
  assert.equal(bad.status, 400);
  for (const signer of ['engineer', 'customer']) {
    const s = await call(h, 'POST', `/api/v1/inspections/runs/${id}/signatures`, { client: eng, body: { signer, name: signer, pngBase64: `data:image/png;base64,${TINY_PNG.toString('base64')}` } });
    assert.equal(s.status, 200, s.text);
  }
  const after = await call(h, 'PUT', `/api/v1/inspections/runs/${id}/items/room-temp`, { client: eng, body: { value: '40', status: 'fail' } });
  assert.equal(after.status, 409, 'a signed run is locked');
  assert.equal(after.json.error.code, 'CONFLICT');
  const pdf = await fetch(`${h.base}/api/v1/inspections/runs/${id}/report.pdf?lang=en`, { headers: { cookie: aud.cookie } });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  const bytes = Buffer.from(await pdf.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  assert.ok(bytes.length > 10_000);
  const actions = h.services.auditLog.search({}).items.map((e) => e.action);
  for (const a of ['inspection.run_started', 'inspection.run_updated', 'inspection.signed', 'inspection.report_exported']) assert.ok(actions.includes(a), a);
});

test('fault reports through the API: created numbered, moved through states, overdue flagged, PDF exported', async (t) => {
  const h = await startHarness(t, { deps: { probes: fakeProbes() } });
  await seedUser(h, 'eng', 'engineer');
  await seedUser(h, 'admin1', 'admin');
  let eng = mint(h, 'eng');
  const created = await call(h, 'POST', '/api/v1/fault-reports', { client: eng, body: { title: 'trunk down', level: 1, occurredAt: '2025-03-01T07:30:00Z', contactName: 'Zhang', location: 'SIP trunk ct' } });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.number, 'FR-2025-0001');
  h.clock.now += 3 * 3_600_000;
  eng = mint(h, 'eng'); // the first session idled out over those hours
  const list = await call(h, 'GET', '/api/v1/fault-reports', { client: eng });
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json[0].timing.overdue, true);
  const id = created.json.id;
  assert.equal((await call(h, 'POST', `/api/v1/fault-reports/${id}/state`, { client: eng, body: { state: 'resolved' } })).status, 409);
  for (const state of ['responding', 'on-site', 'resolved']) assert.equal((await call(h, 'POST', `/api/v1/fault-reports/${id}/state`, { client: eng, body: { state } })).status, 200);
  assert.equal((await call(h, 'PUT', `/api/v1/fault-reports/${id}`, { client: eng, body: { result: 'restored', prevention: 'monitor trunk' } })).status, 200);
  const closed = await call(h, 'POST', `/api/v1/fault-reports/${id}/state`, { client: eng, body: { state: 'closed' } });
  assert.equal(closed.json.state, 'closed');
  assert.equal(closed.json.timing.breached, true);
  assert.equal((await call(h, 'PUT', '/api/v1/fault-reports/targets', { client: eng, body: {} })).status, 403);
  const targets = (await call(h, 'GET', '/api/v1/fault-reports/targets', { client: eng })).json;
  targets['1'].respondH = 1;
  assert.equal((await call(h, 'PUT', '/api/v1/fault-reports/targets', { client: mint(h, 'admin1'), body: targets })).status, 200);
  const pdf = await fetch(`${h.base}/api/v1/fault-reports/${id}/report.pdf?lang=zh-CN`, { headers: { cookie: eng.cookie } });
  assert.equal(pdf.status, 200);
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
});
