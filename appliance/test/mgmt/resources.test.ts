import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { CdrStore, type CallRecord } from '../../src/records/index.ts';
import { call, login, seedUser, startHarness, type Harness } from './harness.ts';

async function admin(h: Harness) {
  await seedUser(h, 'root', 'admin');
  return login(h, 'root');
}

test('extension CRUD goes through ConfigStore versions (author web:<user>), reaches the PBX reload and never returns secrets', async (t) => {
  const h = await startHarness(t);
  const c = await admin(h);
  const created = await call(h, 'POST', '/api/v1/extensions', { client: c, body: { number: '1002', name: '座席 1002', secret: 'very-secret-2' } });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.applied, true);
  assert.equal(h.pbx.reloads, 1);
  assert.equal(created.json.extension.secret, undefined);
  const versions = await h.config.history();
  assert.equal(versions.at(-1)!.author, 'web:root');
  assert.equal(created.json.configVersion, versions.at(-1)!.version);
  assert.equal(h.config.current.extensions.find((e) => e.number === '1002')!.secret, 'very-secret-2');

  h.pbx.state.registrations = [{ extension: '1002', contact: 'sip:1002@10.0.0.2', source: '10.0.0.2:5060', transport: 'udp', expiresAt: new Date().toISOString() }];
  const list = await call(h, 'GET', '/api/v1/extensions?search=1002', { client: c });
  assert.deepEqual(list.json, { items: [{ number: '1002', name: '座席 1002', maxContacts: 5, callWaiting: false, registered: true, contacts: 1 }], total: 1 });
  assert.ok(!list.text.includes('very-secret'));

  const dup = await call(h, 'POST', '/api/v1/extensions', { client: c, body: { number: '1002', secret: 'another-secret' } });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.code, 'CONFLICT');

  h.pbx.running = false;
  const upd = await call(h, 'PUT', '/api/v1/extensions/1002', { client: c, body: { callWaiting: true, secret: 'changed-secret-2' } });
  assert.equal(upd.status, 200, upd.text);
  assert.equal(upd.json.applied, false, 'PBX down: saved, not applied');
  assert.equal(h.config.current.extensions.find((e) => e.number === '1002')!.callWaiting, true);

  const del = await call(h, 'DELETE', '/api/v1/extensions/1002', { client: c });
  assert.equal(del.status, 200);
  assert.equal((await call(h, 'GET', '/api/v1/extensions/1002', { client: c })).status, 404);

  const trail = h.services.auditLog.search({ q: '1002' }).items.map((e) => e.action).reverse();
  assert.deepEqual(trail, ['extension.created', 'extension.updated', 'extension.deleted']);
  const updated = h.services.auditLog.search({ action: 'extension.updated' }).items[0];
  assert.deepEqual(updated.before, { number: '1002', name: '座席 1002', secret: '********', maxContacts: 5, callWaiting: false });
  assert.deepEqual(updated.after, { number: '1002', name: '座席 1002', secret: '********', maxContacts: 5, callWaiting: true, secretChanged: true });
  assert.ok(!JSON.stringify(h.services.auditLog.search({}).items).includes('secret-2'), 'no secret value in the audit log');
});

test('validation errors list every offending path, for schema and for config rules', async (t) => {
  const h = await startHarness(t);
  const c = await admin(h);
  const bad = await call(h, 'POST', '/api/v1/extensions', { client: c, body: { number: '1', secret: 'short', maxContacts: 99, extra: 1 } });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'VALIDATION');
  const paths = bad.json.error.details.map((d: any) => d.path).sort();
  assert.deepEqual(paths, ['/extra', '/maxContacts', '/number', '/secret']);
  const q = await call(h, 'GET', '/api/v1/cdr?limit=0&disposition=lost', { client: c });
  assert.deepEqual(q.json.error.details.map((d: any) => d.path).sort(), ['/query/disposition', '/query/limit']);
  const json = await fetch(h.base + '/api/v1/extensions', { method: 'POST', headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/json' }, body: '{oops' });
  assert.equal(json.status, 400);
});

function cdr(caller: string, callee: string, at: string, disposition: CallRecord['disposition']): CallRecord {
  const startedAt = Date.parse(at);
  return { callId: `${caller}-${startedAt}`, caller, callee, startedAt, answeredAt: disposition === 'answered' ? startedAt + 5000 : null, endedAt: startedAt + 60_000, disposition, durationSec: 60, billableSec: disposition === 'answered' ? 55 : 0, sipCode: disposition === 'answered' ? 200 : 486, sipReason: 'x', hangupSide: 'caller' };
}

test('CDR search filters by number (caller or callee), disposition and time with totals; CSV has a BOM and a header; hourly stats use the appliance zone', async (t) => {
  const h = await startHarness(t);
  const c = await admin(h);
  new CdrStore(h.records).insertMany([
    cdr('1001', '1002', '2025-03-01T01:10:00Z', 'answered'), // 09:10 Shanghai
    cdr('1003', '1001', '2025-03-01T01:50:00Z', 'busy'), // 09:50
    cdr('1002', '1003', '2025-03-01T02:05:00Z', 'answered'), // 10:05
    cdr('1004', '=cmd()', '2025-03-01T02:30:00Z', 'no-answer'),
  ]);
  const byNumber = await call(h, 'GET', '/api/v1/cdr?number=1001', { client: c });
  assert.equal(byNumber.json.total, 2);
  assert.deepEqual(byNumber.json.items.map((r: any) => r.disposition), ['busy', 'answered']);
  assert.equal(byNumber.json.items[1].startedAt, '2025-03-01T01:10:00.000Z');
  const page = await call(h, 'GET', '/api/v1/cdr?limit=1&offset=1&disposition=answered', { client: c });
  assert.equal(page.json.total, 2);
  assert.equal(page.json.items[0].caller, '1001');
  const ranged = await call(h, 'GET', '/api/v1/cdr?from=2025-03-01T02:00:00Z&to=2025-03-01T03:00:00Z', { client: c });
  assert.equal(ranged.json.total, 2);

  const csv = await fetch(h.base + '/api/v1/cdr/export.csv?disposition=answered', { headers: { cookie: c.cookie } });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type')!, /text\/csv/);
  const bytes = Buffer.from(await csv.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
  assert.equal(lines[0].split(',')[0], 'id');
  assert.equal(lines.length, 3);
  const all = await (await fetch(h.base + '/api/v1/cdr/export.csv', { headers: { cookie: c.cookie } })).text();
  assert.ok(all.includes("'=cmd()"), 'a formula-like field is defused');
  assert.equal(h.services.auditLog.search({ action: 'cdr.exported' }).total, 2);

  const stats = await call(h, 'GET', '/api/v1/cdr/stats/hourly?from=2025-03-01T01:00:00Z&to=2025-03-01T03:00:00Z', { client: c });
  assert.equal(stats.json.timeZone, 'Asia/Shanghai');
  assert.deepEqual(stats.json.buckets, [
    { hour: '2025-03-01T01:00:00.000Z', total: 2, answered: 1, busy: 1, noAnswer: 0, cancelled: 0, failed: 0 },
    { hour: '2025-03-01T02:00:00.000Z', total: 2, answered: 1, busy: 0, noAnswer: 1, cancelled: 0, failed: 0 },
  ]);
  await h.config.update((d) => void (d.site.timeZone = 'Asia/Kolkata'), { author: 'test', comment: 'tz' });
  const india = await call(h, 'GET', '/api/v1/cdr/stats/hourly?from=2025-03-01T00:30:00Z&to=2025-03-01T02:30:00Z', { client: c });
  // Kolkata is UTC+5:30, so its hours start at :30 UTC: 01:10 falls in the first, 01:50 and 02:05 in the second.
  assert.deepEqual(india.json.buckets.map((b: any) => [b.hour, b.total]), [['2025-03-01T00:30:00.000Z', 1], ['2025-03-01T01:30:00.000Z', 2]]);
});

test('users: admin creates (must change password), updates, resets; cannot delete self nor demote or delete the last admin', async (t) => {
  const h = await startHarness(t);
  const c = await admin(h);
  const created = await call(h, 'POST', '/api/v1/users', { client: c, body: { username: 'bob', role: 'supervisor', password: 'Bobs-Password-1', displayName: 'Bob' } });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.mustChangePassword, true);
  assert.equal(created.json.passwordHash, undefined);
  const weak = await call(h, 'POST', '/api/v1/users', { client: c, body: { username: 'eve', role: 'agent', password: 'weak' } });
  assert.equal(weak.json.error.code, 'PASSWORD_POLICY');
  assert.equal((await call(h, 'POST', '/api/v1/users', { client: c, body: { username: 'bob', role: 'agent', password: 'Bobs-Password-1' } })).status, 409);
  const upd = await call(h, 'PUT', '/api/v1/users/bob', { client: c, body: { role: 'engineer' } });
  assert.equal(upd.json.role, 'engineer');
  assert.equal((await call(h, 'DELETE', '/api/v1/users/root', { client: c })).status, 409, 'not yourself');
  const demote = await call(h, 'PUT', '/api/v1/users/root', { client: c, body: { role: 'auditor' } });
  assert.equal(demote.status, 409, 'not the last admin');
  await call(h, 'POST', '/api/v1/users', { client: c, body: { username: 'carol', role: 'admin', password: 'Carols-Password-1' } });
  await h.services.accounts.setPassword('carol', 'Carols-Password-2', false);
  const carol = await login(h, 'carol', 'Carols-Password-2');
  assert.equal((await call(h, 'DELETE', '/api/v1/users/root', { client: carol })).status, 200);
  assert.equal((await call(h, 'DELETE', '/api/v1/users/carol', { client: carol })).status, 409);
  const actions = h.services.auditLog.search({ q: 'user.' }).items.map((e) => `${e.action}:${e.target}`).reverse();
  assert.deepEqual(actions, ['user.created:bob', 'user.updated:bob', 'user.created:carol', 'user.deleted:root']);
  const bobUpd = h.services.auditLog.search({ action: 'user.updated' }).items[0];
  assert.deepEqual([bobUpd.before, bobUpd.after], [{ username: 'bob', role: 'supervisor', displayName: 'Bob', extension: null }, { username: 'bob', role: 'engineer', displayName: 'Bob', extension: null }]);
});

test('audit search filters and the CSV export; config history, masked version, masked diff and rollback that reloads the PBX', async (t) => {
  const h = await startHarness(t);
  const c = await admin(h);
  await call(h, 'PUT', '/api/v1/extensions/1001', { client: c, body: { secret: 'new-secret-1001' } });
  const versions = await call(h, 'GET', '/api/v1/config/versions', { client: c });
  assert.deepEqual(versions.json.map((v: any) => v.version), [1, 2]);
  const v1 = await call(h, 'GET', '/api/v1/config/versions/1', { client: c });
  assert.equal(v1.json.extensions[0].secret, '********');
  const diff = await call(h, 'GET', '/api/v1/config/diff?a=1&b=2', { client: c });
  assert.match(diff.json.diff, /\+\s+"secret": "\*{8} \(changed\)"/);
  assert.ok(!diff.json.diff.includes('secret-1001'));
  assert.equal((await call(h, 'GET', '/api/v1/config/versions/99', { client: c })).status, 404);
  const reloads = h.pbx.reloads;
  const rb = await call(h, 'POST', '/api/v1/config/rollback', { client: c, body: { version: 1 } });
  assert.equal(rb.status, 200, rb.text);
  assert.equal(rb.json.version, 3);
  assert.equal(rb.json.applied, true);
  assert.equal(h.pbx.reloads, reloads + 1);
  assert.equal(h.config.current.extensions[0].secret, 'secret-1001');

  const search = await call(h, 'GET', '/api/v1/audit?action=config.rollback', { client: c });
  assert.equal(search.json.total, 1);
  assert.deepEqual(search.json.items[0].after, { version: 3, contentOf: 1 });
  assert.equal((await call(h, 'GET', '/api/v1/audit?actor=root&limit=1', { client: c })).json.items.length, 1);
  const csv = await (await fetch(h.base + '/api/v1/audit/export.csv?q=extension', { headers: { cookie: c.cookie } })).text();
  const rows = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
  assert.equal(rows[0], 'id,at,actor,role,source_address,action,target,outcome,before,after');
  assert.equal(rows.length, 2);
  assert.match(rows[1], /extension\.updated/);
  assert.ok(!csv.includes('new-secret'));
  assert.equal(h.services.auditLog.search({ action: 'audit.exported' }).total, 1);
});

test('an unexpected failure answers 500 INTERNAL with a generic message and no stack trace', async (t) => {
  const h = await startHarness(t);
  const c = await admin(h);
  h.services.deps.system.snapshot = async () => {
    throw new Error('secret internal detail at /opt/hotline/x.ts:12');
  };
  const res = await call(h, 'GET', '/api/v1/system/summary', { client: c });
  assert.equal(res.status, 500);
  assert.equal(res.json.error.code, 'INTERNAL');
  assert.ok(!res.text.includes('secret internal detail'));
  assert.ok(!res.text.includes('.ts:'));
  assert.equal((await call(h, 'GET', '/api/v1/nope', { client: c })).json.error.code, 'NOT_FOUND');
});

test('system summary reports host metrics, the time zone and the PBX state', async (t) => {
  const h = await startHarness(t);
  const c = await admin(h);
  h.pbx.state.activeCalls = [{ callId: 'a', caller: '1001', callee: '1002', state: 'answered', startedAt: new Date().toISOString() }];
  const s = await call(h, 'GET', '/api/v1/system/summary', { client: c });
  assert.equal(s.json.product, 'Hotline');
  assert.equal(s.json.timeZone, 'Asia/Shanghai');
  assert.deepEqual(s.json.pbx, { running: true, registrations: 0, activeCalls: 1, configVersion: 1 });
  assert.equal(s.json.cpu.cores, 2);
});

/** Opens a WebSocket and resolves with the HTTP status of a refused handshake, or the socket. */
function openWs(h: Harness, headers: Record<string, string>): Promise<{ ws?: WebSocket; status?: number; first?: Promise<any> }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/api/v1/live`, { headers });
    const messages: any[] = [];
    const waiters: Array<(m: any) => void> = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      const w = waiters.shift();
      if (w) w(m);
      else messages.push(m);
    });
    (ws as any).next = () => (messages.length ? Promise.resolve(messages.shift()) : new Promise((r) => waiters.push(r)));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('open', () => resolve({ ws }));
  });
}

test('the live WebSocket refuses no cookie (401) and a foreign Origin (403), and pushes a snapshot on connect and on change', async (t) => {
  const h = await startHarness(t);
  const c = await admin(h);
  assert.equal((await openWs(h, {})).status, 401);
  assert.equal((await openWs(h, { cookie: c.cookie, origin: 'https://evil.example' })).status, 403);
  const { ws } = await openWs(h, { cookie: c.cookie, origin: h.base });
  assert.ok(ws);
  t.after(() => ws.close());
  const next = (ws as any).next as () => Promise<any>;
  const first = await next();
  assert.deepEqual(first, { type: 'snapshot', pbxRunning: true, registrations: [], activeCalls: [] });
  h.pbx.state.activeCalls = [{ callId: 'c1', caller: '1001', callee: '1002', state: 'ringing', startedAt: '2025-03-01T08:00:00.000Z' }];
  let m = await next();
  while (m.activeCalls.length === 0) m = await next();
  assert.equal(m.type, 'snapshot');
  assert.equal(m.activeCalls[0].callId, 'c1');
});
