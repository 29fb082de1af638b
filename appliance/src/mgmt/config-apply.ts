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
  return applyToPbx(svc, await saveVersion(svc, mutate, meta));
}

/** Saves a change through ConfigStore.update without asking any service to reload; refused configs become 400 VALIDATION. */
export async function saveVersion(svc: MgmtServices, mutate: (draft: HotlineConfig) => void, meta: ChangeMeta): Promise<ConfigVersion> {
  try {
    return await svc.deps.config.update(mutate, meta);
  } catch (err) {
    throw toApiError(err);
  }
}

/**
 * Asks the monitor to reload after `saved` was written and waits for it: it restarts its SNMP
 * agent when the `snmp` section changed, so once this returns the new community and users answer.
 * A stopped monitor is fine (it reads the file at start): `applied: false`.
 */
export async function applyToMonitor(svc: MgmtServices, saved: ConfigVersion): Promise<ConfigWriteResult> {
  if (!svc.deps.monitor) return { configVersion: saved.version, applied: false };
  try {
    await svc.deps.monitor.reloadConfig();
    return { configVersion: saved.version, applied: true };
  } catch (err) {
    if (err instanceof ServiceNotRunningError) return { configVersion: saved.version, applied: false };
    log.warn({ err, version: saved.version }, 'monitor did not apply the saved configuration');
    return { configVersion: saved.version, applied: false, applyError: (err as Error).message };
  }
}

/**
 * Asks the PBX (and the analog gateway and the monitor, which read the same file) to reload
 * after `saved` was written. The result reports the PBX; a stopped or refusing gateway is logged.
 */
export async function applyToPbx(svc: MgmtServices, saved: ConfigVersion): Promise<ConfigWriteResult> {
  svc.deps.analog?.reloadConfig().catch((err) => {
    if (!(err instanceof ServiceNotRunningError)) log.warn({ err, version: saved.version }, 'analog gateway did not apply the saved configuration');
  });
  // The monitor reads the same file (trunk and card names, thresholds): not waited for, as the analog gateway.
  void applyToMonitor(svc, saved);
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
