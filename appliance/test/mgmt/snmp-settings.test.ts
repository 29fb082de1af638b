import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MIB_FILE } from '../../src/monitor/snmp/mib-path.ts';
import { MASK } from '../../src/mgmt/mask.ts';
import { mergeSnmpForm } from '../../src/mgmt/snmp-form.ts';
import { call, login, mint, seedUser, startHarness } from './harness.ts';

/** Counts the reloads mgmt asks of the monitor. */
class FakeMonitor {
  reloads = 0;
  async reloadConfig() {
    this.reloads++;
    return { configVersion: 0 };
  }
}

const STORED = {
  v2c: { enabled: true, community: 'old-community', allowedSources: ['127.0.0.1'] },
  v3Users: [{ name: 'nms', authKey: 'auth-key-old', privKey: 'priv-key-old' }],
  trapTargets: [{ host: '192.0.2.10', version: 'v2c' as const, community: 'trap-community' }],
};

test('GET /snmp/settings masks every key and community; PUT changes the community, keeps blank secrets, reloads the monitor, audits masked', async (t) => {
  const monitor = new FakeMonitor();
  const h = await startHarness(t, { deps: { monitor } });
  await seedUser(h, 'root', 'admin');
  await seedUser(h, 'eve', 'engineer');
  await h.config.update((d) => void (d.snmp = structuredClone(STORED)), { author: 'test', comment: 'snmp' });
  const c = await login(h, 'root');

  const got = await call(h, 'GET', '/api/v1/snmp/settings', { client: mint(h, 'eve') });
  assert.equal(got.status, 200, got.text);
  const s = got.json.settings;
  assert.equal(s.v2c.community, MASK);
  assert.equal(s.v3Users[0].authKey, MASK);
  assert.equal(s.v3Users[0].privKey, MASK);
  assert.equal(s.v3Users[0].authProtocol, 'SHA-256');
  assert.equal(s.trapTargets[0].community, MASK);
  assert.ok(!got.text.includes('old-community') && !got.text.includes('auth-key-old') && !got.text.includes('trap-community'), got.text);
  assert.equal(got.json.mibFiles[0], 'HOTLINE-MIB.txt');

  // What the page sends back: the masked values untouched, the community typed anew.
  const form = { enabled: true, contact: 'noc@example.com', location: '', v2c: { ...s.v2c, community: 'new-community' }, v3Users: s.v3Users, trapTargets: s.trapTargets };
  const put = await call(h, 'PUT', '/api/v1/snmp/settings', { client: c, body: { snmp: form, comment: 'new community' } });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.applied, true);
  assert.equal(monitor.reloads, 1);
  const snmp = h.config.current.snmp!;
  assert.equal(snmp.v2c!.community, 'new-community');
  assert.equal(snmp.v3Users![0]!.authKey, 'auth-key-old');
  assert.equal(snmp.v3Users![0]!.privKey, 'priv-key-old');
  assert.equal(snmp.trapTargets![0]!.community, 'trap-community');
  assert.equal(snmp.contact, 'noc@example.com');
  const entries = await call(h, 'GET', '/api/v1/audit?action=config.snmp_updated', { client: c });
  assert.equal(entries.json.total, 1);
  assert.ok(!JSON.stringify(entries.json).includes('new-community'), 'the audit entry masks the community');

  const forbidden = await call(h, 'PUT', '/api/v1/snmp/settings', { client: mint(h, 'eve'), body: { snmp: form, comment: 'x' } });
  assert.equal(forbidden.status, 403, 'only admins change SNMP settings');
});

test('PUT /snmp/settings refuses bad input with field pointers and changes nothing', async (t) => {
  const monitor = new FakeMonitor();
  const h = await startHarness(t, { deps: { monitor } });
  await seedUser(h, 'root', 'admin');
  await h.config.update((d) => void (d.snmp = structuredClone(STORED)), { author: 'test', comment: 'snmp' });
  const c = await login(h, 'root');
  const before = h.config.version;
  const bad = {
    enabled: true,
    v2c: { enabled: true, community: MASK, allowedSources: ['10.0.0.0/33'] },
    v3Users: [{ name: 'nms', authKey: '', privKey: '' }, { name: 'new-user', authKey: 'short', privProtocol: 'DES' }],
    trapTargets: [{ host: 'nms.example', version: 'v2c' }],
  };
  const res = await call(h, 'PUT', '/api/v1/snmp/settings', { client: c, body: { snmp: bad, comment: 'bad' } });
  assert.equal(res.status, 400, res.text);
  assert.equal(res.json.error.code, 'VALIDATION');
  const paths = (res.json.error.details as Array<{ path: string }>).map((d) => d.path);
  for (const p of ['/snmp/v2c/allowedSources/0', '/snmp/v3Users/1/authKey', '/snmp/v3Users/1/privKey', '/snmp/v3Users/1/privProtocol', '/snmp/trapTargets/0/host', '/snmp/trapTargets/0/community']) {
    assert.ok(paths.includes(p), `${p} in ${paths.join(' ')}`);
  }
  assert.ok(!paths.some((p) => p.startsWith('/snmp/v3Users/0')), 'the existing user kept its keys');
  assert.equal(h.config.version, before, 'no version written');
  assert.equal(monitor.reloads, 0, 'the monitor is not asked to reload');
  assert.equal(h.config.current.snmp!.v2c!.allowedSources![0], '127.0.0.1');

  const shape = await call(h, 'PUT', '/api/v1/snmp/settings', { client: c, body: { snmp: { ...bad, v2c: { enabled: 'yes', allowedSources: [] } }, comment: 'bad' } });
  assert.equal(shape.status, 400, shape.text);
  assert.ok((shape.json.error.details as Array<{ path: string }>).some((d) => d.path === '/snmp/v2c/enabled'), shape.text);
});

test('a monitor that is not running leaves the change saved with applied false', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'root', 'admin');
  const c = await login(h, 'root');
  const form = { enabled: true, v2c: { enabled: false, allowedSources: [] }, v3Users: [{ name: 'nms', authKey: 'auth-key-1', privKey: 'priv-key-1', authProtocol: 'SHA-512', privProtocol: 'AES-256' }], trapTargets: [] };
  const res = await call(h, 'PUT', '/api/v1/snmp/settings', { client: c, body: { snmp: form, comment: 'first user' } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.applied, false);
  assert.deepEqual(h.config.current.snmp!.v3Users, [{ name: 'nms', authProtocol: 'SHA-512', authKey: 'auth-key-1', privProtocol: 'AES-256', privKey: 'priv-key-1' }]);
});

test('GET /snmp/mibs/:name serves the MIB modules and nothing else', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'root', 'admin');
  const c = await login(h, 'root');
  const mib = await call(h, 'GET', '/api/v1/snmp/mibs/HOTLINE-MIB.txt', { client: c });
  assert.equal(mib.status, 200);
  assert.equal(mib.text, readFileSync(MIB_FILE, 'utf8'));
  assert.match(mib.headers.get('content-disposition') ?? '', /attachment; filename="HOTLINE-MIB.txt"/);
  assert.equal((await call(h, 'GET', '/api/v1/snmp/mibs/SNMPv2-SMI.txt', { client: c })).status, 200);
  assert.equal((await call(h, 'GET', '/api/v1/snmp/mibs/NOPE-MIB.txt', { client: c })).status, 404);
  assert.equal((await call(h, 'GET', '/api/v1/snmp/mibs/..%2Fpackage.json', { client: c })).status, 400);
  assert.equal((await call(h, 'GET', '/api/v1/snmp/mibs/HOTLINE-MIB.txt')).status, 401);
});

test('mergeSnmpForm: a new v2c trap target without a community stays without one (the schema reports it)', () => {
  const next = mergeSnmpForm(STORED, { enabled: true, v2c: { enabled: false, allowedSources: [] }, v3Users: [], trapTargets: [{ host: '192.0.2.10', port: 1162, version: 'v2c' }, { host: '192.0.2.10', version: 'v2c', community: MASK }] });
  assert.equal(next.trapTargets![0]!.community, undefined, 'another port is another target');
  assert.equal(next.trapTargets![1]!.community, 'trap-community');
  assert.equal(next.v2c!.community, 'old-community', 'an omitted community is kept even when v2c is turned off');
});

test('mergeSnmpForm: an inform target keeps its mode, retries and timeout through a save (the page sends them back)', () => {
  const next = mergeSnmpForm(STORED, { enabled: true, v2c: { enabled: false, allowedSources: [] }, v3Users: [], trapTargets: [{ host: '192.0.2.10', version: 'v2c', community: MASK, mode: 'inform', retries: 5, timeoutSec: 2 }] });
  assert.deepEqual(next.trapTargets, [{ host: '192.0.2.10', version: 'v2c', community: 'trap-community', mode: 'inform', retries: 5, timeoutSec: 2 }]);
});

test('a monitor that refuses the reload leaves the change saved, applied false, with its reason', async (t) => {
  const h = await startHarness(t, { deps: { monitor: { reloadConfig: async () => { throw new Error('snmp agent not started: EADDRINUSE'); } } } });
  await seedUser(h, 'root', 'admin');
  const c = await login(h, 'root');
  const form = { enabled: true, v2c: { enabled: false, allowedSources: [] }, v3Users: [], trapTargets: [] };
  const res = await call(h, 'PUT', '/api/v1/snmp/settings', { client: c, body: { snmp: form, comment: 'off' } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.applied, false);
  assert.match(res.json.applyError, /EADDRINUSE/);
  assert.equal(h.config.current.snmp!.enabled, true);
});
