// Retention archive to SFTP (issue 7) against a real OpenSSH sshd (hil-tests/src/sshd.ts) and the
// real recorder process: expired recordings are uploaded, verified by size and SHA-256 against the
// index, and only then removed locally; the index row points at the server. A refused login, an
// unreachable server and a copy that does not match the index each keep the local file and the
// row, and say so in the recorder's status (error + alarm) until a later sweep succeeds.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlClient } from '@hotline/appliance/control';
import { openRecords, RecordingStore } from '@hotline/appliance/records';
import { sweepRetention } from '../../appliance/src/recorder/retention.ts';
import { SftpArchive } from '../../appliance/src/recorder/archive-target.ts';
import type { RecorderStatus } from '@hotline/appliance/recorder';
import { startSshd, type TestSshd } from '../src/sshd.ts';
import { freePort } from '../src/ports.ts';
import { startRecorder } from '../src/recorder.ts';

const DAY = 86_400_000;
const cleanup: Array<() => Promise<void> | void> = [];
after(async () => { for (const c of cleanup.reverse()) await c(); });

/** Writes `n` recordings of random bytes ended `daysAgo` days ago; `badSum` indexes one with a checksum that does not match its file. */
function seed(dataDir: string, ids: string[], opts: { badSum?: string } = {}): Map<string, { path: string; bytes: Buffer }> {
  const db = openRecords(join(dataDir, 'records.db'));
  const store = new RecordingStore(db);
  const out = new Map<string, { path: string; bytes: Buffer }>();
  ids.forEach((id, i) => {
    const path = `2026/01/0${i + 1}/${id}.wav`;
    const bytes = randomBytes(50_000 + i * 1000);
    mkdirSync(join(dataDir, 'recordings', path, '..'), { recursive: true });
    writeFileSync(join(dataDir, 'recordings', path), bytes);
    const endedAt = Date.now() - (40 - i) * DAY; // oldest first, in id order
    store.start({ id, callId: id, sessionCallId: id, startedAt: endedAt - 1000, parties: [], codec: 'PCMA', channels: 2, path, retentionClass: 'standard', segment: 1 });
    const sha256 = id === opts.badSum ? createHash('sha256').update('bit rot').digest('hex') : createHash('sha256').update(bytes).digest('hex');
    store.end(id, { endedAt, durationMs: 1000, sha256, sizeBytes: bytes.length, path, encrypted: false, state: 'closed', packetsLost: 0 });
    out.set(id, { path, bytes });
  });
  db.close();
  return out;
}

function rows(dataDir: string) {
  const db = openRecords(join(dataDir, 'records.db'));
  try { return new Map(new RecordingStore(db).search({ limit: 100 }).map((r) => [r.id, r])); } finally { db.close(); }
}

function sftpEnv(sshd: TestSshd, remote: string, key = sshd.clientKey): Record<string, string> {
  return {
    HOTLINE_RECORDER_RETENTION: '{"standard":{"days":30,"archive":true}}',
    HOTLINE_RECORDER_ARCHIVE_SFTP: JSON.stringify({ host: '127.0.0.1', port: sshd.port, username: sshd.username, path: remote, privateKeyPath: key, hostKeySha256: sshd.hostKeySha256 }),
  };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('the recorder archives expired recordings to a real sshd: verified, then removed locally; a refused login and a mismatching copy keep the file and show in the status', async () => {
  const sshd = await startSshd();
  cleanup.push(() => sshd.stop());
  const dataDir = mkdtempSync(join(tmpdir(), 'hil-rec-archive-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const seeded = seed(dataDir, ['a1', 'a2', 'a3']);
  const remote = join(sshd.home, 'recording-archive');

  // 1. A key the server does not know: the login is refused; nothing leaves, the status says why.
  const strangerKey = join(dataDir, 'stranger_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', strangerKey]);
  const rec1 = await startRecorder(sftpEnv(sshd, remote, strangerKey), 30_000, { dataDir });
  
  const st1 = await until('the failed archive in the status', async () => {
    const s = await rec1.status();
    return s.archive?.lastError ? s : undefined;
  });
  await rec1.stop();
  assert.match(st1.archive!.lastError!.message, /SFTP connect: .*(authentication|auth)/i, st1.archive!.lastError!.message);
  assert.equal(st1.archive!.archivedTotal, 0);
  const alarm = st1.alarms.find((a) => a.id === 'recorder-archive-failed');
  assert.ok(alarm, JSON.stringify(st1.alarms));
  assert.equal(alarm.severity, 'major');
  assert.match(alarm.text.zh, /录音无法归档/);
  assert.ok(st1.errors.some((e) => /retention: .*SFTP connect/.test(e.message)), JSON.stringify(st1.errors));
  for (const [id, f] of seeded) {
    assert.ok(existsSync(join(dataDir, 'recordings', f.path)), `${id} kept locally`);
    assert.equal(rows(dataDir).get(id)!.state, 'closed');
  }
  assert.equal(existsSync(remote), false, 'nothing written on the server');

  // 2. The right key, plus one more expired recording whose file no longer matches its checksum.
  const db = openRecords(join(dataDir, 'records.db'));
  const store = new RecordingStore(db);
  const rotPath = '2026/01/09/rot.wav';
  const rotBytes = randomBytes(30_000);
  mkdirSync(join(dataDir, 'recordings/2026/01/09'), { recursive: true });
  writeFileSync(join(dataDir, 'recordings', rotPath), rotBytes);
  const rotEnd = Date.now() - 31 * DAY; // newest of the expired: archived last
  store.start({ id: 'rot', callId: 'rot', sessionCallId: 'rot', startedAt: rotEnd - 1000, parties: [], codec: 'PCMA', channels: 2, path: rotPath, retentionClass: 'standard', segment: 1 });
  store.end('rot', { endedAt: rotEnd, durationMs: 1000, sha256: createHash('sha256').update('what was recorded').digest('hex'), sizeBytes: rotBytes.length, path: rotPath, encrypted: false, state: 'closed', packetsLost: 0 });
  db.close();

  const rec2 = await startRecorder(sftpEnv(sshd, remote), 30_000, { dataDir });
  cleanup.push(() => rec2.stop());
  const st2 = await until('the archive sweep', async () => {
    const s = await rec2.status();
    return s.archive ? s : undefined;
  });
  assert.equal(st2.archive!.archivedTotal, 3, JSON.stringify(st2.archive));
  const after2 = rows(dataDir);
  for (const [id, f] of seeded) {
    const r = after2.get(id)!;
    assert.equal(r.state, 'archived', id);
    assert.equal(r.path, `sftp://${sshd.username}@127.0.0.1:${sshd.port}${remote}/${f.path}`);
    assert.equal(existsSync(join(dataDir, 'recordings', f.path)), false, `${id} removed locally after verification`);
    const onServer = readFileSync(join(remote, f.path));
    assert.ok(onServer.equals(f.bytes), `${id}: the server holds the recording byte for byte`);
  }
  assert.equal(after2.get('rot')!.state, 'closed', 'a copy that does not match the index is not counted archived');
  assert.ok(existsSync(join(dataDir, 'recordings', rotPath)), 'and the local file stays');
  assert.match(st2.archive!.lastError!.message, /SHA-256 on the server .* differs from the index/);
  assert.ok(st2.alarms.some((a) => a.id === 'recorder-archive-failed'));
  const partials = execFileSync('find', [remote, '-name', '*.partial'], { encoding: 'utf8' }).trim();
  assert.equal(partials, '', 'no .partial left on the server');

  // 3. The checksum is corrected (the index was wrong, the file is right): the next sweep, asked
  //    over the control API, archives it and clears the alarm.
  const db2 = openRecords(join(dataDir, 'records.db'));
  db2.db.prepare('UPDATE recordings SET sha256 = ? WHERE id = ?').run(createHash('sha256').update(rotBytes).digest('hex'), 'rot');
  db2.close();
  const control = new ControlClient(join(dataDir, 'run', 'recorder.sock'), 30_000, 'recorder');
  const swept = await control.call<{ archived: number; archiveError?: string }>('POST', '/v1/retention/sweep');
  assert.deepEqual(swept, { deleted: 0, archived: 1 });
  const st3 = await control.call<RecorderStatus>('GET', '/v1/status');
  assert.equal(st3.archive!.lastError, null);
  assert.equal(st3.alarms.some((a) => a.id === 'recorder-archive-failed'), false);
  assert.equal(rows(dataDir).get('rot')!.state, 'archived');
});

test('an unreachable server or another host key keep file and row; a copy already on the server counts only once verified, a recording gone everywhere never', async () => {
  const sshd = await startSshd();
  cleanup.push(() => sshd.stop());
  const root = mkdtempSync(join(tmpdir(), 'hil-rec-archive-down-'));
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  const seeded = seed(root, ['d1']);
  const closedPort = await freePort(); // nothing listens there
  const db = openRecords(join(root, 'records.db'));
  cleanup.push(() => db.close());
  const store = new RecordingStore(db);
  const settings = { retention: { standard: { days: 30, archive: true } }, defaultClass: 'standard', recordingsDir: join(root, 'recordings') };
  const target = new SftpArchive({ host: '127.0.0.1', port: closedPort, username: sshd.username, path: join(sshd.home, 'x'), privateKeyPath: sshd.clientKey, hostKeySha256: sshd.hostKeySha256 });
  const r = await sweepRetention(store, settings, Date.now(), target);
  assert.equal(r.archived, 0);
  assert.match(r.archiveError!.message, /SFTP connect: .*ECONNREFUSED/, r.archiveError!.message);
  assert.match(r.archiveError!.messageZh, /SFTP connect失败/);
  assert.ok(existsSync(join(root, 'recordings', seeded.get('d1')!.path)));
  assert.equal(store.get('d1')!.state, 'closed');

  // A server with another host key than configured is refused by name, before any login.
  const impostor = new SftpArchive({ host: '127.0.0.1', port: sshd.port, username: sshd.username, path: join(sshd.home, 'x'), privateKeyPath: sshd.clientKey, hostKeySha256: `SHA256:${'B'.repeat(43)}` });
  const r2 = await sweepRetention(store, settings, Date.now(), impostor);
  assert.match(r2.archiveError!.message, new RegExp(`host key of 127.0.0.1 is ${sshd.hostKeySha256.replace(/[+/]/g, '\\$&')}`));
  assert.equal(store.get('d1')!.state, 'closed');

  // A sweep cut after the upload and the local delete but before the index update: the next
  // sweep finds the server's copy, verifies it against the index and only then counts it archived.
  // A recording gone both here and there is an error, never "archived".
  const remote = join(sshd.home, 'archive-2');
  const more = seed(root, ['d2', 'd3']);
  const d2 = more.get('d2')!;
  mkdirSync(join(remote, d2.path, '..'), { recursive: true });
  writeFileSync(join(remote, d2.path), d2.bytes);
  rmSync(join(root, 'recordings', d2.path));
  rmSync(join(root, 'recordings', more.get('d3')!.path));
  const good = () => new SftpArchive({ host: '127.0.0.1', port: sshd.port, username: sshd.username, path: remote, privateKeyPath: sshd.clientKey, hostKeySha256: sshd.hostKeySha256 });
  const r3 = await sweepRetention(store, settings, Date.now(), good());
  assert.equal(store.get('d1')!.state, 'archived', 'd1 (oldest) now archived');
  assert.equal(store.get('d2')!.state, 'archived', 'the copy already on the server was verified and counted');
  assert.equal(store.get('d3')!.state, 'closed');
  assert.match(r3.archiveError!.message, /local file is missing and the server has no copy/);
  assert.equal(r3.archived, 2);
});
