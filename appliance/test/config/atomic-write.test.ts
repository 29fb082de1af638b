import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { atomicWriteFile, ConfigStore, serializeConfig, defaultConfig } from '../../src/config/index.ts';

const atomicModule = pathToFileURL(resolve(import.meta.dirname, '../../src/config/atomic-file.ts')).href;

test('a process killed between temp write and rename leaves the old file intact', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-atomic-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const target = join(dir, 'config.json');
  await writeFile(target, 'OLD');
  // SIGKILL inside the hook: the closest a test gets to pulling the plug at that instant.
  const script = `
    const { atomicWriteFile } = await import(${JSON.stringify(atomicModule)});
    await atomicWriteFile(${JSON.stringify(target)}, 'NEW', { beforeRename: () => process.kill(process.pid, 'SIGKILL') });
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.signal, 'SIGKILL', r.stderr);
  assert.equal(await readFile(target, 'utf8'), 'OLD');
  const leftovers = (await readdir(dir)).filter((n) => n.endsWith('.tmp'));
  assert.equal(leftovers.length, 1, 'the killed writer left its fsynced temp file, not a torn target');
  assert.equal(await readFile(join(dir, leftovers[0]), 'utf8'), 'NEW');
});

test('a failure before rename removes the temp file and keeps the old content', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-atomic-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const target = join(dir, 'f.txt');
  await writeFile(target, 'OLD');
  await assert.rejects(atomicWriteFile(target, 'NEW', { beforeRename: () => { throw new Error('power cut'); } }), /power cut/);
  assert.equal(await readFile(target, 'utf8'), 'OLD');
  assert.deepEqual(await readdir(dir), ['f.txt']);
  await atomicWriteFile(target, 'NEW');
  assert.equal(await readFile(target, 'utf8'), 'NEW');
});

test('a store update that crashes before the live rename keeps the old config and reopens on the old version', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'hotline-atomic-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const p = { config: join(root, 'config.json'), configHistory: join(root, 'config-history') };
  await ConfigStore.open(p);
  const crashing = await ConfigStore.open(p, {
    writeHooks: { beforeRename: (temp) => { if (temp.includes('config.json')) throw new Error('crash'); } },
  });
  await assert.rejects(crashing.update((d) => void (d.site.name = 'Never'), { author: 't', comment: 'c' }), /crash/);
  assert.equal(await readFile(p.config, 'utf8'), serializeConfig(defaultConfig()));
  const reopened = await ConfigStore.open(p);
  assert.equal(reopened.current.site.name, 'Hotline');
  assert.equal(reopened.version, 1);
});
