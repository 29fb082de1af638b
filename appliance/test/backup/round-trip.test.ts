import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { copyFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigStore } from '../../src/config/index.ts';
import { dataPaths } from '../../src/paths.ts';
import { openRecords } from '../../src/records/index.ts';
import { addRecordings, populate, serviceWithTarget, stateDigest, tempDir } from './fixture.ts';

test('backup → wipe → restore brings back the configuration, every record row and every recording (checksums)', async () => {
  const root = tempDir('bk-rt');
  const target = tempDir('bk-rt-target');
  try {
    const { store, records } = await populate(root, { calls: 2000, recordings: 25 });
    const originalConfig = structuredClone(store.current);
    const originalHistory = await store.history();
    const svc = await serviceWithTarget(root, records, target, store);
    const progress: number[] = [];
    const run = await svc.backup({ target: 'usb', recordings: true });
    assert.equal(run.catalog.encrypted, true);
    assert.equal(run.catalog.contents.records?.tables.cdr, 2000);
    assert.equal(run.catalog.contents.recordings?.included, 25);
    assert.equal(svc.runs.list()[0].status, 'ok');
    // Only the archive and its catalog entry on the target; no .partial left.
    assert.deepEqual((await readdir(target)).sort(), [run.catalog.name, `${run.catalog.name}.json`].sort());
    const before = await stateDigest(root);
    records.close();
    const saved = await svc.settings();

    // Wipe the whole data directory: a new box.
    await rm(root, { recursive: true, force: true });
    const fresh = await ConfigStore.open(dataPaths(root));
    const freshRecords = openRecords(dataPaths(root).records);
    assert.equal((await stateDigest(root)).records.cdr.rows, 0);
    const svc2 = await serviceWithTarget(root, freshRecords, target, fresh, ''); // no key on the new box: the passphrase is typed
    await svc2.saveSettings(saved);
    const staged = await svc2.stage({ target: 'usb', name: run.catalog.name, passphrase: 'correct horse battery' });
    assert.ok(staged.plan);
    assert.deepEqual(staged.plan.records?.tables.find((t) => t.table === 'cdr'), { table: 'cdr', current: 0, restored: 2000 });
    assert.equal(staged.plan.files.recordings?.added, 25);
    assert.ok(staged.plan.config?.changedSections.includes('extensions'));
    // Staging changed nothing live yet.
    assert.equal((await stateDigest(root)).records.cdr.rows, 0);

    const result = await svc2.apply(staged.id, 'test:restore');
    assert.equal(result.tables.cdr, 2000);
    assert.equal(result.recordings, 25);
    const after = await stateDigest(root);
    assert.deepEqual(after.records, before.records, 'every row of every table');
    assert.deepEqual(after.recordings, before.recordings, 'every recording, by SHA-256');
    assert.deepEqual(after.tls, before.tls);
    assert.deepEqual(after.prompts, before.prompts);
    assert.deepEqual(after.voicemail, before.voicemail, 'voicemail messages');
    assert.equal(Object.keys(after.voicemail).length, 1);
    for (const [file, sha] of Object.entries(before.history)) assert.equal(after.history[file], sha, `history ${file}`);
    assert.deepEqual(fresh.current, originalConfig, 'the running store took the restored configuration');
    const hist = await fresh.history();
    assert.deepEqual(hist.slice(0, originalHistory.length), originalHistory);
    assert.match(hist[hist.length - 1].comment, /restored from backup hotline-/);
    assert.deepEqual((await readdir(root)).filter((n) => n.startsWith('.restore-')), [], 'staging removed');
    // The live connection sees the rows without reopening.
    assert.equal((freshRecords.db.prepare('SELECT COUNT(*) AS n FROM cdr').get() as { n: number }).n, 2000);
    freshRecords.close();
    void progress;
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(target, { recursive: true, force: true });
  }
});

test('incremental recordings: the second archive carries only new files, and restoring it fetches the rest from the chain', async () => {
  const root = tempDir('bk-inc');
  const target = tempDir('bk-inc-target');
  try {
    const { store, records } = await populate(root, { calls: 10, recordings: 6 });
    const svc = await serviceWithTarget(root, records, target, store);
    const first = await svc.backup({ target: 'usb', recordings: true });
    await addRecordings(root, 100, 3);
    const second = await svc.backup({ target: 'usb', recordings: true });
    assert.deepEqual(second.catalog.contents.recordings, { included: 3, referenced: 6, bytes: second.catalog.contents.recordings!.bytes });
    assert.deepEqual(second.catalog.chain?.dependsOn, [first.catalog.name]);
    assert.ok((await stat(join(target, second.catalog.name))).size < (await stat(join(target, first.catalog.name))).size);
    // Retention never removes an archive a kept one depends on...
    await svc.saveSettings({ ...(await svc.settings()), retention: { keepCount: 1, maxAgeDays: 365 } });
    const third = await svc.backup({ target: 'usb', recordings: true });
    assert.equal(third.catalog.contents.recordings?.included, 0);
    assert.deepEqual(third.removedByRetention, []);
    assert.deepEqual(third.catalog.chain?.dependsOn, [first.catalog.name, second.catalog.name].sort());
    // Restoring the newest archive fetches every recording from the chain.
    const before = (await stateDigest(root)).recordings;
    await rm(dataPaths(root).recordings, { recursive: true });
    const staged = await svc.stage({ target: 'usb', name: third.catalog.name });
    assert.equal(staged.plan?.files.recordings?.added, 9);
    await svc.apply(staged.id, 'test');
    assert.deepEqual((await stateDigest(root)).recordings, before);
    const kept = join(root, 'third-copy.hlbk');
    await copyFile(join(target, third.catalog.name), kept);
    // ...and removes the whole chain once nothing kept needs it.
    const fourth = await svc.backup({ target: 'usb', recordings: false });
    assert.deepEqual(fourth.removedByRetention.sort(), [first.catalog.name, second.catalog.name, third.catalog.name].sort());
    assert.deepEqual((await svc.list('usb')).map((e) => e.name), [fourth.catalog.name]);
    // The incremental archive uploaded without its chain: refused, nothing staged.
    await assert.rejects(svc.stage({ bytes: createReadStream(kept) }), { code: 'CHAIN_INCOMPLETE' });
    assert.deepEqual((await readdir(root)).filter((n) => n.startsWith('.restore-')), []);
    records.close();
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(target, { recursive: true, force: true });
  }
});

test('test restore compares checksums and row counts in a scratch folder and is recorded as a run', async () => {
  const root = tempDir('bk-tr');
  const target = tempDir('bk-tr-target');
  try {
    const { store, records } = await populate(root, { calls: 300, recordings: 4 });
    const svc = await serviceWithTarget(root, records, target, store);
    await svc.backup({ target: 'usb', recordings: true });
    const before = await stateDigest(root);
    const report = await svc.testRestore({ target: 'usb' });
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.deepEqual(report.checks.map((c) => c.name), ['decrypt-and-authenticate', 'member-checksums', 'schema-compatible', 'configuration-valid', 'records-integrity', 'records-row-counts', 'recordings-checksums']);
    assert.ok(report.checks.every((c) => c.ok));
    assert.deepEqual(await stateDigest(root), before, 'the live data is untouched');
    assert.deepEqual(await readdir(join(dataPaths(root).backupState, 'scratch')), [], 'scratch folder emptied');
    const run = svc.runs.list(1, 'test-restore')[0];
    assert.equal(run.status, 'ok');
    records.close();
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(target, { recursive: true, force: true });
  }
});
