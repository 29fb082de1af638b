import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { defaultConfig } from '../../src/config/index.ts';
import { AlarmManager } from '../../src/monitor/alarm-manager.ts';
import { Monitor } from '../../src/monitor/monitor.ts';
import { backupHealthSource } from '../../src/monitor/probes/backup-probe.ts';
import { syntheticSnapshot } from '../../src/monitor/synthetic-snapshot.ts';
import { AlarmStore, BackupRunStore, openRecords } from '../../src/records/index.ts';

const NOW = Date.parse('2026-11-30T08:00:00Z');

test('a failed backup raises a major alarm and fills the MIB backup group; the next good backup clears it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-backup-probe-'));
  const db = openRecords(':memory:');
  t.after(() => { db.close(); rmSync(dir, { recursive: true, force: true }); });
  const runs = new BackupRunStore(db);
  const monitor = new Monitor({
    host: async () => syntheticSnapshot({ calls: 0, agents: 0 }, NOW).host,
    services: { pbx: async () => { throw new Error('ENOENT'); }, analog: async () => { throw new Error('unused'); }, mgmtAlive: async () => true },
    alarms: new AlarmManager(new AlarmStore(db), () => NOW),
    config: () => ({ config: defaultConfig(), version: 1 }),
    productVersion: '1', startedAt: NOW, log: pino({ level: 'silent' }), now: () => NOW,
    // No settings file in `dir`: the defaults (no schedules), so only run results count.
    backups: backupHealthSource(db, { backupState: join(dir, 'backup'), backups: join(dir, 'backups') }),
  });

  let polled = await monitor.poll();
  assert.deepEqual(polled.snapshot.backup, { lastSuccessAt: 0, lastResult: 'none' });
  assert.ok(!polled.events.some((e) => e.alarm.source === 'backup'));

  const failed = runs.start('backup', 'manual', 'local', NOW - 60_000);
  runs.finish(failed, NOW - 50_000, { status: 'failed', error: 'disk full' });
  polled = await monitor.poll();
  const raised = polled.events.find((e) => e.alarm.id === 'backup-failed');
  assert.equal(raised?.kind, 'raised');
  assert.equal(raised?.alarm.severity, 'major');
  assert.match(raised!.alarm.text.en, /disk full/);
  assert.match(raised!.alarm.text.zh, /备份/);
  assert.equal(polled.snapshot.backup.lastResult, 'failed');

  const ok = runs.start('backup', 'manual', 'local', NOW - 40_000);
  runs.finish(ok, NOW - 30_000, { status: 'ok', archive: 'a.hlbk', bytes: 1234 });
  polled = await monitor.poll();
  assert.equal(polled.events.find((e) => e.alarm.id === 'backup-failed')?.kind, 'cleared');
  assert.deepEqual(polled.snapshot.backup, { lastSuccessAt: NOW - 30_000, lastResult: 'success' });
});
