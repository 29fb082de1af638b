import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readdir, readFile, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import si from 'systeminformation';
import type { AnalogStatus } from '../../analog/analog-status.ts';
import type { PbxStatus } from '../../control/index.ts';
import { LoginFailureStore, UserStore, type RecordsDb } from '../../records/index.ts';
import type { BackupStatusSource } from '../backup-status.ts';
import type { HostReadings, ProbeSources, TimeSyncState } from './probes.ts';

const run = promisify(execFile);

/** Host readings from systeminformation (the design card's choice for host metrics). */
export async function readHost(): Promise<HostReadings> {
  const [load, mem, fs, temp, disks] = await Promise.all([
    si.currentLoad(), si.mem(), si.fsSize(), si.cpuTemperature().catch(() => ({ main: null })), si.diskLayout().catch(() => []),
  ]);
  return {
    cpuLoadPercent: load.currentLoad,
    // "used" without buffers/cache, as on the dashboard (system-info.ts).
    memoryUsedPercent: mem.total > 0 ? (mem.active / mem.total) * 100 : 0,
    disks: fs.filter((d) => d.size > 0 && !/^(tmpfs|devtmpfs|overlay|squashfs)$/.test(d.type)).map((d) => ({ mount: d.mount, usedPercent: (d.used / d.size) * 100 })),
    cpuTemperatureC: typeof temp.main === 'number' && temp.main > 0 ? temp.main : null,
    smart: disks.map((d) => ({ device: d.device || d.name, status: d.smartStatus || 'unknown' })),
  };
}

/**
 * Time sync: systemd-timesyncd's view through `timedatectl show`, else chrony's `chronyc
 * tracking`; neither present (containers, minimal hosts) is `unknown`, never a guess.
 */
export async function readTimeSync(): Promise<TimeSyncState> {
  try {
    const { stdout } = await run('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: 3000 });
    const v = stdout.trim();
    if (v === 'yes') return 'synced';
    if (v === 'no') return 'unsynced';
  } catch { /* no systemd here: try chrony */ }
  try {
    const { stdout } = await run('chronyc', ['tracking'], { timeout: 3000 });
    const leap = /Leap status\s*:\s*(.+)/.exec(stdout)?.[1]?.trim();
    if (leap === 'Normal') return 'synced';
    if (leap) return 'unsynced';
  } catch { /* no chrony either */ }
  return 'unknown';
}

/** Expiry of the PEM certificate at `file`, or undefined when there is none. */
export async function readCertificateValidTo(file: string): Promise<number | undefined> {
  try {
    return Date.parse(new X509Certificate(await readFile(file)).validTo);
  } catch {
    return undefined;
  }
}

/**
 * Newest write below the recordings tree (YYYY/MM/DD/): descends into the greatest-named
 * folder at each level instead of walking millions of files, then takes the newest mtime there.
 */
export async function readRecordings(dir: string): Promise<{ newestWriteAt: number | null; freeBytes: number | null }> {
  let freeBytes: number | null;
  try {
    const s = await statfs(dir);
    freeBytes = s.bavail * s.bsize;
  } catch {
    return { newestWriteAt: null, freeBytes: null };
  }
  let here = dir;
  for (let depth = 0; depth < 3; depth++) {
    const dirs = (await readdir(here, { withFileTypes: true })).filter((e) => e.isDirectory() && /^\d+$/.test(e.name)).map((e) => e.name).sort();
    const last = dirs.at(-1);
    if (!last) break;
    here = join(here, last);
  }
  let newest: number | null = null;
  for (const e of await readdir(here, { withFileTypes: true })) {
    if (!e.isFile()) continue;
    const m = (await stat(join(here, e.name))).mtimeMs;
    if (newest === null || m > newest) newest = m;
  }
  return { newestWriteAt: newest, freeBytes };
}

/** What the real probe sources are built from (mgmt passes its own clients). */
export interface HostProbeOptions {
  records: RecordsDb;
  version: string;
  now: () => number;
  pbx: () => Promise<PbxStatus>;
  analog?: () => Promise<AnalogStatus>;
  backups?: BackupStatusSource;
  /** The management certificate (`<data>/tls/cert.pem`). */
  certFile?: string;
  /** `<data>/recordings`; absent: the recorder items read `na`. */
  recordingsDir?: string;
}

/** Probe sources reading this host, the services' control sockets and records.db. */
export function hostProbeSources(o: HostProbeOptions): ProbeSources {
  const users = new UserStore(o.records);
  const failures = new LoginFailureStore(o.records);
  const analog = o.analog;
  return {
    now: o.now,
    version: o.version,
    host: readHost,
    pbx: () => o.pbx().catch(() => undefined),
    analog: analog && (() => analog().catch(() => undefined)),
    backups: o.backups,
    timeSync: readTimeSync,
    certificateValidTo: () => (o.certFile ? readCertificateValidTo(o.certFile) : Promise.resolve(undefined)),
    accounts: () => users.list().map((u) => ({ username: u.username, passwordChangedAt: u.passwordChangedAt })),
    loginFailuresSince: (since) => failures.totalSince(since),
    recordings: () => (o.recordingsDir ? readRecordings(o.recordingsDir) : Promise.resolve({ newestWriteAt: null, freeBytes: null })),
  };
}
