import type { Statement } from 'better-sqlite3';
import type { RecordsDb } from './db.ts';

/** What a backup run was, and how it went. */
export type BackupRunKind = 'backup' | 'test-restore';
export type BackupRunStatus = 'running' | 'ok' | 'failed' | 'interrupted';

/** One row of backup_runs. Times are epoch ms. */
export interface BackupRun {
  id: number;
  kind: BackupRunKind;
  trigger: 'schedule' | 'manual';
  target: string;
  startedAt: number;
  finishedAt: number | null;
  status: BackupRunStatus;
  archive: string | null;
  bytes: number | null;
  error: string | null;
  detail: unknown;
}

interface Row {
  id: number; kind: BackupRunKind; trigger: 'schedule' | 'manual'; target: string; started_at: number; finished_at: number | null;
  status: BackupRunStatus; archive: string | null; bytes: number | null; error: string | null; detail_json: string | null;
}

const toRun = (r: Row): BackupRun => ({
  id: r.id, kind: r.kind, trigger: r.trigger, target: r.target, startedAt: r.started_at, finishedAt: r.finished_at,
  status: r.status, archive: r.archive, bytes: r.bytes, error: r.error, detail: r.detail_json === null ? null : (JSON.parse(r.detail_json) as unknown),
});

/** The backup_runs table: started, finished, listed; the monitor reads the latest ones. */
export class BackupRunStore {
  readonly #start: Statement;
  readonly #finish: Statement;
  readonly #list: Statement;
  readonly #lastOk: Statement;
  readonly #interrupt: Statement;

  constructor(records: RecordsDb) {
    const db = records.db;
    this.#start = db.prepare("INSERT INTO backup_runs (kind, trigger, target, started_at, status) VALUES (?, ?, ?, ?, 'running')");
    this.#finish = db.prepare('UPDATE backup_runs SET finished_at = @at, status = @status, archive = @archive, bytes = @bytes, error = @error, detail_json = @detail WHERE id = @id');
    this.#list = db.prepare('SELECT * FROM backup_runs WHERE (@kind IS NULL OR kind = @kind) ORDER BY started_at DESC, id DESC LIMIT @limit');
    this.#lastOk = db.prepare("SELECT * FROM backup_runs WHERE kind = @kind AND status = 'ok' ORDER BY finished_at DESC, id DESC LIMIT 1");
    this.#interrupt = db.prepare("UPDATE backup_runs SET status = 'interrupted', finished_at = @at, error = 'the process ended during the run' WHERE status = 'running'");
  }

  /** Records a run as started; returns its id. */
  start(kind: BackupRunKind, trigger: BackupRun['trigger'], target: string, at: number): number {
    return Number(this.#start.run(kind, trigger, target, at).lastInsertRowid);
  }

  /** Records the outcome of a run. */
  finish(id: number, at: number, outcome: { status: 'ok' | 'failed'; archive?: string; bytes?: number; error?: string; detail?: unknown }): void {
    this.#finish.run({ id, at, status: outcome.status, archive: outcome.archive ?? null, bytes: outcome.bytes ?? null, error: outcome.error ?? null, detail: outcome.detail === undefined ? null : JSON.stringify(outcome.detail) });
  }

  /** Runs still 'running' belong to a process that died: marks them 'interrupted'. Call once at service start. */
  markInterrupted(at: number): number {
    return this.#interrupt.run({ at }).changes;
  }

  /** Newest first. */
  list(limit = 50, kind?: BackupRunKind): BackupRun[] {
    return (this.#list.all({ kind: kind ?? null, limit: Math.min(Math.max(1, limit), 1000) }) as Row[]).map(toRun);
  }

  /** The newest successful run of a kind. */
  lastOk(kind: BackupRunKind = 'backup'): BackupRun | undefined {
    const r = this.#lastOk.get({ kind }) as Row | undefined;
    return r && toRun(r);
  }
}
