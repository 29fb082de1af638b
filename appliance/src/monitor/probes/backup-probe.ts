import type { Alarm } from '../../alarms/index.ts';
import { backupHealth, loadBackupSettings, type BackupHealth } from '../../backup/index.ts';
import { siteTimeZone, type HotlineConfig } from '../../config/index.ts';
import { BackupRunStore, type RecordsDb } from '../../records/index.ts';
import type { BackupState } from '../snapshot.ts';

/** Reads the backup runs the backup service records (records.db) and its schedules (settings.json). */
export function backupHealthSource(records: RecordsDb, paths: { backupState: string; backups: string }): (config: HotlineConfig, now: number) => Promise<BackupHealth> {
  const runs = new BackupRunStore(records);
  return async (config, now) => backupHealth(runs, await loadBackupSettings(paths.backupState, paths.backups), now, siteTimeZone(config));
}

/** The MIB's backup group from the health. */
export function backupState(h: BackupHealth): BackupState {
  const last = h.lastRun;
  return {
    lastSuccessAt: h.lastSuccessAt ?? 0,
    lastResult: !last || last.status === 'running' ? (h.lastSuccessAt ? 'success' : 'none') : last.status === 'ok' ? 'success' : 'failed',
  };
}

/** A failed last backup, or a scheduled one that did not run: one major alarm until a backup succeeds. */
export function backupAlarms(h: BackupHealth, at: string): Alarm[] {
  if (!h.alarm) return [];
  return [{
    id: `backup-${h.alarm.reason}`, severity: 'major', source: 'backup', raisedAt: at,
    text: { en: `Backup: ${h.alarm.message}`, zh: `备份：${h.alarm.messageZh}` },
  }];
}
