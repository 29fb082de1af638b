// The recorder's settings. They come from the environment (HOTLINE_RECORDER_*) rather than
// config.json because the recorder may run on its own box without the PBX's configuration
// (DESIGN.md "Processes": it speaks only SIPREC and its control API). Bad values stop the
// start with a message naming the variable.
import { isAbsolute, relative, resolve } from 'node:path';
import type { SftpSettings } from '../sftp/index.ts';

/** What happens to a recording whose retention period is over. */
export interface RetentionClass {
  /** Age in days after the end of the recording. */
  days: number;
  /** Move to the archive folder instead of deleting. */
  archive?: boolean;
}

/** All recorder settings with their defaults filled in. */
export interface RecorderSettings {
  /** SIP listen address and port (udp+tcp) of the SRS; 5080 by default (DESIGN.md "Defaults"). */
  bindAddress: string;
  sipPort: number;
  /** Address named in the SDP answer and Contact when the bind address is a wildcard. */
  advertisedAddress?: string;
  /** RTP receive ports (even, one per stream). */
  rtpPortMin: number;
  rtpPortMax: number;
  /** Root of the recordings folder (YYYY/MM/DD below it). */
  recordingsDir: string;
  /** Concurrent recording sessions; also bounds the open files (one per session). */
  maxSessions: number;
  /** Disk use (percent of the filesystem) at which new sessions are refused with 503. */
  refusePercent: number;
  /** Disk use levels that raise an alarm, ascending. */
  alarmPercents: number[];
  /** How often buffered audio is appended to the files: kill -9 loses at most this plus the jitter allowance. */
  flushIntervalMs: number;
  /** How long a sample position waits for late packets before it is written. */
  jitterAllowanceMs: number;
  /** Longest a stream that is behind may hold back the write (kill -9 loses at most flush interval + this). */
  maxWaitMs: number;
  /** Retention classes by name; `defaultClass` must be one of them. */
  retention: Record<string, RetentionClass>;
  defaultClass: string;
  /** Where archived recordings go (a mounted path); required when a class archives. */
  archiveDir?: string;
  /** Where archived recordings go when it is an SFTP server (HOTLINE_RECORDER_ARCHIVE_SFTP); excludes archiveDir. */
  archiveSftp?: SftpSettings;
  /** AES-256-GCM key file for encryption at rest (outside the recordings folder); off when absent. */
  keyFile?: string;
  /** A session that receives no RTP and no SIP for this long is closed (the SRC vanished). 0 = never. */
  idleTimeoutSec: number;
}

/** Thrown for a bad HOTLINE_RECORDER_* value. */
export class RecorderSettingsError extends Error {
  override readonly name = 'RecorderSettingsError';
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) throw new RecorderSettingsError(`${name}=${JSON.stringify(v)} must be an integer in ${min}..${max}`);
  return Number(v);
}

/** Retention used when HOTLINE_RECORDER_RETENTION is not set: keep everything 180 days, complaints 2 years. */
export const DEFAULT_RETENTION: Record<string, RetentionClass> = { standard: { days: 180 }, complaint: { days: 730 } };

/** Reads the recorder settings from `env`, with `dataDir` for the default folders. */
export function recorderSettings(env: NodeJS.ProcessEnv, dataDir: string): RecorderSettings {
  const recordingsDir = resolve(env.HOTLINE_RECORDER_DIR || resolve(dataDir, 'recordings'));
  const rtpPortMin = int(env, 'HOTLINE_RECORDER_RTP_PORT_MIN', 30000, 1024, 65534);
  const rtpPortMax = int(env, 'HOTLINE_RECORDER_RTP_PORT_MAX', 39999, rtpPortMin + 1, 65535);
  const refusePercent = int(env, 'HOTLINE_RECORDER_REFUSE_PERCENT', 95, 1, 100);
  const alarmPercents = (env.HOTLINE_RECORDER_ALARM_PERCENTS ?? '80,90').split(',').filter((s) => s.trim() !== '').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 1 || n > 100) throw new RecorderSettingsError(`HOTLINE_RECORDER_ALARM_PERCENTS: "${s}" is not a percentage`);
    return n;
  }).sort((a, b) => a - b);
  let retention = DEFAULT_RETENTION;
  if (env.HOTLINE_RECORDER_RETENTION) {
    try {
      retention = JSON.parse(env.HOTLINE_RECORDER_RETENTION) as Record<string, RetentionClass>;
    } catch {
      throw new RecorderSettingsError('HOTLINE_RECORDER_RETENTION is not JSON (e.g. {"standard":{"days":180},"complaint":{"days":730,"archive":true}})');
    }
    for (const [name, c] of Object.entries(retention)) {
      if (!/^[a-z0-9_-]{1,32}$/.test(name)) throw new RecorderSettingsError(`retention class name "${name}" must be 1-32 of a-z 0-9 _ -`);
      if (typeof c !== 'object' || c === null || !Number.isInteger(c.days) || c.days < 1) throw new RecorderSettingsError(`retention class "${name}" needs days ≥ 1`);
    }
  }
  const defaultClass = env.HOTLINE_RECORDER_DEFAULT_CLASS || 'standard';
  if (!retention[defaultClass]) throw new RecorderSettingsError(`default retention class "${defaultClass}" is not among ${Object.keys(retention).join(', ')}`);
  const archiveDir = env.HOTLINE_RECORDER_ARCHIVE_DIR ? resolve(env.HOTLINE_RECORDER_ARCHIVE_DIR) : undefined;
  const archiveSftp = env.HOTLINE_RECORDER_ARCHIVE_SFTP ? sftpSettings(env.HOTLINE_RECORDER_ARCHIVE_SFTP) : undefined;
  if (archiveDir && archiveSftp) throw new RecorderSettingsError('set HOTLINE_RECORDER_ARCHIVE_DIR or HOTLINE_RECORDER_ARCHIVE_SFTP, not both (one archive target)');
  if (Object.values(retention).some((c) => c.archive) && !archiveDir && !archiveSftp) throw new RecorderSettingsError('a retention class archives but neither HOTLINE_RECORDER_ARCHIVE_DIR nor HOTLINE_RECORDER_ARCHIVE_SFTP is set');
  const keyFile = env.HOTLINE_RECORDER_KEY_FILE ? resolve(env.HOTLINE_RECORDER_KEY_FILE) : undefined;
  if (keyFile && isInside(keyFile, recordingsDir)) throw new RecorderSettingsError('HOTLINE_RECORDER_KEY_FILE must not be inside the recordings folder (a copy of the folder would carry its key)');
  return {
    bindAddress: env.HOTLINE_RECORDER_BIND || '0.0.0.0',
    sipPort: int(env, 'HOTLINE_RECORDER_SIP_PORT', 5080, 1, 65535),
    ...(env.HOTLINE_RECORDER_ADDRESS ? { advertisedAddress: env.HOTLINE_RECORDER_ADDRESS } : {}),
    rtpPortMin: rtpPortMin + (rtpPortMin & 1),
    rtpPortMax,
    recordingsDir,
    maxSessions: int(env, 'HOTLINE_RECORDER_MAX_SESSIONS', 1000, 1, 20000),
    refusePercent,
    alarmPercents: alarmPercents.filter((p) => p < refusePercent),
    flushIntervalMs: int(env, 'HOTLINE_RECORDER_FLUSH_MS', 250, 20, 1000),
    jitterAllowanceMs: int(env, 'HOTLINE_RECORDER_JITTER_MS', 200, 0, 2000),
    maxWaitMs: int(env, 'HOTLINE_RECORDER_MAX_WAIT_MS', 750, 0, 5000),
    retention,
    defaultClass,
    ...(archiveDir ? { archiveDir } : {}),
    ...(archiveSftp ? { archiveSftp } : {}),
    ...(keyFile ? { keyFile } : {}),
    idleTimeoutSec: int(env, 'HOTLINE_RECORDER_IDLE_TIMEOUT_SEC', 300, 0, 86400),
  };
}

/**
 * HOTLINE_RECORDER_ARCHIVE_SFTP: JSON `{"host","port"(22),"username","path","privateKeyPath" or
 * "password","hostKeySha256"}` — the same fields as a backup SFTP target. The host key fingerprint
 * is required (as `ssh-keygen -lf` prints it), so recordings never go to an unverified server.
 */
function sftpSettings(text: string): SftpSettings {
  const name = 'HOTLINE_RECORDER_ARCHIVE_SFTP';
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new RecorderSettingsError(`${name} is not JSON (e.g. {"host":"10.0.0.5","username":"rec","path":"/srv/recordings","privateKeyPath":"/etc/hotline/archive_key","hostKeySha256":"SHA256:..."})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RecorderSettingsError(`${name} must be a JSON object`);
  const str = (k: string) => (typeof v[k] === 'string' && (v[k] as string).length > 0 ? (v[k] as string) : undefined);
  for (const k of ['host', 'username', 'path', 'hostKeySha256']) if (!str(k)) throw new RecorderSettingsError(`${name}: "${k}" is required`);
  const port = v.port ?? 22;
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) throw new RecorderSettingsError(`${name}: "port" must be an integer in 1..65535`);
  if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(str('hostKeySha256')!)) throw new RecorderSettingsError(`${name}: "hostKeySha256" must be the server's fingerprint as ssh-keygen -lf prints it (SHA256:…)`);
  if (!str('privateKeyPath') && !str('password')) throw new RecorderSettingsError(`${name}: "privateKeyPath" (preferred) or "password" is required`);
  if (str('privateKeyPath') && !isAbsolute(str('privateKeyPath')!)) throw new RecorderSettingsError(`${name}: "privateKeyPath" must be absolute`);
  return {
    host: str('host')!, port: port as number, username: str('username')!, path: str('path')!, hostKeySha256: str('hostKeySha256')!,
    ...(str('privateKeyPath') ? { privateKeyPath: str('privateKeyPath')! } : {}),
    ...(str('password') ? { password: str('password')! } : {}),
  };
}

/** True when `path` is `dir` or below it. */
export function isInside(path: string, dir: string): boolean {
  const r = relative(dir, path);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}
