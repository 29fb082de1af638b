import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, ConfigLockedError, ConfigStore } from '../../src/config/index.ts';

test('a second writer waits for the lock and gets ConfigLockedError when it is never released', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'config.json.lock');
  const first = await acquireLock(path);
  assert.match(await readFile(path, 'utf8'), new RegExp(`"pid":${process.pid}`));
  await assert.rejects(acquireLock(path, { timeoutMs: 100, retryMs: 10 }), ConfigLockedError);
  await first.release();
  await assert.rejects(stat(path), { code: 'ENOENT' });
  const second = await acquireLock(path, { timeoutMs: 100 });
  await second.release();
});

test('the waiting writer proceeds as soon as the holder releases', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'x.lock');
  const first = await acquireLock(path);
  setTimeout(() => void first.release(), 50);
  const second = await acquireLock(path, { timeoutMs: 2000, retryMs: 10 });
  await second.release();
});

test('a lock older than 10 s is taken over as left by a dead writer', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'config.json.lock');
  await writeFile(path, '{"pid":999999}');
  const old = new Date(Date.now() - 11_000);
  await utimes(path, old, old);
  const lock = await acquireLock(path, { timeoutMs: 100 });
  assert.match(await readFile(path, 'utf8'), new RegExp(`"pid":${process.pid}`));
  await lock.release();
});

test('a fresh lock is respected (not stale before 10 s)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'config.json.lock');
  await writeFile(path, '{"pid":999999}');
  const nineSecondsAgo = new Date(Date.now() - 9_000);
  await utimes(path, nineSecondsAgo, nineSecondsAgo);
  await assert.rejects(acquireLock(path, { timeoutMs: 50, retryMs: 10 }), ConfigLockedError);
});

test('concurrent updates through two stores are serialised: every change lands in its own version', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'hotline-lock-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const p = { config: join(root, 'config.json'), configHistory: join(root, 'config-history') };
  const a = await ConfigStore.open(p);
  const b = await ConfigStore.open(p);
  const numbers = ['1001', '1002', '1003', '1004', '1005', '1006'];
  await Promise.all(
    numbers.map((n, i) =>
      (i % 2 ? a : b).update((d) => void d.extensions.push({ number: n, secret: 'abcdefgh', maxContacts: 5, callWaiting: false }), { author: 't', comment: n }),
    ),
  );
  const final = await ConfigStore.open(p);
  assert.deepEqual(final.current.extensions.map((e) => e.number).sort(), numbers);
  assert.deepEqual((await final.history()).map((h) => h.version), [1, 2, 3, 4, 5, 6, 7]);
});

test('an update while another process holds the lock fails with ConfigLockedError and writes nothing', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'hotline-lock-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const p = { config: join(root, 'config.json'), configHistory: join(root, 'config-history') };
  const store = await ConfigStore.open(p, { lock: { timeoutMs: 60, retryMs: 10 } });
  const held = await acquireLock(`${p.config}.lock`);
  t.after(() => held.release());
  await assert.rejects(store.update((d) => void (d.site.name = 'X'), { author: 't', comment: 'c' }), ConfigLockedError);
  assert.equal((await store.history()).length, 1);
});
