import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_TIME_ZONE, type ConfigStore } from '../config/index.ts';
import { moduleLogger } from '../log.ts';
import type { dataPaths } from '../paths.ts';
import { BackupRunStore, type BackupRun, type RecordsDb } from '../records/index.ts';
import { systemClock, type Clock, type TimerHandle } from '../sip/clock.ts';
import { createBackupStream } from './archive-writer.ts';
import { advanceChain, chainPath, loadChain, newChain, saveChain } from './chain.ts';
import { BackupError } from './errors.ts';
import { backupHealth, type BackupHealth } from './health.ts';
import { loadBackupKey, newBackupKey, recoveryKit, saveBackupKey, type RecoveryKit } from './keys.ts';
import type { CatalogEntry } from './manifest.ts';
import type { Progress } from './progress.ts';
import { retentionSweep } from './retention-sweep.ts';
import { applyRestore, type RestoreResult } from './restore-apply.ts';
import { discardStaged, stageRestore, staleStagingDirs, type StagedRestore } from './restore-stage.ts';
import { acquireRunLock } from './run-lock.ts';
import { nextRun } from './schedule.ts';
import { loadBackupSettings, saveBackupSettings, type BackupSettings, type TargetSettings } from './settings.ts';
import { FolderTarget } from './targets/folder-target.ts';
import { SftpTarget } from './targets/sftp-target.ts';
import type { BackupTarget } from './targets/target.ts';
import { testRestore, type TestRestoreReport } from './test-restore.ts';

const log = moduleLogger('backup');
type DataPaths = ReturnType<typeof dataPaths>;

/** Everything the backup service works with; I/O and time injected (STYLE.md §5). */
export interface BackupServiceDeps {
  paths: DataPaths;
  records: RecordsDb;
  productVersion: string;
  /** The running config store (mgmt's); restores write through it so `current` follows. */
  config?: ConfigStore;
  clock?: Clock;
  /** Site time zone for schedules (config `siteTimeZone`). */
  timeZone?: () => string;
  /** Builds a target from its settings (tests inject failing ones). */
  makeTarget?: (t: TargetSettings) => BackupTarget;
}

/** The outcome of a backup run. */
export interface BackupRunResult {
  runId: number;
  target: string;
  catalog: CatalogEntry;
  removedByRetention: string[];
}

/** Builds a target from its settings. */
export function targetFromSettings(t: TargetSettings): BackupTarget {
  if (t.kind === 'sftp') return new SftpTarget(t.id, t);
  return new FolderTarget(t.id, t.path, t.kind === 'mounted');
}

/** How long a verified upload waits for the admin's confirmation before it is discarded. */
export const STAGED_TTL_MS = 60 * 60_000;

/**
 * The backup feature of one data directory: runs (manual and scheduled) with their records in
 * backup_runs, progress of the job in hand, restore staging and applying, test restores, the
 * passphrase and recovery kit, and the health the monitor reads. One job at a time across processes
 * (a pid lock file). Knows nothing of HTTP: the mgmt routes and the CLI call it.
 */
export class BackupService {
  readonly runs: BackupRunStore;
  readonly #d: BackupServiceDeps;
  readonly #clock: Clock;
  readonly #staged = new Map<string, { staged: StagedRestore; at: number }>();
  #progress: (Progress & { startedAt: number; target?: string; error?: string }) | null = null;
  #timer: TimerHandle | undefined;
  readonly #listeners = new Set<(p: NonNullable<BackupService['progress']>) => void>();

  constructor(deps: BackupServiceDeps) {
    this.#d = deps;
    this.#clock = deps.clock ?? systemClock;
    this.runs = new BackupRunStore(deps.records);
  }

  /** The job in hand or the last one finished (phase 'done' / 'failed'); null before any. */
  get progress() {
    return this.#progress;
  }

  /** Calls `fn` with every progress update (CLI printer, live WebSocket); returns the unsubscribe. */
  onProgress(fn: (p: NonNullable<BackupService['progress']>) => void): () => void {
    this.#listeners.add(fn);
    return () => void this.#listeners.delete(fn);
  }

  #set(p: Progress, extra: { target?: string; error?: string } = {}) {
    const fresh = !this.#progress || this.#progress.phase === 'done' || this.#progress.phase === 'failed';
    this.#progress = { ...p, startedAt: fresh ? this.#clock.now() : this.#progress!.startedAt, ...extra, target: extra.target ?? (fresh ? undefined : this.#progress!.target) };
    for (const fn of this.#listeners) fn(this.#progress);
  }

  settings(): Promise<BackupSettings> {
    return loadBackupSettings(this.#d.paths.backupState, this.#d.paths.backups);
  }

  /** Validates and stores settings; new schedules get `createdAt` (earlier slots are never "missed"), then the scheduler re-arms. */
  async saveSettings(next: BackupSettings): Promise<BackupSettings> {
    const before = new Map((await this.settings()).schedules.map((s) => [s.id, s]));
    const stamped = { ...next, schedules: next.schedules.map((s) => ({ ...s, createdAt: before.get(s.id)?.createdAt ?? s.createdAt ?? this.#clock.now() })) };
    const saved = await saveBackupSettings(this.#d.paths.backupState, stamped);
    if (this.#timer) this.#arm(saved);
    return saved;
  }

  get #keyPath() {
    return join(this.#d.paths.backupState, 'key.json');
  }

  /** Sets (or changes) the backup passphrase; returns the new recovery kit. Earlier archives keep needing the old passphrase. */
  async setPassphrase(passphrase: string): Promise<RecoveryKit> {
    const k = await newBackupKey(passphrase);
    await saveBackupKey(this.#keyPath, k, new Date(this.#clock.now()));
    return recoveryKit(k, new Date(this.#clock.now()));
  }

  /** Whether a passphrase is set, and when. */
  async keyStatus(): Promise<{ set: boolean; setAt?: string; keyCheck?: string }> {
    const k = await loadBackupKey(this.#keyPath);
    return k ? { set: true, setAt: k.setAt, keyCheck: k.keyCheck } : { set: false };
  }

  /** The recovery kit of the current key; NO_KEY when no passphrase was set. */
  async recoveryKit(): Promise<RecoveryKit> {
    const k = await loadBackupKey(this.#keyPath);
    if (!k) throw new BackupError('NO_KEY', 'no backup passphrase is set yet', '尚未设置备份口令');
    return recoveryKit(k, new Date(this.#clock.now()));
  }

  /** A target by id; NOT_FOUND for an unknown id. */
  async target(id?: string): Promise<BackupTarget> {
    const s = await this.settings();
    const t = id === undefined ? s.targets[0] : s.targets.find((x) => x.id === id);
    if (!t) throw new BackupError('NOT_FOUND', `no backup target "${id}"`, `没有备份目标“${id}”`);
    return (this.#d.makeTarget ?? targetFromSettings)(t);
  }

  /** Good archives of a target, newest first. */
  async list(targetId?: string): Promise<CatalogEntry[]> {
    const t = await this.target(targetId);
    try {
      return await t.list();
    } finally {
      await t.close();
    }
  }

  /** An archive's bytes for download; `close` releases the target (call it when the stream ended). */
  async open(targetId: string | undefined, name: string): Promise<{ bytes: AsyncIterable<Buffer>; size: number; close: () => Promise<void> }> {
    const t = await this.target(targetId);
    try {
      const s = await t.open(name);
      return { ...s, close: () => t.close() };
    } catch (err) {
      await t.close();
      throw err;
    }
  }

  /** Runs `fn` holding the cross-process run lock; stale 'running' rows of a dead run become 'interrupted'. */
  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(this.#d.paths.backupState, { recursive: true, mode: 0o700 });
    const lock = await acquireRunLock(join(this.#d.paths.backupState, 'run.lock'));
    try {
      const n = this.runs.markInterrupted(this.#clock.now());
      if (n) log.warn({ runs: n }, 'backup runs of a process that ended mid-run marked interrupted');
      return await fn();
    } finally {
      await lock.release();
    }
  }

  /**
   * Makes one backup to a target. Encrypted with the box's key unless `encrypt: false` was chosen
   * explicitly (NO_KEY when no passphrase is set). The run is in backup_runs from its start; a
   * failure is recorded with its message and rethrown.
   */
  async backup(o: { target?: string; recordings?: boolean; encrypt?: boolean; trigger?: BackupRun['trigger'] } = {}): Promise<BackupRunResult> {
    return this.#exclusive(async () => {
      const target = await this.target(o.target);
      const runId = this.runs.start('backup', o.trigger ?? 'manual', target.id, this.#clock.now());
      this.#progress = null;
      this.#set({ operation: 'backup', phase: 'snapshot', bytesDone: 0, bytesTotal: 0, percent: 0 }, { target: target.id });
      const work = join(this.#d.paths.backupState, 'work');
      try {
        await rm(work, { recursive: true, force: true });
        const key = o.encrypt === false ? null : await loadBackupKey(this.#keyPath);
        if (o.encrypt !== false && !key) throw new BackupError('NO_KEY', 'backups are encrypted by default: set a backup passphrase first (or choose an unencrypted backup explicitly)', '备份默认加密：请先设置备份口令（或明确选择不加密）');
        const removed = await target.cleanup();
        if (removed) log.warn({ target: target.id, removed }, 'removed partial archives of an earlier interrupted run');
        const cPath = chainPath(this.#d.paths.backupState, target.id);
        let chain = o.recordings ? await loadChain(cPath) : undefined;
        if (chain && chain.archives.length) {
          // An archive of the chain gone from the target (deleted by hand): start a new, full chain.
          const present = new Set((await target.list()).map((e) => e.name));
          if (!Object.values(chain.files).every((f) => present.has(f.archive))) chain = newChain();
        }
        const stream = await createBackupStream({
          paths: this.#d.paths, key: key ?? null, recordings: o.recordings ?? false, chain, productVersion: this.#d.productVersion,
          now: () => new Date(this.#clock.now()), onProgress: (p) => this.#set(p),
        });
        await target.writeArchive(stream.name, stream.bytes);
        const { catalog, manifest, mtimes } = await stream.result;
        await target.writeCatalog(catalog);
        if (chain) await saveChain(cPath, advanceChain(chain, stream.name, manifest.recordings, mtimes));
        const removedByRetention = await retentionSweep(target, (await this.settings()).retention, this.#clock.now());
        this.runs.finish(runId, this.#clock.now(), { status: 'ok', archive: catalog.name, bytes: catalog.size, detail: { contents: catalog.contents, removedByRetention } });
        this.#set({ operation: 'backup', phase: 'done', bytesDone: catalog.size, bytesTotal: catalog.size, percent: 100 });
        log.info({ target: target.id, archive: catalog.name, bytes: catalog.size }, 'backup written');
        return { runId, target: target.id, catalog, removedByRetention };
      } catch (err) {
        const message = (err as Error).message;
        this.runs.finish(runId, this.#clock.now(), { status: 'failed', error: message });
        this.#set({ ...(this.#progress ?? { operation: 'backup', bytesDone: 0, bytesTotal: 0, percent: 0 }), phase: 'failed' }, { error: message });
        log.error({ err, target: target.id }, 'backup failed');
        throw err;
      } finally {
        await rm(work, { recursive: true, force: true });
        await target.close();
      }
    });
  }

  /**
   * Verifies an archive and stages it (nothing live changes); returns the staged restore with its
   * plan. The archive comes from a target (`name`) or an upload (`bytes`).
   */
  async stage(o: { target?: string; name?: string; bytes?: AsyncIterable<Buffer>; size?: number; passphrase?: string }): Promise<StagedRestore> {
    await this.#expireStaged();
    return this.#exclusive(async () => {
      const target = await this.target(o.target);
      try {
        const src = o.bytes ? { bytes: o.bytes, size: o.size ?? 0 } : await target.open(o.name ?? '');
        const stored = await loadBackupKey(this.#keyPath);
        this.#set({ operation: 'restore', phase: 'verify', bytesDone: 0, bytesTotal: src.size, percent: 0 }, { target: target.id });
        const staged = await stageRestore({
          paths: this.#d.paths, bytes: src.bytes, size: src.size, keys: { passphrase: o.passphrase || undefined, stored },
          openArchive: (n) => target.open(n), onProgress: (p) => this.#set(p), what: o.name ?? 'the uploaded file',
        });
        this.#staged.set(staged.id, { staged, at: this.#clock.now() });
        this.#set({ operation: 'restore', phase: 'done', bytesDone: src.size, bytesTotal: src.size, percent: 100 });
        return staged;
      } catch (err) {
        this.#set({ ...(this.#progress ?? { operation: 'restore', bytesDone: 0, bytesTotal: 0, percent: 0 }), phase: 'failed' }, { error: (err as Error).message });
        throw err;
      } finally {
        await target.close();
      }
    });
  }

  /** A staged restore by id (NOT_FOUND when discarded or expired). */
  staged(id: string): StagedRestore {
    const s = this.#staged.get(id);
    if (!s) throw new BackupError('NOT_FOUND', 'this restore is no longer staged (discarded, applied, or older than an hour); upload or pick the backup again', '该恢复任务已失效（已取消、已执行或超过一小时），请重新上传或选择备份');
    return s.staged;
  }

  /** Applies a staged restore (see applyRestore). */
  async apply(id: string, author: string): Promise<RestoreResult> {
    const staged = this.staged(id);
    return this.#exclusive(async () => {
      this.#staged.delete(id);
      this.#set({ operation: 'restore', phase: 'apply', bytesDone: 0, bytesTotal: 0, percent: 0 });
      try {
        const r = await applyRestore(staged, { paths: this.#d.paths, records: this.#d.records, config: this.#d.config, author });
        this.#set({ operation: 'restore', phase: 'done', bytesDone: 0, bytesTotal: 0, percent: 100 });
        return r;
      } catch (err) {
        await discardStaged(staged.dir);
        this.#set({ operation: 'restore', phase: 'failed', bytesDone: 0, bytesTotal: 0, percent: 0 }, { error: (err as Error).message });
        throw err;
      }
    });
  }

  /** Drops a staged restore. */
  async discard(id: string): Promise<void> {
    const s = this.#staged.get(id);
    this.#staged.delete(id);
    if (s) await discardStaged(s.staged.dir);
  }

  async #expireStaged(): Promise<void> {
    for (const [id, s] of this.#staged) if (this.#clock.now() - s.at > STAGED_TTL_MS) await this.discard(id);
  }

  /** Removes staging folders left by a process that died mid-restore. Call at service start. */
  async cleanupStale(): Promise<void> {
    for (const d of await staleStagingDirs(this.#d.paths.root)) await rm(d, { recursive: true, force: true });
    await rm(join(this.#d.paths.backupState, 'scratch'), { recursive: true, force: true });
    await rm(join(this.#d.paths.backupState, 'work'), { recursive: true, force: true });
  }

  /** Test restore of an archive (default: the newest on the target), recorded as a 'test-restore' run. */
  async testRestore(o: { target?: string; name?: string; passphrase?: string; trigger?: BackupRun['trigger'] } = {}): Promise<TestRestoreReport> {
    return this.#exclusive(async () => {
      const target = await this.target(o.target);
      const runId = this.runs.start('test-restore', o.trigger ?? 'manual', target.id, this.#clock.now());
      try {
        const name = o.name ?? (await target.list())[0]?.name;
        if (!name) throw new BackupError('NOT_FOUND', `no backup on ${target.description} to test`, `${target.description} 上没有可测试的备份`);
        const src = await target.open(name);
        this.#set({ operation: 'test-restore', phase: 'verify', bytesDone: 0, bytesTotal: src.size, percent: 0 }, { target: target.id });
        const report = await testRestore({
          paths: this.#d.paths, name, bytes: src.bytes, size: src.size, keys: { passphrase: o.passphrase, stored: await loadBackupKey(this.#keyPath) },
          openArchive: (n) => target.open(n), onProgress: (p) => this.#set(p), now: () => this.#clock.now(),
        });
        this.runs.finish(runId, this.#clock.now(), { status: report.ok ? 'ok' : 'failed', archive: name, error: report.ok ? undefined : report.error?.message ?? report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; '), detail: report });
        this.#set({ operation: 'test-restore', phase: report.ok ? 'done' : 'failed', bytesDone: src.size, bytesTotal: src.size, percent: report.ok ? 100 : 0 });
        return report;
      } catch (err) {
        this.runs.finish(runId, this.#clock.now(), { status: 'failed', error: (err as Error).message });
        throw err;
      } finally {
        await target.close();
      }
    });
  }

  /** Backup health for the monitor and the UI (see health.ts). */
  async health(): Promise<BackupHealth> {
    return backupHealth(this.runs, await this.settings(), this.#clock.now(), this.#d.timeZone?.() ?? DEFAULT_TIME_ZONE);
  }

  /** Starts running the enabled schedules (mgmt calls this once). */
  async startScheduler(): Promise<void> {
    this.#arm(await this.settings());
  }

  stopScheduler(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  /** Arms one timer for the earliest next slot of the enabled schedules. */
  #arm(s: BackupSettings): void {
    this.#timer?.cancel();
    const tz = this.#d.timeZone?.() ?? DEFAULT_TIME_ZONE;
    const now = this.#clock.now();
    const next = s.schedules.filter((x) => x.enabled).map((x) => ({ x, at: nextRun(x, now, tz) })).sort((a, b) => a.at - b.at);
    if (!next.length) {
      this.#timer = { cancel: () => undefined };
      return;
    }
    const due = next.filter((n) => n.at === next[0].at).map((n) => n.x);
    // Node timers cap at 2^31-1 ms; a weekly slot is well below, but re-arm daily anyway so a
    // changed time zone or clock is picked up.
    this.#timer = this.#clock.setTimer(Math.min(next[0].at - now, 86_400_000), () => {
      void (async () => {
        if (this.#clock.now() >= next[0].at) {
          for (const sc of due) {
            await this.backup({ target: sc.target, recordings: sc.recordings, trigger: 'schedule' }).catch((err) => log.error({ err, schedule: sc.id }, 'scheduled backup failed'));
          }
        }
        this.#arm(await this.settings());
      })().catch((err) => log.error({ err }, 'backup scheduler failed'));
    });
  }
}

