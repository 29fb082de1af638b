import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { openRecords, BackupRunStore } from '../../src/records/index.ts';
import { backupHealth, lastDue, nextRun, selectExpired, validateBackupSettings, type BackupSettings, type CatalogEntry, type ScheduleSettings } from '../../src/backup/index.ts';
import { tempDir } from './fixture.ts';

const daily: ScheduleSettings = { id: 'nightly', target: 'local', every: 'daily', time: '02:30', recordings: false, enabled: true };
const weekly: ScheduleSettings = { id: 'sunday', target: 'local', every: 'weekly', weekday: 0, time: '03:00', recordings: true, enabled: true };

test('daily and weekly schedules fall at the wall-clock time of the site time zone', () => {
  const now = Date.parse('2026-11-30T10:00:00Z'); // Monday 18:00 in Shanghai
  assert.equal(new Date(nextRun(daily, now, 'Asia/Shanghai')).toISOString(), '2026-11-30T18:30:00.000Z'); // 02:30 Tuesday local
  assert.equal(new Date(lastDue(daily, now, 'Asia/Shanghai')).toISOString(), '2026-11-29T18:30:00.000Z');
  assert.equal(new Date(nextRun(weekly, now, 'Asia/Shanghai')).toISOString(), '2026-12-05T19:00:00.000Z'); // Sunday 03:00 local
  // Across a DST change (Berlin, 29 March 2026): 02:30 does not exist, the run is an hour later; the next day is back to 02:30 CEST.
  const berlin = nextRun(daily, Date.parse('2026-03-28T12:00:00Z'), 'Europe/Berlin');
  assert.equal(new Date(berlin).toISOString(), '2026-03-29T01:30:00.000Z');
  assert.equal(new Date(nextRun(daily, berlin, 'Europe/Berlin')).toISOString(), '2026-03-30T00:30:00.000Z');
});

function entry(name: string, createdAt: string, dependsOn: string[] = []): CatalogEntry {
  return { name, createdAt, size: 1, sha256: '', encrypted: true, keyCheck: null, productVersion: 't', configSchemaVersion: 1, recordsSchemaRevision: 6, contents: { config: true, configHistoryVersions: 1, records: null, tlsFiles: 0, promptFiles: 0, recordings: null }, chain: dependsOn.length ? { id: 'c', sequence: 2, dependsOn } : null };
}

test('retention removes beyond the count and past the age, but never the newest nor what a kept archive depends on', () => {
  const now = Date.parse('2026-11-30T00:00:00Z');
  const list = [entry('a', '2026-11-29T00:00:00Z', ['c']), entry('b', '2026-11-28T00:00:00Z'), entry('c', '2026-06-01T00:00:00Z'), entry('d', '2026-05-01T00:00:00Z')];
  assert.deepEqual(selectExpired(list, { keepCount: 2, maxAgeDays: 90 }, now), ['d']);
  assert.deepEqual(selectExpired(list, { keepCount: 1, maxAgeDays: 90 }, now), ['b', 'd']);
  assert.deepEqual(selectExpired([entry('old', '2020-01-01T00:00:00Z')], { keepCount: 5, maxAgeDays: 1 }, now), [], 'the only backup is kept whatever its age');
});

test('health: a failed last run and a missed schedule each raise an alarm the monitor can read', async () => {
  const dir = tempDir('bk-health');
  const db = openRecords(`${dir}/records.db`);
  try {
    const runs = new BackupRunStore(db);
    const settings: BackupSettings = { targets: [{ id: 'local', kind: 'folder', path: '/x' }], schedules: [{ ...daily, createdAt: Date.parse('2026-11-01T00:00:00Z') }], retention: { keepCount: 3, maxAgeDays: 30 } };
    const now = Date.parse('2026-11-30T10:00:00Z');
    const okId = runs.start('backup', 'schedule', 'local', Date.parse('2026-11-29T18:30:00Z'));
    runs.finish(okId, Date.parse('2026-11-29T18:31:00Z'), { status: 'ok', archive: 'a.hlbk', bytes: 10 });
    let h = backupHealth(runs, settings, now, 'Asia/Shanghai');
    assert.equal(h.alarm, null);
    assert.equal(h.lastSuccessAt, Date.parse('2026-11-29T18:31:00Z'));
    // The next night's run did not happen: missed once the grace has passed.
    h = backupHealth(runs, settings, Date.parse('2026-11-30T21:00:00Z'), 'Asia/Shanghai');
    assert.equal(h.alarm?.reason, 'missed');
    assert.deepEqual(h.missed.map((m) => m.schedule), ['nightly']);
    const bad = runs.start('backup', 'schedule', 'local', Date.parse('2026-11-30T18:30:00Z'));
    runs.finish(bad, Date.parse('2026-11-30T18:30:05Z'), { status: 'failed', error: 'disk full' });
    h = backupHealth(runs, settings, Date.parse('2026-11-30T19:00:00Z'), 'Asia/Shanghai');
    assert.equal(h.alarm?.reason, 'failed');
    assert.match(h.alarm!.message, /disk full/);
    assert.match(h.alarm!.messageZh, /失败/);
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('settings are validated whole, with the field named', () => {
  const good: BackupSettings = { targets: [{ id: 'local', kind: 'folder', path: '/var/lib/hotline/backups' }], schedules: [daily], retention: { keepCount: 7, maxAgeDays: 90 } };
  assert.doesNotThrow(() => validateBackupSettings(good));
  assert.throws(() => validateBackupSettings({ ...good, schedules: [{ ...daily, time: '25:00' }] }), /schedules\/0\/time/);
  assert.throws(() => validateBackupSettings({ ...good, schedules: [{ ...daily, target: 'nas' }] }), /not a configured target/);
  assert.throws(() => validateBackupSettings({ ...good, targets: [{ id: 'nas', kind: 'sftp', host: 'h', port: 22, username: 'u', path: '/b', password: 'p', hostKeySha256: 'md5:xx' }] }), /hostKeySha256/);
  assert.throws(() => validateBackupSettings({ ...good, targets: [{ id: 'x', kind: 'folder', path: 'relative' }] }), /absolute/);
});
