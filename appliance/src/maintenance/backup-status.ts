/**
 * What the inspection needs to know of backups. The backup service (built apart, issue 9)
 * implements `BackupStatusSource`; until it is wired into mgmt the source is absent and the
 * "last backup age" and "test restore" items read `na` ("not available"), never a pass.
 */
export interface BackupStatus {
  /** Epoch ms of the last backup that completed and verified, or null when none ever did. */
  lastSuccessAt: number | null;
  /** Result of the most recent backup attempt (a failed run after a good one shows here). */
  lastResult: 'ok' | 'failed' | null;
  /** The most recent test restore (restore into a scratch folder and compare), if any ran. */
  lastTestRestore: { at: number; ok: boolean; detail?: string } | null;
}

/** Source of the backup state; implemented by the backup service. */
export interface BackupStatusSource {
  status(): Promise<BackupStatus>;
}
