import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore, ConfigValidationError, ConfigVersionNotFoundError, defaultConfig, serializeConfig } from '../../src/config/index.ts';

const meta = (comment: string) => ({ author: 'test', comment });

async function tempPaths() {
  const root = await mkdtemp(join(tmpdir(), 'hotline-config-'));
  return { root, config: join(root, 'config.json'), configHistory: join(root, 'config-history') };
}

test('open creates the default file as version 1 with its history entry', async (t) => {
  const p = await tempPaths();
  t.after(() => rm(p.root, { recursive: true, force: true }));
  const store = await ConfigStore.open(p);
  assert.equal(store.version, 1);
  assert.equal(store.created, true);
  assert.deepEqual(store.current, defaultConfig());
  assert.equal(await readFile(p.config, 'utf8'), serializeConfig(defaultConfig()));
  assert.deepEqual(await readdir(p.configHistory), ['1.json']);
  const again = await ConfigStore.open(p);
  assert.equal(again.version, 1);
  assert.equal(again.created, false);
});

test('current is frozen so a caller cannot change the shared configuration', async (t) => {
  const p = await tempPaths();
  t.after(() => rm(p.root, { recursive: true, force: true }));
  const store = await ConfigStore.open(p);
  assert.throws(() => {
    (store.current.sip as any).udpPort = 1;
  }, TypeError);
});

test('update stores a new version with metadata, and an invalid update writes nothing', async (t) => {
  const p = await tempPaths();
  t.after(() => rm(p.root, { recursive: true, force: true }));
  const store = await ConfigStore.open(p, { now: () => new Date('2024-05-01T08:00:00Z') });
  const v2 = await store.update((d) => void d.extensions.push({ number: '1001', secret: 'abcdefgh', maxContacts: 5, callWaiting: false }), { author: 'alice', comment: 'add 1001' });
  assert.equal(v2.version, 2);
  assert.equal(v2.author, 'alice');
  assert.equal(v2.comment, 'add 1001');
  assert.equal(v2.savedAt, '2024-05-01T08:00:00.000Z');
  assert.match(v2.sha256, /^[0-9a-f]{64}$/);
  assert.equal(store.version, 2);

  const before = await readFile(p.config, 'utf8');
  await assert.rejects(
    store.update((d) => void d.extensions.push({ number: '1001', secret: 'x', maxContacts: 5, callWaiting: false }), meta('bad')),
    (err: unknown) => err instanceof ConfigValidationError && err.errors.some((e) => e.path === '/extensions/1/secret') && err.errors.some((e) => e.path === '/extensions/1/number'),
  );
  assert.equal(await readFile(p.config, 'utf8'), before);
  assert.equal((await store.history()).length, 2);
  assert.equal(store.version, 2);
});

test('update starts from the file on disk, so a change by another process is not lost', async (t) => {
  const p = await tempPaths();
  t.after(() => rm(p.root, { recursive: true, force: true }));
  const a = await ConfigStore.open(p);
  const b = await ConfigStore.open(p);
  await a.update((d) => void (d.site.name = 'A'), meta('a'));
  await b.update((d) => void (d.rtp.portMax = 19000), meta('b'));
  const fresh = await ConfigStore.open(p);
  assert.equal(fresh.current.site.name, 'A');
  assert.equal(fresh.current.rtp.portMax, 19000);
  assert.equal(fresh.version, 3);
});

test('reload picks up another writer and keeps the previous config when the file is invalid', async (t) => {
  const p = await tempPaths();
  t.after(() => rm(p.root, { recursive: true, force: true }));
  const pbx = await ConfigStore.open(p);
  const cli = await ConfigStore.open(p);
  await cli.update((d) => void (d.sip.noAnswerTimeoutSec = 45), meta('longer ring'));
  await pbx.reload();
  assert.equal(pbx.current.sip.noAnswerTimeoutSec, 45);
  assert.equal(pbx.version, 2);

  const broken = { ...structuredClone(pbx.current), rtp: { portMin: 20000, portMax: 10000 } };
  await writeFile(p.config, JSON.stringify(broken));
  await assert.rejects(pbx.reload(), (err: unknown) => err instanceof ConfigValidationError && err.errors[0].path === '/rtp/portMin');
  assert.equal(pbx.current.rtp.portMin, 10000);
  assert.equal(pbx.version, 2);

  await writeFile(p.config, '{ not json');
  await assert.rejects(pbx.reload(), ConfigValidationError);
  assert.equal(pbx.version, 2);
});

test('a valid hand edit of config.json is recorded as a new version on the next open', async (t) => {
  const p = await tempPaths();
  t.after(() => rm(p.root, { recursive: true, force: true }));
  await ConfigStore.open(p);
  const edited = { ...defaultConfig(), site: { name: 'Edited' } };
  await writeFile(p.config, JSON.stringify(edited));
  const store = await ConfigStore.open(p);
  assert.equal(store.version, 2);
  assert.equal(store.current.site.name, 'Edited');
  assert.equal((await store.history())[1].author, 'external-edit');
});

test('history, read, diff and rollback: rollback creates a new version equal to the old one', async (t) => {
  const p = await tempPaths();
  t.after(() => rm(p.root, { recursive: true, force: true }));
  const store = await ConfigStore.open(p);
  await store.update((d) => void (d.site.name = 'Water utility'), meta('rename'));
  await store.update((d) => void (d.sip.udpPort = 5070), meta('port'));

  const hist = await store.history();
  assert.deepEqual(hist.map((h) => [h.version, h.comment]), [[1, 'default configuration'], [2, 'rename'], [3, 'port']]);
  assert.equal((await store.read(2)).site.name, 'Water utility');

  const d = await store.diff(1, 3);
  assert.match(d, /^--- version 1\n\+\+\+ version 3\n/);
  assert.match(d, /^- +"name": "Hotline"$/m);
  assert.match(d, /^\+ +"name": "Water utility"$/m);
  assert.match(d, /^- +"udpPort": 5060,\n\+ +"udpPort": 5070,$/m, 'the removed line comes before its replacement');
  assert.match(d, /^\+ +"udpPort": 5070,$/m);
  assert.doesNotMatch(d, /digestAlgorithms/, 'unchanged lines far from a change are folded away');
  assert.match(await store.diff(2, 2), /\(no differences\)/);

  const v4 = await store.rollback(1, meta('undo'));
  assert.equal(v4.version, 4);
  assert.deepEqual(store.current, await store.read(1));
  assert.equal(v4.sha256, hist[0].sha256);
  assert.equal((await store.history()).length, 4);
  await assert.rejects(store.rollback(99, meta('x')), ConfigVersionNotFoundError);
});

test('rollback repairs a broken config.json', async (t) => {
  const p = await tempPaths();
  t.after(() => rm(p.root, { recursive: true, force: true }));
  const store = await ConfigStore.open(p);
  await writeFile(p.config, '{}');
  await store.rollback(1, meta('repair'));
  assert.deepEqual(JSON.parse(await readFile(p.config, 'utf8')), defaultConfig());
});

test('replace validates a whole document and refuses an invalid one', async (t) => {
  const p = await tempPaths();
  t.after(() => rm(p.root, { recursive: true, force: true }));
  const store = await ConfigStore.open(p);
  await assert.rejects(store.replace({ schemaVersion: 1 }, meta('bad')), ConfigValidationError);
  const v = await store.replace({ ...defaultConfig(), site: { name: 'Imported' } }, meta('import'));
  assert.equal(v.version, 2);
  assert.equal(store.current.site.name, 'Imported');
});

test('open refuses an invalid existing file instead of overwriting it', async (t) => {
  const p = await tempPaths();
  t.after(() => rm(p.root, { recursive: true, force: true }));
  await writeFile(p.config, JSON.stringify({ schemaVersion: 1 }));
  await assert.rejects(ConfigStore.open(p), ConfigValidationError);
  assert.equal(await readFile(p.config, 'utf8'), JSON.stringify({ schemaVersion: 1 }));
});
