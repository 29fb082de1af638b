import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { dataPaths } from '../../src/paths.ts';
import { FakeClock } from '../../src/sip/clock.ts';
import { BackupService, FolderTarget } from '../../src/backup/index.ts';
import { populate, tempDir } from './fixture.ts';

test('the scheduler runs a daily backup at its wall-clock time, recorded with trigger "schedule", and re-arms for the next day', async () => {
  const root = tempDir('bk-sched');
  const target = tempDir('bk-sched-target');
  try {
    const { store, records } = await populate(root, { calls: 20, recordings: 1 });
    // 2026-11-30 01:00 in Shanghai; the schedule is 02:30 local.
    const clock = new FakeClock(Date.parse('2026-11-29T17:00:00Z'));
    const svc = new BackupService({ paths: dataPaths(root), records, productVersion: 't', config: store, clock, timeZone: () => 'Asia/Shanghai' });
    await svc.setPassphrase('scheduled passphrase');
    await svc.saveSettings({ targets: [{ id: 'usb', kind: 'folder', path: target }], schedules: [{ id: 'nightly', target: 'usb', every: 'daily', time: '02:30', recordings: true, enabled: true }], retention: { keepCount: 5, maxAgeDays: 30 } });
    await svc.startScheduler();
    clock.advance(89 * 60_000); // 02:29
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(svc.runs.list().length, 0, 'nothing before the slot');
    clock.advance(60_000); // 02:30
    for (let i = 0; i < 200 && svc.runs.list()[0]?.status !== 'ok'; i++) await new Promise((r) => setTimeout(r, 25));
    const [run] = svc.runs.list();
    assert.equal(run.status, 'ok');
    assert.equal(run.trigger, 'schedule');
    assert.equal(run.startedAt, Date.parse('2026-11-29T18:30:00Z'));
    assert.equal((await svc.list('usb')).length, 1);
    assert.equal((await svc.health()).alarm, null);
    // The next day's slot fires too (once the scheduler has re-armed).
    for (let i = 0; i < 200 && clock.pending === 0; i++) await new Promise((r) => setTimeout(r, 25));
    clock.advance(24 * 3_600_000);
    for (let i = 0; i < 200 && svc.runs.list().length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    for (let i = 0; i < 200 && svc.runs.list()[0]?.status === 'running'; i++) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(svc.runs.list().map((r) => [r.trigger, r.status]), [['schedule', 'ok'], ['schedule', 'ok']]);
    svc.stopScheduler();
    records.close();
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(target, { recursive: true, force: true });
  }
});

test('a mounted target refuses a path that is not a mount point (an unplugged USB disk), and the run is recorded as failed', async () => {
  const root = tempDir('bk-mnt');
  const notMounted = tempDir('bk-mnt-dir');
  try {
    await assert.rejects(new FolderTarget('usb', notMounted, true).writeArchive('x', (async function* () {})()), { code: 'TARGET_FAILED', message: /is not a mounted file system/ });
    const { store, records } = await populate(root, { calls: 5, recordings: 0 });
    const svc = new BackupService({ paths: dataPaths(root), records, productVersion: 't', config: store });
    await svc.setPassphrase('mounted passphrase');
    await svc.saveSettings({ targets: [{ id: 'usb', kind: 'mounted', path: notMounted }], schedules: [], retention: { keepCount: 5, maxAgeDays: 30 } });
    await assert.rejects(svc.backup({ target: 'usb' }), { code: 'TARGET_FAILED' });
    const [run] = svc.runs.list();
    assert.equal(run.status, 'failed');
    assert.match(run.error ?? '', /not a mounted file system/);
    assert.equal((await svc.health()).alarm?.reason, 'failed');
    records.close();
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(notMounted, { recursive: true, force: true });
  }
});
