import { moduleLogger } from '../log.ts';
import { selectExpired } from './retention.ts';
import type { RetentionSettings } from './settings.ts';
import type { BackupTarget } from './targets/target.ts';

const log = moduleLogger('backup-retention');

/** Applies retention to a target after a successful run; returns the archive names removed. */
export async function retentionSweep(target: BackupTarget, r: RetentionSettings, nowMs: number): Promise<string[]> {
  const expired = selectExpired(await target.list(), r, nowMs);
  for (const name of expired) {
    await target.remove(name);
    log.info({ target: target.id, archive: name }, 'backup removed by retention');
  }
  return expired;
}
