// Retention decisions (issue 7): which recordings stay, go or move, and what a failing archive
// target leaves behind (everything, for the next sweep). The SFTP target itself is tested against
// a real sshd in hil-tests/test/recorder-archive-sftp.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecords, RecordingStore, type StoredRecording } from '../../src/records/index.ts';
import { retentionDecision, ruleFor, sweepRetention } from '../../src/recorder/retention.ts';
import { ArchiveError, type ArchiveTarget } from '../../src/recorder/archive-target.ts';
import { recorderSettings, RecorderSettingsError } from '../../src/recorder/settings.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 12);
const RULES = { retention: { standard: { days: 180 }, complaint: { days: 730, archive: true } }, defaultClass: 'standard' };

test('decision: finished recordings older than their class\'s days leave (deleted, or archived by an archiving class); the rest stay', () => {
  const r = (retentionClass: string, endedDaysAgo: number | null, state: StoredRecording['state'] = 'closed') =>
    retentionDecision({ retentionClass, state, endedAt: endedDaysAgo === null ? null : NOW - endedDaysAgo * DAY }, RULES, NOW);
  assert.equal(r('standard', 181), 'delete');
  assert.equal(r('standard', 179), 'keep');
  assert.equal(r('standard', 180), 'keep', 'exactly the period: not yet over');
  assert.equal(r('standard', 181, 'recovered'), 'delete', 'a repaired file follows its class too');
  assert.equal(r('complaint', 200), 'keep', 'complaints stay 730 days');
  assert.equal(r('complaint', 731), 'archive');
  assert.equal(r('gone', 181), 'delete', 'a class no longer configured follows the default class');
  assert.equal(r('complaint', 731, 'active'), 'keep', 'a recording still being written never leaves');
  for (const st of ['archived', 'deleted', 'lost'] as const) assert.equal(r('standard', 5000, st), 'keep', `${st}: nothing left to do`);
  assert.equal(r('standard', null), 'keep', 'no end time: not finished');
  assert.deepEqual(ruleFor('gone', RULES), { days: 180 });
});

/** A temp records.db and recordings folder with expired recordings of two classes. */
function fixture(name: string) {
  const root = mkdtempSync(join(tmpdir(), `rec-ret-${name}-`));
  const recordingsDir = join(root, 'recordings');
  const db = openRecords(join(root, 'records.db'));
  const store = new RecordingStore(db);
  const add = (id: string, cls: string, endedDaysAgo: number) => {
    const path = `2024/01/0${1 + (id.length % 8)}/${id}.wav`;
    mkdirSync(join(recordingsDir, path, '..'), { recursive: true });
    writeFileSync(join(recordingsDir, path), id);
    store.start({ id, callId: id, sessionCallId: id, startedAt: NOW - endedDaysAgo * DAY - 1000, parties: [], codec: 'PCMU', channels: 2, path, retentionClass: cls, segment: 1 });
    store.end(id, { endedAt: NOW - endedDaysAgo * DAY, durationMs: 1000, sha256: 'f'.repeat(64), sizeBytes: id.length, path, encrypted: false, state: 'closed', packetsLost: 0 });
    return join(recordingsDir, path);
  };
  return { root, recordingsDir, db, store, add, done: () => { db.close(); rmSync(root, { recursive: true, force: true }); } };
}

/** An archive target that fails (like an unreachable server) or stores by name, counting calls. */
function fakeTarget(fail: boolean) {
  const calls: string[] = [];
  let closed = 0;
  const target: ArchiveTarget = {
    description: 'sftp://rec@nas:22/archive',
    async archive(r, local) {
      calls.push(r.id);
      if (fail) throw new ArchiveError('SFTP connect: connect ECONNREFUSED 10.0.0.5:22', 'SFTP 连接失败：connect ECONNREFUSED 10.0.0.5:22');
      rmSync(local);
      return `sftp://rec@nas:22/archive/${r.path}`;
    },
    async close() { closed++; },
  };
  return { target, calls, closed: () => closed };
}

test('an archive target that fails keeps the local file and the row, reports a clear error, and the other classes are still swept', async () => {
  const f = fixture('fail');
  try {
    const c1 = f.add('c1', 'complaint', 800);
    const c2 = f.add('c22', 'complaint', 790);
    const s1 = f.add('s1', 'standard', 200);
    const fake = fakeTarget(true);
    const r = await sweepRetention(f.store, { ...RULES, recordingsDir: f.recordingsDir }, NOW, fake.target);
    assert.deepEqual([r.deleted, r.archived], [1, 0]);
    assert.deepEqual(fake.calls, ['c1'], 'the class stops at its first failure: no login storm against a dead server');
    assert.match(r.archiveError!.message, /ECONNREFUSED/);
    assert.match(r.archiveError!.messageZh, /SFTP 连接失败/);
    assert.equal(r.archiveTarget, 'sftp://rec@nas:22/archive');
    assert.equal(r.errors.length, 1);
    assert.ok(existsSync(c1) && existsSync(c2), 'local files kept');
    assert.deepEqual([f.store.get('c1')!.state, f.store.get('c22')!.state], ['closed', 'closed'], 'rows untouched: retried next sweep');
    assert.equal(existsSync(s1), false);
    assert.equal(f.store.get('s1')!.state, 'deleted');
    assert.equal(fake.closed(), 1, 'the target is closed after the sweep');

    // The next sweep with the server back archives both and records where they went.
    const ok = fakeTarget(false);
    const r2 = await sweepRetention(f.store, { ...RULES, recordingsDir: f.recordingsDir }, NOW, ok.target);
    assert.deepEqual([r2.archived, r2.errors, r2.archiveError], [2, [], undefined]);
    assert.deepEqual(ok.calls, ['c1', 'c22'], 'oldest first');
    const row = f.store.get('c1')!;
    assert.equal(row.state, 'archived');
    assert.match(row.path, /^sftp:\/\/rec@nas:22\/archive\/2024\/01\/0\d\/c1\.wav$/);
    assert.equal(existsSync(c1), false);
  } finally {
    f.done();
  }
});

test('an archiving class with no archive target never deletes: the recording stays and the sweep says why', async () => {
  const f = fixture('none');
  try {
    const c1 = f.add('c1', 'complaint', 800);
    const r = await sweepRetention(f.store, { ...RULES, recordingsDir: f.recordingsDir }, NOW, undefined);
    assert.deepEqual([r.deleted, r.archived], [0, 0]);
    assert.match(r.archiveError!.message, /no archive target/);
    assert.ok(existsSync(c1));
    assert.equal(f.store.get('c1')!.state, 'closed');
  } finally {
    f.done();
  }
});

test('settings: HOTLINE_RECORDER_ARCHIVE_SFTP read whole, bad values named', () => {
  const ok = {
    HOTLINE_RECORDER_RETENTION: '{"standard":{"days":30,"archive":true}}',
    HOTLINE_RECORDER_ARCHIVE_SFTP: JSON.stringify({ host: '10.0.0.5', username: 'rec', path: '/srv/rec', privateKeyPath: '/etc/hotline/archive_key', hostKeySha256: `SHA256:${'A'.repeat(43)}` }),
  };
  const s = recorderSettings(ok, '/data');
  assert.deepEqual(s.archiveSftp, { host: '10.0.0.5', port: 22, username: 'rec', path: '/srv/rec', privateKeyPath: '/etc/hotline/archive_key', hostKeySha256: `SHA256:${'A'.repeat(43)}` });
  const sftp = (o: Record<string, unknown>) => ({ ...ok, HOTLINE_RECORDER_ARCHIVE_SFTP: JSON.stringify({ ...JSON.parse(ok.HOTLINE_RECORDER_ARCHIVE_SFTP), ...o }) });
  const bad: Array<[NodeJS.ProcessEnv, RegExp]> = [
    [{ ...ok, HOTLINE_RECORDER_ARCHIVE_SFTP: '{host' }, /ARCHIVE_SFTP is not JSON/],
    [sftp({ hostKeySha256: 'aa:bb' }), /hostKeySha256.*ssh-keygen -lf/],
    [sftp({ hostKeySha256: undefined }), /"hostKeySha256" is required/],
    [sftp({ privateKeyPath: undefined }), /"privateKeyPath" \(preferred\) or "password"/],
    [sftp({ privateKeyPath: 'key' }), /must be absolute/],
    [sftp({ port: 70000 }), /"port"/],
    [{ ...ok, HOTLINE_RECORDER_ARCHIVE_DIR: '/mnt/a' }, /not both/],
    [{ HOTLINE_RECORDER_RETENTION: ok.HOTLINE_RECORDER_RETENTION }, /neither HOTLINE_RECORDER_ARCHIVE_DIR nor HOTLINE_RECORDER_ARCHIVE_SFTP/],
  ];
  for (const [env, why] of bad) assert.throws(() => recorderSettings(env, '/data'), (e: unknown) => e instanceof RecorderSettingsError && why.test(e.message), `${JSON.stringify(env)} → ${why}`);
});
