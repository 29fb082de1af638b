import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STATE_CHANGING } from '../../src/mgmt/auth/guard.ts';
import { checkPasswordPolicy } from '../../src/mgmt/auth/password-policy.ts';
import { routeTable } from '../../src/mgmt/route-table.ts';
import { call, GOOD_PASSWORD, login, mint, seedUser, startHarness } from './harness.ts';

test('login sets an HttpOnly SameSite=Strict session cookie and returns the user and a CSRF token', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'alice', 'supervisor');
  const res = await fetch(h.base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: GOOD_PASSWORD }) });
  assert.equal(res.status, 200);
  const cookie = res.headers.get('set-cookie') ?? '';
  assert.match(cookie, /^hotline_session=[A-Za-z0-9_-]{43};/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
  const body = (await res.json()) as any;
  assert.deepEqual(body.user, { username: 'alice', role: 'supervisor', mustChangePassword: false });
  assert.equal(typeof body.csrfToken, 'string');
  const me = await call(h, 'GET', '/api/v1/auth/me', { client: { cookie: cookie.split(';')[0], csrf: body.csrfToken } });
  assert.equal(me.status, 200);
  assert.equal(me.json.csrfToken, body.csrfToken);
});

test('a wrong password or unknown user answers 401 UNAUTHENTICATED with the same message, and is audited', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'alice', 'admin');
  const wrong = await call(h, 'POST', '/api/v1/auth/login', { body: { username: 'alice', password: 'nope' } });
  const unknown = await call(h, 'POST', '/api/v1/auth/login', { body: { username: 'mallory', password: 'nope' } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.error.code, 'UNAUTHENTICATED');
  assert.equal(unknown.json.error.message, wrong.json.error.message);
  assert.ok(wrong.json.error.messageZh);
  const failed = h.services.auditLog.search({ action: 'auth.login_failed' });
  assert.equal(failed.total, 2);
  assert.equal(failed.items[0].outcome, 'failed');
  assert.equal(failed.items[0].sourceAddress, '127.0.0.1');
});

test('5 failures lock the username for 15 min (429 LOCKED_OUT, even with the right password) and the lock expires', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'alice', 'admin');
  for (let i = 0; i < 4; i++) assert.equal((await call(h, 'POST', '/api/v1/auth/login', { body: { username: 'alice', password: 'bad' } })).status, 401);
  const fifth = await call(h, 'POST', '/api/v1/auth/login', { body: { username: 'alice', password: 'bad' } });
  assert.equal(fifth.status, 429);
  assert.equal(fifth.json.error.code, 'LOCKED_OUT');
  assert.equal(fifth.json.error.retryAfterSec, 900);
  assert.equal(fifth.headers.get('retry-after'), '900');
  const right = await call(h, 'POST', '/api/v1/auth/login', { body: { username: 'alice', password: GOOD_PASSWORD } });
  assert.equal(right.status, 429, 'the right password is refused while locked');
  assert.ok(h.services.auditLog.search({ action: 'auth.locked_out' }).total >= 2);
  const users = await call(h, 'GET', '/api/v1/users', { client: await seedAndLogin(h, 'root') });
  assert.equal(users.json.find((u: any) => u.username === 'alice').locked, true);
  h.clock.now += 15 * 60_000 + 1;
  await login(h, 'alice');
});

/** An extra admin, signed in. */
async function seedAndLogin(h: Parameters<typeof login>[0], name: string) {
  await seedUser(h, name, 'admin');
  return login(h, name);
}

test('20 failures from one address lock that address whatever usernames it tries', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'alice', 'admin');
  let last;
  for (let i = 0; i < 20; i++) last = await call(h, 'POST', '/api/v1/auth/login', { body: { username: `guess${i}`, password: 'bad' } });
  assert.equal(last!.status, 429);
  const res = await call(h, 'POST', '/api/v1/auth/login', { body: { username: 'alice', password: GOOD_PASSWORD } });
  assert.equal(res.status, 429);
});

test('while the password must be changed, every non-auth route answers 403 PASSWORD_CHANGE_REQUIRED until it is changed', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'newbie', 'admin', true);
  const c = await login(h, 'newbie');
  const gated = await call(h, 'GET', '/api/v1/system/summary', { client: c });
  assert.equal(gated.status, 403);
  assert.equal(gated.json.error.code, 'PASSWORD_CHANGE_REQUIRED');
  assert.equal((await call(h, 'GET', '/api/v1/auth/me', { client: c })).status, 200);
  const changed = await call(h, 'POST', '/api/v1/auth/password', { client: c, body: { currentPassword: GOOD_PASSWORD, newPassword: 'Brand-New-Pass-7' } });
  assert.equal(changed.status, 200, changed.text);
  assert.equal(changed.json.user.mustChangePassword, false);
  assert.equal((await call(h, 'GET', '/api/v1/system/summary', { client: c })).status, 200);
  assert.equal(h.services.auditLog.search({ action: 'auth.password_changed' }).items[0].outcome, 'ok');
});

test('the password policy refuses short, single-class, username-equal and recently used passwords, naming each rule', async (t) => {
  assert.deepEqual(checkPasswordPolicy('Ab1!', 'x').map((v) => v.reason), ['too_short']);
  assert.deepEqual(checkPasswordPolicy('abcdefghijkl', 'x').map((v) => v.reason), ['too_few_classes']);
  assert.deepEqual(checkPasswordPolicy('Operator-01', 'operator-01').map((v) => v.reason), ['equals_username']);
  assert.deepEqual(checkPasswordPolicy('密码Password1', 'x'), []);
  const h = await startHarness(t);
  await seedUser(h, 'alice', 'admin');
  const c = await login(h, 'alice');
  const weak = await call(h, 'POST', '/api/v1/auth/password', { client: c, body: { currentPassword: GOOD_PASSWORD, newPassword: 'short' } });
  assert.equal(weak.status, 400);
  assert.equal(weak.json.error.code, 'PASSWORD_POLICY');
  assert.equal(weak.json.error.details.length, 2);
  assert.equal(weak.json.error.details[0].path, '/newPassword');
  const same = await call(h, 'POST', '/api/v1/auth/password', { client: c, body: { currentPassword: GOOD_PASSWORD, newPassword: GOOD_PASSWORD } });
  assert.equal(same.json.error.code, 'PASSWORD_POLICY');
  assert.match(same.json.error.message, /last 3/);
  // Two changes later the first password is still among the last 3; a third change frees it.
  let current = GOOD_PASSWORD;
  for (const next of ['Second-Pass-22', 'Third-Pass-333']) {
    assert.equal((await call(h, 'POST', '/api/v1/auth/password', { client: c, body: { currentPassword: current, newPassword: next } })).status, 200);
    current = next;
  }
  assert.equal((await call(h, 'POST', '/api/v1/auth/password', { client: c, body: { currentPassword: current, newPassword: GOOD_PASSWORD } })).json.error.code, 'PASSWORD_POLICY');
  assert.equal((await call(h, 'POST', '/api/v1/auth/password', { client: c, body: { currentPassword: current, newPassword: 'Fourth-Pass-4444' } })).status, 200);
  assert.equal((await call(h, 'POST', '/api/v1/auth/password', { client: c, body: { currentPassword: 'Fourth-Pass-4444', newPassword: GOOD_PASSWORD } })).status, 200);
});

test('every state-changing route except login refuses a missing or wrong X-CSRF-Token with 403 CSRF', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'alice', 'admin');
  let n = 0;
  for (const r of routeTable.filter((x) => STATE_CHANGING.has(x.method) && x.access !== 'public')) {
    const url = '/api/v1' + r.path.replace(':number', '1001').replace(':username', 'alice').replace(':version', '1');
    const missing = await call(h, r.method, url, { client: mint(h, 'alice'), noCsrf: true, body: {} });
    const wrong = await call(h, r.method, url, { client: mint(h, 'alice'), csrf: 'x'.repeat(43), body: {} });
    for (const res of [missing, wrong]) {
      assert.equal(res.status, 403, `${r.method} ${r.path}`);
      assert.equal(res.json.error.code, 'CSRF');
    }
    n++;
  }
  assert.ok(n >= 10, `checked ${n} routes`);
  assert.equal((await call(h, 'GET', '/api/v1/extensions/1001')).status, 401);
  assert.equal((await call(h, 'GET', '/api/v1/extensions/1001', { client: mint(h, 'alice') })).status, 200, 'extension 1001 survived');
});

test('a state-changing request whose Origin is another site is refused, login included', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'alice', 'admin');
  const res = await call(h, 'POST', '/api/v1/auth/login', { body: { username: 'alice', password: GOOD_PASSWORD }, headers: { origin: 'https://evil.example' } });
  assert.equal(res.status, 403);
  assert.equal(res.json.error.code, 'CSRF');
  await login(h, 'alice', GOOD_PASSWORD, { origin: h.base });
});

test('a session idle for 15 minutes is gone (401); activity keeps it alive; logout ends it', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'alice', 'auditor');
  const c = await login(h, 'alice');
  h.clock.now += 14 * 60_000;
  assert.equal((await call(h, 'GET', '/api/v1/auth/me', { client: c })).status, 200);
  h.clock.now += 14 * 60_000;
  assert.equal((await call(h, 'GET', '/api/v1/auth/me', { client: c })).status, 200, 'activity restarted the idle clock');
  h.clock.now += 15 * 60_000;
  const idle = await call(h, 'GET', '/api/v1/auth/me', { client: c });
  assert.equal(idle.status, 401);
  assert.equal(idle.json.error.code, 'UNAUTHENTICATED');
  const d = await login(h, 'alice');
  assert.equal((await call(h, 'POST', '/api/v1/auth/logout', { client: d })).status, 200);
  assert.equal((await call(h, 'GET', '/api/v1/auth/me', { client: d })).status, 401);
});

test('a session ends after 12 hours even when always active', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'alice', 'auditor');
  const c = await login(h, 'alice');
  for (let i = 0; i < 12 * 6 - 1; i++) {
    h.clock.now += 10 * 60_000;
    assert.equal((await call(h, 'GET', '/api/v1/auth/me', { client: c })).status, 200);
  }
  h.clock.now += 10 * 60_000;
  assert.equal((await call(h, 'GET', '/api/v1/auth/me', { client: c })).status, 401);
});
