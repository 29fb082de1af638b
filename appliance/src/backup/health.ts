import type { BackupRun, BackupRunStore } from '../records/index.ts';
import { lastDue } from './schedule.ts';
import type { BackupSettings } from './settings.ts';

/** A schedule whose last due run did not succeed in time. */
export interface MissedBackup {
  schedule: string;
  target: string;
  /** Epoch ms of the slot that has no successful backup. */
  dueAt: number;
}

/**
 * What the monitor reads to raise backup alarms (issue 9: "a failed or missed backup raises one").
 * `alarm` is null when all is well; otherwise it names the reason in both languages.
 */
export interface BackupHealth {
  /** Epoch ms of the newest successful backup, any target; null: never. */
  lastSuccessAt: number | null;
  lastSuccessArchive: string | null;
  /** The newest finished backup run (ok, failed or interrupted). */
  lastRun: Pick<BackupRun, 'id' | 'status' | 'target' | 'startedAt' | 'finishedAt' | 'archive' | 'error' | 'trigger'> | null;
  /** A run in progress. */
  running: boolean;
  missed: MissedBackup[];
  alarm: { reason: 'failed' | 'missed'; message: string; messageZh: string } | null;
}

/** A scheduled run counts as missed when no successful backup of its target started within this long after the slot. */
export const MISSED_GRACE_MS = 2 * 3_600_000;

/**
 * The backup health from the run history and the schedules. Pure apart from reading the store, so
 * the monitor process can call it with its own read-only records handle:
 * `backupHealth(new BackupRunStore(records), await loadBackupSettings(...), Date.now(), siteTimeZone(config))`.
 */
export function backupHealth(runs: BackupRunStore, settings: BackupSettings, nowMs: number, timeZone: string): BackupHealth {
  const recent = runs.list(200, 'backup');
  const finished = recent.find((r) => r.status !== 'running') ?? null;
  const ok = recent.filter((r) => r.status === 'ok');
  const last = ok[0] ?? runs.lastOk('backup') ?? null;
  const missed: MissedBackup[] = [];
  for (const s of settings.schedules) {
    if (!s.enabled) continue;
    const due = lastDue(s, nowMs - MISSED_GRACE_MS, timeZone);
    const done = ok.some((r) => r.target === s.target && r.startedAt >= due - 60_000);
    // A slot before the schedule existed is not a missed run.
    if (!done && (s.createdAt ?? 0) <= due) missed.push({ schedule: s.id, target: s.target, dueAt: due });
  }
  let alarm: BackupHealth['alarm'] = null;
  if (finished && finished.status !== 'ok') {
    alarm = { reason: 'failed', message: `the last backup (${finished.target}) failed: ${finished.error ?? finished.status}`, messageZh: `最近一次备份（${finished.target}）失败：${finished.error ?? finished.status}` };
  } else if (missed.length) {
    const m = missed[0];
    alarm = { reason: 'missed', message: `scheduled backup "${m.schedule}" due ${new Date(m.dueAt).toISOString()} did not run`, messageZh: `计划备份“${m.schedule}”（应于 ${new Date(m.dueAt).toISOString()} 执行）未执行` };
  }
  return {
    lastSuccessAt: last?.finishedAt ?? null,
    lastSuccessArchive: last?.archive ?? null,
    lastRun: finished && { id: finished.id, status: finished.status, target: finished.target, startedAt: finished.startedAt, finishedAt: finished.finishedAt, archive: finished.archive, error: finished.error, trigger: finished.trigger },
    running: recent.some((r) => r.status === 'running'),
    missed,
    alarm,
  };
}
