import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../src/cli/run.ts';
import type { CliContext } from '../../src/cli/context.ts';
import { dataPaths } from '../../src/paths.ts';
import { populate, tempDir } from './fixture.ts';

/** Runs the CLI in-process on `root`, capturing both streams. */
async function hotline(root: string, args: string[], passphrase?: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const before = process.env.HOTLINE_BACKUP_PASSPHRASE;
  if (passphrase === undefined) delete process.env.HOTLINE_BACKUP_PASSPHRASE;
  else process.env.HOTLINE_BACKUP_PASSPHRASE = passphrase;
  try {
    const code = await runCli(['--data-dir', root, 'backup', ...args], (dir): CliContext => ({ paths: dataPaths(dir), out: (s) => void (out += s), err: (s) => void (err += s), now: Date.now, author: 'cli:test' }));
    return { code, out, err };
  } finally {
    if (before === undefined) delete process.env.HOTLINE_BACKUP_PASSPHRASE;
    else process.env.HOTLINE_BACKUP_PASSPHRASE = before;
  }
}

test('hotline backup: refuses without a passphrase, creates, lists, verifies, refuses a wrong passphrase with exit 2, restores, test-restores, reports status', async () => {
  const root = tempDir('bk-cli');
  try {
    const { records } = await populate(root, { calls: 100, recordings: 3 });
    records.close();
    const noKey = await hotline(root, ['create']);
    assert.equal(noKey.code, 2);
    assert.match(noKey.err, /set a backup passphrase first/);
    assert.match(noKey.err, /请先设置备份口令/);

    const kitFile = join(root, 'kit.json');
    assert.equal((await hotline(root, ['passphrase', '--kit-out', kitFile], 'cli passphrase 1')).code, 0);
    assert.equal((await hotline(root, ['check-passphrase', '--kit', kitFile], 'cli passphrase 1')).code, 0);
    assert.equal((await hotline(root, ['check-passphrase', '--kit', kitFile], 'another one 2')).code, 2);

    const created = await hotline(root, ['create', '--recordings']);
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /Backup written/);
    assert.match(created.err, /backup done: 100%/, 'progress on stderr');
    const list = JSON.parse((await hotline(root, ['list', '--json'])).out) as Array<{ name: string }>;
    assert.equal(list.length, 1);
    const name = list[0].name;

    const ok = await hotline(root, ['verify', name]);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /OK: \d+ members verified/);
    const wrong = await hotline(root, ['verify', join(dataPaths(root).backups, name)], 'not it at all');
    assert.equal(wrong.code, 2);
    assert.match(wrong.err, /wrong passphrase/);
    assert.match(wrong.err, /口令错误/);

    const notTty = await hotline(root, ['restore', name]);
    assert.equal(notTty.code, 2, 'a restore off a terminal needs --yes');
    assert.match(notTty.err, /needs --yes/);
    const restored = await hotline(root, ['restore', name, '--yes']);
    assert.equal(restored.code, 0, restored.err);
    assert.match(restored.out, /cdr +100 +100/);
    assert.match(restored.out, /Restored/);

    const tr = await hotline(root, ['test-restore']);
    assert.equal(tr.code, 0, tr.out);
    assert.match(tr.out, /PASSED/);
    const status = JSON.parse((await hotline(root, ['status', '--json'])).out);
    assert.equal(status.alarm, null);
    assert.equal(status.lastSuccessArchive, name);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
