import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, login, mint, seedUser, startHarness } from './harness.ts';

test('GET /trunks lists the trunks of the PBX status field by field, and an empty list with pbxRunning false while the PBX is stopped', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'root', 'admin');
  await seedUser(h, 'ann', 'auditor');
  await seedUser(h, 'bob', 'agent');
  const c = await login(h, 'root');
  const carrier = { name: 'carrier', host: '203.0.113.10', port: 5060, transport: 'udp', state: 'up', since: '2025-03-01T07:00:00.000Z', registeredUntil: '2025-03-01T08:30:00.000Z' };
  const gateway = { name: 'fxo-gw', host: '192.168.1.20', port: 5061, transport: 'tcp', state: 'unregistered', since: '2025-03-01T07:55:00.000Z', lastError: '403 Forbidden' };
  // An unknown extra field from a newer PBX must not reach the client.
  h.pbx.state.trunks = [carrier, { ...gateway, internal: 'x' } as typeof gateway];

  const res = await call(h, 'GET', '/api/v1/trunks', { client: c });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, { items: [carrier, gateway], pbxRunning: true });
  assert.equal((await call(h, 'GET', '/api/v1/trunks', { client: mint(h, 'ann') })).status, 200, 'auditors read operations');
  assert.equal((await call(h, 'GET', '/api/v1/trunks', { client: mint(h, 'bob') })).status, 403, 'agents do not');

  h.pbx.running = false;
  const down = await call(h, 'GET', '/api/v1/trunks', { client: c });
  assert.equal(down.status, 200, down.text);
  assert.deepEqual(down.json, { items: [], pbxRunning: false });
});
