/** Backups and restores: encrypted streamed archives, targets, schedules, retention, test restores, health. */
export { BackupService, targetFromSettings, STAGED_TTL_MS, type BackupServiceDeps, type BackupRunResult } from './service.ts';
export { BackupError, type BackupErrorCode } from './errors.ts';
export { backupHealth, MISSED_GRACE_MS, type BackupHealth, type MissedBackup } from './health.ts';
export { createBackupStream, type BackupStream, type CreateBackupOptions } from './archive-writer.ts';
export { readArchive, type KeySource, type ReadArchiveOptions, type VerifiedArchive } from './archive-reader.ts';
export { peekHeader, RECORD_SIZE, type ArchiveHeader } from './container.ts';
export { keyFromPassphrase, loadBackupKey, newBackupKey, recoveryKit, saveBackupKey, type BackupKey, type KdfParams, type RecoveryKit } from './keys.ts';
export { ARCHIVE_EXT, type BackupContents, type BackupManifest, type CatalogEntry, type ManifestMember } from './manifest.ts';
export { progressOf, type Progress, type ProgressSink } from './progress.ts';
export { stageRestore, discardStaged, type StagedRestore, type StageOptions, type ArchiveOpener } from './restore-stage.ts';
export { applyRestore, TABLES_KEPT_ON_RESTORE, type RestoreResult } from './restore-apply.ts';
export type { RestorePlan } from './restore-plan.ts';
export { testRestore, type TestRestoreReport, type TestRestoreCheck } from './test-restore.ts';
export { defaultBackupSettings, loadBackupSettings, saveBackupSettings, validateBackupSettings, type BackupSettings, type ScheduleSettings, type TargetSettings, type RetentionSettings } from './settings.ts';
export { nextRun, lastDue } from './schedule.ts';
export { selectExpired } from './retention.ts';
export { FolderTarget } from './targets/folder-target.ts';
export { SftpTarget, type SftpSettings } from './targets/sftp-target.ts';
export type { BackupTarget } from './targets/target.ts';
/** The data-directory layout a backup covers (re-exported for callers outside the appliance package). */
export { dataPaths } from '../paths.ts';
