/** Stable codes of refused backup operations; the API and the CLI show `message` / `messageZh`. */
export type BackupErrorCode =
  | 'NOT_A_BACKUP'
  | 'WRONG_PASSPHRASE'
  | 'PASSPHRASE_REQUIRED'
  | 'NO_KEY'
  | 'CORRUPTED'
  | 'TRUNCATED'
  | 'SCHEMA_TOO_NEW'
  | 'CHAIN_INCOMPLETE'
  | 'BUSY'
  | 'NOT_FOUND'
  | 'TARGET_FAILED'
  | 'INVALID_SETTINGS';

/**
 * A backup or restore refused for a reason the user can act on. Thrown before anything in the data
 * directory is changed (restore verifies everything first), so "refused" always means "nothing changed".
 */
export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(readonly code: BackupErrorCode, message: string, readonly messageZh: string) {
    super(message);
  }
}

/** The archive does not start with the Hotline backup magic. */
export const notABackup = (what: string) =>
  new BackupError('NOT_A_BACKUP', `${what} is not a Hotline backup archive`, `${what} 不是 Hotline 备份文件`);

/** The passphrase does not match the archive's key check value. */
export const wrongPassphrase = () =>
  new BackupError('WRONG_PASSPHRASE', 'wrong passphrase: it does not match the key check value of this backup; nothing was changed', '备份口令错误（与该备份的密钥校验值不符），未做任何更改');

/** An authentication tag, a checksum or the container structure did not verify. */
export const corrupted = (detail: string) =>
  new BackupError('CORRUPTED', `the backup archive is corrupted (${detail}); nothing was changed`, `备份文件已损坏（${detail}），未做任何更改`);

/** The archive ended before its final record. */
export const truncated = (detail: string) =>
  new BackupError('TRUNCATED', `the backup archive is truncated (${detail}); it is incomplete, nothing was changed`, `备份文件不完整（被截断：${detail}），未做任何更改`);

/** The archive was written by a newer release. */
export const schemaTooNew = (what: string, archiveRev: number, knownRev: number) =>
  new BackupError(
    'SCHEMA_TOO_NEW',
    `this backup holds ${what} schema revision ${archiveRev}, newer than this release understands (${knownRev}); upgrade the appliance before restoring it. Nothing was changed`,
    `该备份的${what === 'configuration' ? '配置' : '记录库'}结构版本为 ${archiveRev}，高于本版本支持的 ${knownRev}；请先升级设备再恢复。未做任何更改`,
  );
