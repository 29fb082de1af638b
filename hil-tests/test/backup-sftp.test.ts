import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigStore } from '@hotline/appliance/config';
import { CdrStore, openRecords } from '@hotline/appliance/records';
import { BackupService, dataPaths, type BackupSettings } from '@hotline/appliance/backup';
import { startSshd } from '../src/sshd.ts';
import { createHash, randomBytes } from 'node:crypto';

test('SFTP target against a real OpenSSH sshd: back up with recordings, list, test restore, restore, wrong host key refused', async (t) => {
  const sshd = await startSshd();
  const root = mkdtempSync(join(tmpdir(), 'hotline-sftp-box-'));
  t.after(async () => {
    await sshd.stop();
    await rm(root, { recursive: true, force: true });
  });
  const paths = dataPaths(root);
  const store = await ConfigStore.open(paths);
  const records = openRecords(paths.records);
  t.after(() => records.close());
  new CdrStore(records).insertMany(Array.from({ length: 200 }, (_, i) => ({ callId: `c${i}`, caller: '100', callee: '95598', startedAt: i, answeredAt: null, endedAt: i + 1, disposition: 'busy' as const, durationSec: 0, billableSec: 0, sipCode: 486, sipReason: 'Busy Here', hangupSide: null })));
  const recDir = join(paths.recordings, '2026', '11', '30');
  await mkdir(recDir, { recursive: true });
  const sums = new Map<string, string>();
  for (let i = 0; i < 5; i++) {
    const b = randomBytes(100_000 + i);
    await writeFile(join(recDir, `r${i}.wav`), b);
    sums.set(`r${i}.wav`, createHash('sha256').update(b).digest('hex'));
  }

  const svc = new BackupService({ paths, records, productVersion: 'test', config: store });
  const remote = join(sshd.home, 'hotline-backups');
  const settings: BackupSettings = {
    targets: [{ id: 'nas', kind: 'sftp', host: '127.0.0.1', port: sshd.port, username: sshd.username, privateKeyPath: sshd.clientKey, hostKeySha256: sshd.hostKeySha256, path: remote }],
    schedules: [],
    retention: { keepCount: 5, maxAgeDays: 30 },
  };
  await svc.saveSettings(settings);
  await svc.setPassphrase('sftp passphrase 1');

  const run = await svc.backup({ target: 'nas', recordings: true });
  assert.equal(run.catalog.contents.recordings?.included, 5);
  assert.deepEqual((await readdir(remote)).sort(), [run.catalog.name, `${run.catalog.name}.json`].sort(), 'archive and catalog, no .partial');
  assert.deepEqual((await svc.list('nas')).map((e) => e.name), [run.catalog.name]);
  assert.equal(createHash('sha256').update(await readFile(join(remote, run.catalog.name))).digest('hex'), run.catalog.sha256, 'bytes on the server are the bytes written');

  const report = await svc.testRestore({ target: 'nas' });
  assert.equal(report.ok, true, JSON.stringify(report));

  await rm(paths.recordings, { recursive: true });
  const staged = await svc.stage({ target: 'nas', name: run.catalog.name });
  assert.equal(staged.plan?.files.recordings?.added, 5);
  await svc.apply(staged.id, 'test');
  for (const [f, sha] of sums) assert.equal(createHash('sha256').update(await readFile(join(recDir, f))).digest('hex'), sha, f);

  await svc.saveSettings({ ...settings, targets: [{ ...settings.targets[0], hostKeySha256: 'SHA256:' + 'A'.repeat(43) } as BackupSettings['targets'][number]] });
  await assert.rejects(svc.backup({ target: 'nas' }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'TARGET_FAILED');
    assert.ok(err.message.includes(sshd.hostKeySha256), err.message);
    return true;
  });
  assert.equal(svc.runs.list(1)[0].status, 'failed');
});
