import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore, demoSite, ensureFirstStart, validateConfig } from '../../src/config/index.ts';

test('the demo site has agents 1001-1004 and supervisor 2000 with distinct random 12-character secrets', () => {
  const { config, credentials } = demoSite();
  validateConfig(config);
  assert.deepEqual(config.extensions.map((e) => e.number), ['1001', '1002', '1003', '1004', '2000']);
  assert.deepEqual(config.acd?.supervisors, ['2000'], 'the supervisor extension may dial *31–*36');
  assert.equal(config.extensions[0].name, '座席 1001 / Agent 1001');
  assert.equal(config.extensions[4].name, '班长席 / Supervisor');
  assert.ok(credentials.every((c) => /^[A-Za-z0-9]{12}$/.test(c.secret)));
  assert.equal(new Set(credentials.map((c) => c.secret)).size, 5);
  assert.notDeepEqual(demoSite().credentials, credentials);
});

test('ensureFirstStart writes the demo site once and returns the credentials only that time', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'hotline-first-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const p = { config: join(root, 'config.json'), configHistory: join(root, 'config-history') };
  const first = await ensureFirstStart(p);
  assert.equal(first.created, true);
  assert.equal(first.credentials?.length, 5);
  const store = await ConfigStore.open(p);
  assert.equal(store.version, 1);
  assert.equal((await store.history())[0].author, 'first-start');
  assert.equal(store.current.extensions[0].secret, first.credentials![0].secret);

  const second = await ensureFirstStart(p);
  assert.deepEqual(second, { created: false });
  assert.equal((await store.history()).length, 1);
  assert.equal(JSON.parse(await readFile(p.config, 'utf8')).extensions[0].secret, first.credentials![0].secret);
});
