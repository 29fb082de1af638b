import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { atomicWriteFile } from '../config/index.ts';
import { BackupError } from './errors.ts';
import type { SftpSettings } from './targets/sftp-target.ts';

/** A backup target as configured. `folder`: a local folder; `mounted`: a USB/NFS mount point. */
export type TargetSettings =
  | { id: string; kind: 'folder' | 'mounted'; path: string }
  | ({ id: string; kind: 'sftp' } & SftpSettings);

/** A schedule: every day, or one weekday (0 = Sunday), at a wall-clock time in the site's time zone. */
export interface ScheduleSettings {
  id: string;
  target: string;
  every: 'daily' | 'weekly';
  weekday?: number;
  /** "HH:MM", 24 h. */
  time: string;
  recordings: boolean;
  enabled: boolean;
  /** Epoch ms when the schedule was added (stamped on save); earlier slots are never "missed". */
  createdAt?: number;
}

/** Retention per target, applied after each successful run: keep at most `keepCount`, none older than `maxAgeDays`. */
export interface RetentionSettings {
  keepCount: number;
  maxAgeDays: number;
}

/** `<data>/backup/settings.json`. */
export interface BackupSettings {
  targets: TargetSettings[];
  schedules: ScheduleSettings[];
  retention: RetentionSettings;
}

/** The settings of a new box: the local folder target, no schedule, 7 archives / 90 days. */
export function defaultBackupSettings(backupsDir: string): BackupSettings {
  return { targets: [{ id: 'local', kind: 'folder', path: backupsDir }], schedules: [], retention: { keepCount: 7, maxAgeDays: 90 } };
}

const invalid = (msg: string) => new BackupError('INVALID_SETTINGS', `backup settings: ${msg}`, `备份设置有误：${msg}`);
const ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** Checks a settings document whole; throws INVALID_SETTINGS naming the first problem. */
export function validateBackupSettings(v: unknown): BackupSettings {
  const s = v as BackupSettings;
  if (typeof s !== 'object' || s === null || !Array.isArray(s.targets) || !Array.isArray(s.schedules) || typeof s.retention !== 'object') throw invalid('targets, schedules and retention are required');
  const ids = new Set<string>();
  for (const [i, t] of s.targets.entries()) {
    if (!ID.test(t?.id ?? '')) throw invalid(`targets/${i}/id must be lowercase letters, digits, - or _`);
    if (ids.has(t.id)) throw invalid(`target id "${t.id}" is used twice`);
    ids.add(t.id);
    if (t.kind === 'folder' || t.kind === 'mounted') {
      if (typeof t.path !== 'string' || !isAbsolute(t.path)) throw invalid(`targets/${i}/path must be an absolute path`);
    } else if (t.kind === 'sftp') {
      if (typeof t.host !== 'string' || !t.host) throw invalid(`targets/${i}/host is required`);
      if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535) throw invalid(`targets/${i}/port must be 1..65535`);
      if (typeof t.username !== 'string' || !t.username) throw invalid(`targets/${i}/username is required`);
      if (typeof t.path !== 'string' || !t.path.startsWith('/')) throw invalid(`targets/${i}/path must be an absolute remote path`);
      if (!t.password && !t.privateKeyPath) throw invalid(`targets/${i} needs a password or a privateKeyPath`);
      if (typeof t.hostKeySha256 !== 'string' || !/^SHA256:[A-Za-z0-9+/]{43}$/.test(t.hostKeySha256)) throw invalid(`targets/${i}/hostKeySha256 must be the server's host key fingerprint, "SHA256:..." as ssh-keygen -lf prints it`);
    } else throw invalid(`targets/${i}/kind must be folder, mounted or sftp`);
  }
  const sids = new Set<string>();
  for (const [i, sc] of s.schedules.entries()) {
    if (!ID.test(sc?.id ?? '') || sids.has(sc.id)) throw invalid(`schedules/${i}/id must be a unique short id`);
    sids.add(sc.id);
    if (!ids.has(sc.target)) throw invalid(`schedules/${i}/target "${sc.target}" is not a configured target`);
    if (sc.every !== 'daily' && sc.every !== 'weekly') throw invalid(`schedules/${i}/every must be daily or weekly`);
    if (sc.every === 'weekly' && !(Number.isInteger(sc.weekday) && sc.weekday! >= 0 && sc.weekday! <= 6)) throw invalid(`schedules/${i}/weekday must be 0 (Sunday) .. 6 for a weekly schedule`);
    if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(sc.time)) throw invalid(`schedules/${i}/time must be HH:MM (24 h)`);
    if (typeof sc.recordings !== 'boolean' || typeof sc.enabled !== 'boolean') throw invalid(`schedules/${i}: recordings and enabled must be true or false`);
  }
  const r = s.retention;
  if (!Number.isInteger(r.keepCount) || r.keepCount < 1 || r.keepCount > 1000) throw invalid('retention/keepCount must be 1..1000');
  if (!Number.isInteger(r.maxAgeDays) || r.maxAgeDays < 1 || r.maxAgeDays > 3650) throw invalid('retention/maxAgeDays must be 1..3650');
  return s;
}

/** The settings file of a data directory. */
export const settingsPath = (stateDir: string) => join(stateDir, 'settings.json');

/** Reads the settings, or the defaults when none were saved. */
export async function loadBackupSettings(stateDir: string, backupsDir: string): Promise<BackupSettings> {
  try {
    return validateBackupSettings(JSON.parse(await readFile(settingsPath(stateDir), 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return defaultBackupSettings(backupsDir);
    throw err;
  }
}

/** Validates and saves the settings (0600: an SFTP password may be in it). */
export async function saveBackupSettings(stateDir: string, s: unknown): Promise<BackupSettings> {
  const valid = validateBackupSettings(s);
  const file = settingsPath(stateDir);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await atomicWriteFile(file, JSON.stringify(valid, null, 2) + '\n');
  await chmod(file, 0o600);
  return valid;
}
