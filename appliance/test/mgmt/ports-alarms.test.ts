import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, login, mint, seedUser, startHarness } from './harness.ts';

test('GET /ports shows the card and its ports from the analog gateway, and running false while it is stopped', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'root', 'admin');
  await seedUser(h, 'bob', 'agent');
  const c = await login(h, 'root');
  const fxs = { port: 1, kind: 'FXS' as const, card: 'card1', extension: '8001', state: 'connected', since: '2025-03-01T07:59:00.000Z', callerId: '13800138000' };
  const fxo = { port: 2, kind: 'FXO' as const, card: 'card1', group: 'pstn', state: 'idle', since: '2025-03-01T07:00:00.000Z' };
  h.analog.state.card = { state: 'open', driver: 'simulator', since: '2025-03-01T07:00:00.000Z' };
  h.analog.state.ports = [fxs, { ...fxo, secret: 'x' } as typeof fxo];
  const reg = { extension: '8001', state: 'registered', expiresAt: '2025-03-01T08:59:00.000Z' };
  const inCall = { port: 1, direction: 'out' as const, state: 'connected', number: '13800138000' };
  h.analog.state.registrations = [{ ...reg, password: 'x' } as typeof reg];
  h.analog.state.calls = [inCall];

  const res = await call(h, 'GET', '/api/v1/ports', { client: c });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, { running: true, card: { state: 'open', driver: 'simulator', since: '2025-03-01T07:00:00.000Z' }, items: [fxs, fxo], registrations: [reg], calls: [inCall] });
  assert.equal((await call(h, 'GET', '/api/v1/ports', { client: mint(h, 'bob') })).status, 403, 'agents do not read ports');

  h.analog.running = false;
  const down = await call(h, 'GET', '/api/v1/ports', { client: c });
  assert.equal(down.status, 200, down.text);
  assert.equal((down.json as { running: boolean }).running, false);
  assert.equal((down.json as { card: { state: string } }).card.state, 'unknown');
  assert.deepEqual((down.json as { registrations: unknown[] }).registrations, []);
});

test('GET /alarms merges the PBX and gateway alarms newest first and says which services answered', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'root', 'admin');
  const c = await login(h, 'root');
  const trunk = { id: 'trunk-down:carrier', severity: 'major' as const, source: 'pbx/trunk/carrier', text: { en: 'Trunk carrier does not answer', zh: '中继 carrier 无响应' }, raisedAt: '2025-03-01T07:30:00.000Z' };
  const card = { id: 'card-missing', severity: 'critical' as const, source: 'analog/card', text: { en: 'Telephony card not available', zh: '电话板卡不可用' }, raisedAt: '2025-03-01T07:45:00.000Z' };
  h.pbx.state.alarms = [trunk];
  h.analog.state.alarms = [card];
  let res = await call(h, 'GET', '/api/v1/alarms', { client: c });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, { items: [card, trunk], services: { pbx: true, analog: true } });

  h.analog.running = false;
  res = await call(h, 'GET', '/api/v1/alarms', { client: c });
  assert.deepEqual(res.json, { items: [trunk], services: { pbx: true, analog: false } });
});

test('a configuration change asks the analog gateway to reload too', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'root', 'admin');
  const c = await login(h, 'root');
  const res = await call(h, 'POST', '/api/v1/extensions', { client: c, body: { number: '1002', secret: 'secret-1002' } });
  assert.equal(res.status, 201, res.text);
  for (let i = 0; i < 50 && h.analog.reloads === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(h.analog.reloads, 1);
  assert.equal(h.pbx.reloads, 1);
});
