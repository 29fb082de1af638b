import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, login, mint, seedUser, startHarness } from './harness.ts';

test('PUT /config/routes saves the routes section as a new version with the comment, reloads, audits', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'root', 'admin');
  await seedUser(h, 'eve', 'engineer');
  await h.config.update((d) => void (d.trunks = [{ name: 'carrier-a', host: '192.0.2.1' }, { name: 'carrier-b', host: '192.0.2.2' }]), { author: 'test', comment: 'trunks' });
  const c = await login(h, 'root');
  const routes = {
    inbound: [{ name: 'main', did: '95598', destination: { kind: 'extension', number: '1001' } }],
    outbound: [{ name: 'mobile', patterns: ['_1XXXXXXXXXX'], strip: 0, prepend: '', trunks: ['carrier-b', 'carrier-a'] }],
    emergencyNumbers: ['110', '119'],
  };
  const res = await call(h, 'PUT', '/api/v1/config/routes', { client: c, body: { routes, comment: 'mobile via b then a' } });
  assert.equal(res.status, 200, res.text);
  const history = await h.config.history();
  assert.equal(res.json.configVersion, history.at(-1)!.version);
  assert.equal(history.at(-1)!.comment, 'mobile via b then a');
  assert.equal(history.at(-1)!.author, 'web:root');
  assert.deepEqual(h.config.current.routes, routes);
  assert.equal(h.pbx.reloads, 1);
  const entries = await call(h, 'GET', '/api/v1/audit?action=config.routes_updated', { client: c });
  assert.equal(entries.json.total, 1);

  const forbidden = await call(h, 'PUT', '/api/v1/config/routes', { client: mint(h, 'eve'), body: { routes, comment: 'x' } });
  assert.equal(forbidden.status, 403, 'only admins change routes');
});

test('PUT /config/routes refuses bad routes with the config pointers and keeps the running version', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'root', 'admin');
  await h.config.update((d) => void (d.trunks = [{ name: 'carrier-a', host: '192.0.2.1' }]), { author: 'test', comment: 'trunks' });
  const c = await login(h, 'root');
  const before = h.config.version;
  const routes = { outbound: [{ name: 'bad', patterns: ['_9[', 'abc'], trunks: ['carrier-a', 'nowhere'] }] };
  const res = await call(h, 'PUT', '/api/v1/config/routes', { client: c, body: { routes, comment: 'bad' } });
  assert.equal(res.status, 400, res.text);
  assert.equal(res.json.error.code, 'VALIDATION');
  const paths = (res.json.error.details as Array<{ path: string }>).map((d) => d.path);
  assert.ok(paths.includes('/routes/outbound/0/patterns/1'), paths.join(' '));
  assert.equal(h.config.version, before);

  const semantic = await call(h, 'PUT', '/api/v1/config/routes', { client: c, body: { routes: { outbound: [{ name: 'x', patterns: ['_9[0-'], trunks: ['carrier-a', 'nowhere'] }] }, comment: 'bad' } });
  assert.equal(semantic.status, 400, semantic.text);
  const sp = (semantic.json.error.details as Array<{ path: string }>).map((d) => d.path);
  assert.ok(sp.includes('/routes/outbound/0/trunks/1'), sp.join(' '));

  const noComment = await call(h, 'PUT', '/api/v1/config/routes', { client: c, body: { routes: {} } });
  assert.equal(noComment.status, 400);
  assert.deepEqual(noComment.json.error.details.map((d: { path: string }) => d.path), ['/comment']);
});
