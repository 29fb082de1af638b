import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { moduleLogger } from '../log.ts';
import { dataPaths } from '../paths.ts';
import { recordsMigrations, type RecordsMigration } from './migrations.ts';

const log = moduleLogger('records-db');

/** records.db was written by a newer release (a schema step this code does not know). */
export class RecordsSchemaTooNewError extends Error {
  override readonly name = 'RecordsSchemaTooNewError';
  constructor(readonly path: string, readonly fileRevision: number, readonly knownRevision: number) {
    super(`${path} has schema revision ${fileRevision}, newer than this release understands (${knownRevision}); refusing to open it (upgrade the appliance, or restore a matching backup)`);
  }
}

/** The open records database: the better-sqlite3 handle plus the schema revision it was brought to. */
export class RecordsDb {
  constructor(
    /** The raw handle, for stores that prepare their own statements. */
    readonly db: Database.Database,
    readonly path: string,
  ) {}

  /** Highest migration id applied to the file. */
  schemaRevision(): number {
    return currentRevision(this.db);
  }

  /** Closes the handle (checkpointing the WAL). */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

function currentRevision(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(id) AS rev FROM schema_migrations').get() as { rev: number | null };
  return row.rev ?? 0;
}

/**
 * Applies pending migrations, each with its own bookkeeping row in one transaction, so a crash
 * never leaves a step half applied or applied but unrecorded. Returns the ids it applied.
 */
export function migrate(db: Database.Database, path: string, migrations: readonly RecordsMigration[] = recordsMigrations): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const known = migrations.reduce((m, s) => Math.max(m, s.id), 0);
  const fileRev = currentRevision(db);
  if (fileRev > known) throw new RecordsSchemaTooNewError(path, fileRev, known);
  const done = new Set((db.prepare('SELECT id FROM schema_migrations').all() as Array<{ id: number }>).map((r) => r.id));
  const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const step of [...migrations].sort((a, b) => a.id - b.id)) {
    if (done.has(step.id)) continue;
    db.transaction(() => {
      if (typeof step.up === 'string') db.exec(step.up);
      else step.up(db);
      record.run(step.id, step.name, Date.now());
    })();
    applied.push(step.id);
    log.info({ id: step.id, name: step.name }, 'records migration applied');
  }
  return applied;
}

/** Options of `openRecords`, for tests. */
export interface OpenRecordsOptions {
  migrations?: readonly RecordsMigration[];
}

/**
 * Opens (creating if needed) records.db with the pragmas the appliance relies on and brings its
 * schema up to date. WAL lets the monitor and mgmt read while the PBX writes; synchronous=NORMAL
 * is durable across process crashes in WAL mode and loses at most the last commits on power loss,
 * the trade that lets CDR inserts keep up with call bursts.
 */
export function openRecords(path: string = dataPaths().records, options: OpenRecordsOptions = {}): RecordsDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path, options.migrations);
  } catch (err) {
    db.close();
    throw err;
  }
  return new RecordsDb(db, path);
}
