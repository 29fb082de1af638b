import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ConfigStore } from '../../src/config/index.ts';
import { dataPaths } from '../../src/paths.ts';
import type { RecordsDb } from '../../src/records/index.ts';
import { BackupError, type BackupService } from '../../src/backup/index.ts';
import { populate, serviceWithTarget, stateDigest, tempDir } from './fixture.ts';

// One box with one good archive; every test damages a copy and proves the restore is refused with
// its own message and the live data directory is byte-for-byte what it was.
let root: string;
let target: string;
let svc: BackupService;
let records: RecordsDb;
let store: ConfigStore;
let good: string;

before(async () => {
  root = tempDir('bk-ref');
  target = tempDir('bk-ref-target');
  ({ store, records } = await populate(root, { calls: 3000, recordings: 8 }));
  svc = await serviceWithTarget(root, records, target, store);
  good = join(target, (await svc.backup({ target: 'usb', recordings: true })).catalog.name);
  // Change the live box after the backup, so "nothing changed" is distinguishable from "restored".
  await store.update((c) => void (c.extensions[0].name = 'changed after backup'), { author: 'test', comment: 'after' });
});

after(async () => {
  records.close();
  await rm(root, { recursive: true, force: true });
  await rm(target, { recursive: true, force: true });
});

async function refused(file: string, passphrase: string | undefined, code: string, message: RegExp): Promise<void> {
  const beforeState = await stateDigest(root);
  const err = await svc.stage({ bytes: createReadStream(file), size: (await stat(file)).size, passphrase }).then(
    () => assert.fail('the restore was not refused'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof BackupError, String(err));
  assert.equal(err.code, code, err.message);
  assert.match(err.message, message);
  assert.ok(err.messageZh.length > 0);
  assert.deepEqual(await stateDigest(root), beforeState, 'nothing changed');
  assert.deepEqual((await readdir(root)).filter((n) => n.startsWith('.restore-')), [], 'no staging left');
}

async function damaged(name: string, fn: (file: string) => Promise<void>): Promise<string> {
  const copy = join(target, name);
  await writeFile(copy, await readFile(good));
  await fn(copy);
  return copy;
}

test('a wrong passphrase is refused as WRONG_PASSPHRASE, nothing changed', async () => {
  await refused(good, 'not the passphrase', 'WRONG_PASSPHRASE', /wrong passphrase/);
});

test('one corrupted byte in the middle is refused as CORRUPTED (authentication failed), nothing changed', async () => {
  const size = (await stat(good)).size;
  const file = await damaged('corrupt.bin', async (f) => {
    const fh = await open(f, 'r+');
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, Math.floor(size / 2));
    b[0] ^= 0x01;
    await fh.write(b, 0, 1, Math.floor(size / 2));
    await fh.close();
  });
  await refused(file, 'correct horse battery', 'CORRUPTED', /corrupted \(record \d+ failed authentication\)/);
});

test('a truncated archive is refused as TRUNCATED, nothing changed', async () => {
  const size = (await stat(good)).size;
  const file = await damaged('truncated.bin', (f) => truncate(f, Math.floor(size * 0.6)));
  await refused(file, 'correct horse battery', 'TRUNCATED', /truncated/);
  // Cut exactly at a record boundary too: the final-record marker is what is missing then.
  const atBoundary = await damaged('truncated2.bin', (f) => truncate(f, size - (4 + 16) - 100));
  await refused(atBoundary, 'correct horse battery', 'TRUNCATED', /truncated/);
});

test('a file that is not a backup is refused as NOT_A_BACKUP', async () => {
  const file = join(target, 'notes.txt');
  await writeFile(file, 'hello, this is not an archive\n');
  await refused(file, 'correct horse battery', 'NOT_A_BACKUP', /not a Hotline backup/);
});

test('a backup from a newer configuration schema revision is refused as SCHEMA_TOO_NEW with the revisions named', async () => {
  // A box of a newer release: its config.json says schemaVersion 2 (written by hand: this release's store would refuse it).
  const newer = tempDir('bk-newer');
  const newerTarget = tempDir('bk-newer-target');
  try {
    const p = await populate(newer, { calls: 5, recordings: 0 });
    const doc = JSON.parse(await readFile(dataPaths(newer).config, 'utf8'));
    doc.schemaVersion = 2;
    await writeFile(dataPaths(newer).config, JSON.stringify(doc, null, 2));
    const other = await serviceWithTarget(newer, p.records, newerTarget, undefined);
    const run = await other.backup({ target: 'usb' });
    assert.equal(run.catalog.configSchemaVersion, 2);
    p.records.close();
    await refused(join(newerTarget, run.catalog.name), 'correct horse battery', 'SCHEMA_TOO_NEW', /schema revision 2, newer than this release understands \(1\); upgrade the appliance/);
  } finally {
    await rm(newer, { recursive: true, force: true });
    await rm(newerTarget, { recursive: true, force: true });
  }
});

test('test restore of a damaged archive is a failed report with the reason, recorded as a failed run', async () => {
  const size = (await stat(good)).size;
  await damaged('hotline-20990101-000000-deadbeef.hlbk', (f) => truncate(f, size - 5000));
  await writeFile(join(target, 'hotline-20990101-000000-deadbeef.hlbk.json'), JSON.stringify({ name: 'hotline-20990101-000000-deadbeef.hlbk', createdAt: '2099-01-01T00:00:00.000Z' }));
  const report = await svc.testRestore({ target: 'usb', name: 'hotline-20990101-000000-deadbeef.hlbk' });
  assert.equal(report.ok, false);
  assert.equal(report.error?.code, 'TRUNCATED');
  const run = svc.runs.list(1, 'test-restore')[0];
  assert.equal(run.status, 'failed');
  assert.match(run.error ?? '', /truncated/);
});
