import { ConfigValidationError, type ChangeMeta, type ConfigVersion, type HotlineConfig } from '../config/index.ts';
import { ServiceNotRunningError } from '../control/index.ts';
import { moduleLogger } from '../log.ts';
import { ApiError } from './errors.ts';
import type { MgmtServices } from './services.ts';

const log = moduleLogger('mgmt-config');

/** Outcome of a configuration write: the version saved and whether the running PBX took it. */
export interface ConfigWriteResult {
  configVersion: number;
  applied: boolean;
  /** Why the PBX did not apply it, when it runs but refused. */
  applyError?: string;
}

/** The configuration as on disk now (the CLI may have written since the last look). */
export async function freshConfig(svc: MgmtServices): Promise<HotlineConfig> {
  return svc.deps.config.reload();
}

/**
 * Saves a change through ConfigStore.update, the same path as the CLI (validation, versioning,
 * lock), then asks the PBX to reload. Refused configs become 400 VALIDATION with every path; a
 * stopped PBX is fine (it reads the file at start): `applied: false`.
 */
export async function saveAndApply(svc: MgmtServices, mutate: (draft: HotlineConfig) => void, meta: ChangeMeta): Promise<ConfigWriteResult> {
  let saved: ConfigVersion;
  try {
    saved = await svc.deps.config.update(mutate, meta);
  } catch (err) {
    throw toApiError(err);
  }
  return applyToPbx(svc, saved);
}

/**
 * Asks the PBX (and the analog gateway, which reads the same file) to reload after `saved`
 * was written. The result reports the PBX; a stopped or refusing gateway is logged.
 */
export async function applyToPbx(svc: MgmtServices, saved: ConfigVersion): Promise<ConfigWriteResult> {
  svc.deps.analog?.reloadConfig().catch((err) => {
    if (!(err instanceof ServiceNotRunningError)) log.warn({ err, version: saved.version }, 'analog gateway did not apply the saved configuration');
  });
  try {
    await svc.deps.pbx.reloadConfig();
    return { configVersion: saved.version, applied: true };
  } catch (err) {
    if (err instanceof ServiceNotRunningError) return { configVersion: saved.version, applied: false };
    log.warn({ err, version: saved.version }, 'PBX did not apply the saved configuration');
    return { configVersion: saved.version, applied: false, applyError: (err as Error).message };
  }
}

/** ConfigValidationError → 400 VALIDATION with every path; anything else unchanged. */
export function toApiError(err: unknown): unknown {
  if (err instanceof ConfigValidationError) return new ApiError('VALIDATION', 'the configuration would be invalid', { messageZh: '修改后的配置无效', details: err.errors.map((e) => ({ path: e.path, message: e.message })) });
  return err;
}
