import type { BackupRunStore } from '../records/index.ts';
import type { BackupStatus, BackupStatusSource } from './backup-status.ts';

/** The inspection's view of backups, read from the runs the backup service records. */
export function backupRunsStatus(runs: BackupRunStore): BackupStatusSource {
  return {
    async status(): Promise<BackupStatus> {
      const last = runs.list(1, 'backup')[0];
      const ok = runs.lastOk('backup');
      const test = runs.list(1, 'test-restore').find((r) => r.finishedAt !== null);
      return {
        lastSuccessAt: ok?.finishedAt ?? null,
        // A run still going (or cut off) says nothing yet about the last result.
        lastResult: last?.status === 'ok' ? 'ok' : last?.status === 'failed' ? 'failed' : null,
        lastTestRestore: test ? { at: test.finishedAt!, ok: test.status === 'ok', ...(test.error ? { detail: test.error } : {}) } : null,
      };
    },
  };
}
