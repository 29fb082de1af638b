import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedRoles, ALL_ROLES } from '../../src/mgmt/roles.ts';
import { routeTable } from '../../src/mgmt/route-table.ts';
import { openApiPath } from '../../src/mgmt/openapi.ts';
import { call, mint, seedUser, startHarness } from './harness.ts';

/** A concrete URL for a route: path parameters filled with values that exist or are harmless. */
function concrete(path: string): string {
  return path.replace(':number', '1999').replace(':username', 'nobody').replace(':version', '1');
}

test('every route refuses anonymous callers (401) and the roles it does not list (403), and admits the ones it lists', async (t) => {
  const h = await startHarness(t);
  for (const role of ALL_ROLES) await seedUser(h, `u-${role}`, role);
  let checked = 0;
  for (const r of routeTable) {
    const url = '/api/v1' + concrete(r.path);
    const anon = await call(h, r.method, url, { body: r.body ? {} : undefined });
    if (r.access === 'public') assert.notEqual(anon.status, 401, `${r.method} ${r.path} is public`);
    else assert.equal(anon.status, 401, `${r.method} ${r.path} anonymous`);
    if (r.access === 'public') continue;
    const allowed = allowedRoles(r.access);
    for (const role of ALL_ROLES) {
      // A fresh session per call: logout or a user change must not leak into the next check.
      const res = await call(h, r.method, url, { client: mint(h, `u-${role}`), body: r.body ? {} : undefined });
      if (allowed.includes(role)) assert.ok(res.status !== 401 && res.status !== 403, `${r.method} ${r.path} must admit ${role}, got ${res.status} ${res.text}`);
      else {
        assert.equal(res.status, 403, `${r.method} ${r.path} must refuse ${role}`);
        assert.equal(res.json.error.code, 'FORBIDDEN');
      }
      checked++;
    }
  }
  assert.ok(checked >= 20 * ALL_ROLES.length, `walked ${checked} route/role pairs`);
});

test('the role rules match the contract for the routes the UI depends on', () => {
  const roles = (m: string, p: string) => [...allowedRoles(routeTable.find((r) => r.method === m && r.path === p)!.access)].sort();
  assert.deepEqual(roles('GET', '/system/summary'), [...ALL_ROLES].sort());
  assert.deepEqual(roles('GET', '/live'), [...ALL_ROLES].sort());
  assert.deepEqual(roles('POST', '/extensions'), ['admin']);
  assert.deepEqual(roles('GET', '/extensions'), ['admin', 'auditor', 'engineer', 'supervisor']);
  assert.deepEqual(roles('GET', '/audit'), ['admin', 'auditor']);
  assert.deepEqual(roles('GET', '/config/diff'), ['admin', 'auditor', 'engineer']);
  assert.deepEqual(roles('POST', '/config/rollback'), ['admin']);
  assert.deepEqual(roles('DELETE', '/users/:username'), ['admin']);
});

test('openapi.json lists every route of the table with its roles in x-roles', async (t) => {
  const h = await startHarness(t);
  const res = await call(h, 'GET', '/api/v1/openapi.json');
  assert.equal(res.status, 200);
  const doc = res.json;
  assert.equal(doc.openapi, '3.1.0');
  assert.ok(doc.components.schemas.Error);
  for (const r of routeTable) {
    const op = doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()];
    assert.ok(op, `${r.method} ${r.path} missing`);
    assert.deepEqual(op['x-roles'], [...allowedRoles(r.access)]);
    assert.ok(op.summary && op.operationId && op.responses);
    if (r.body) assert.ok(op.requestBody, `${r.path} request body`);
  }
  const ids = Object.values(doc.paths).flatMap((p: any) => Object.values(p).map((o: any) => o.operationId));
  assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
});
