import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { dataPaths } from '../../src/paths.ts';
import { openRecords } from '../../src/records/index.ts';
import { BackupService } from '../../src/backup/index.ts';
import { populate, tempDir } from './fixture.ts';

const cli = resolve(import.meta.dirname, '../../src/cli/main.ts');

/** Runs `hotline --data-dir <root> backup ...` as a child; resolves with its exit code and output. */
function hotline(root: string, args: string[], onStderr?: (line: string, kill: () => void) => void): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--data-dir', root, 'backup', ...args], { env: { ...process.env, HOTLINE_BACKUP_PASSPHRASE: 'correct horse battery' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => {
      err += d;
      for (const line of d.toString().split('\n')) if (line) onStderr?.(line, () => child.kill('SIGKILL'));
    });
    child.on('exit', (code, signal) => ok({ code, signal, out, err }));
  });
}

test('kill -9 of a backup child process mid-run leaves no archive counted as good; the next run cleans up and succeeds', async () => {
  const root = tempDir('bk-kill');
  try {
    const { records } = await populate(root, { calls: 1000, recordings: 2 });
    records.close();
    // 120 MB of recordings, so the run is long enough to be caught in the middle.
    const big = join(dataPaths(root).recordings, '2026', '12', '01');
    await mkdir(big, { recursive: true });
    for (let i = 0; i < 24; i++) await writeFile(join(big, `big-${i}.wav`), Buffer.alloc(5 * 1024 * 1024, i));
    assert.equal((await hotline(root, ['passphrase'])).code, 0);

    let killedAt = -1;
    const killed = await hotline(root, ['create', '--recordings'], (line, kill) => {
      const m = /backup archive: (\d+)%/.exec(line);
      if (m && Number(m[1]) >= 20 && killedAt < 0) (killedAt = Number(m[1])), kill();
    });
    assert.equal(killed.signal, 'SIGKILL', `the run finished before it could be killed: ${killed.err}`);
    assert.ok(killedAt >= 20 && killedAt < 100);

    const backups = dataPaths(root).backups;
    const files = await readdir(backups);
    assert.ok(files.some((f) => f.endsWith('.hlbk.partial')), `a partial file is what a killed run leaves: ${files.join(', ')}`);
    assert.ok(!files.some((f) => f.endsWith('.hlbk')), 'no archive under its final name');
    const svc = new BackupService({ paths: dataPaths(root), records: openRecords(dataPaths(root).records), productVersion: 'test' });
    assert.deepEqual(await svc.list(), [], 'nothing is listed as a good backup');
    assert.equal(svc.runs.list(1)[0].status, 'running');
    assert.equal((await svc.health()).lastSuccessAt, null);

    const again = await hotline(root, ['create']);
    assert.equal(again.code, 0, again.err);
    const after = await readdir(backups);
    assert.ok(!after.some((f) => f.endsWith('.partial')), 'the partial file was removed');
    assert.equal((await svc.list()).length, 1);
    const runs = svc.runs.list(5, 'backup');
    assert.deepEqual(runs.map((r) => r.status), ['ok', 'interrupted']);
    const runsOut = await hotline(root, ['runs']);
    assert.match(runsOut.out, /interrupted/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
