import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { dataPaths } from '../paths.ts';
import type { KeySource } from './archive-reader.ts';
import { BackupError } from './errors.ts';
import type { ProgressSink } from './progress.ts';
import { discardStaged, stageRestore, type ArchiveOpener } from './restore-stage.ts';

/** One comparison of a test restore. */
export interface TestRestoreCheck {
  name: 'decrypt-and-authenticate' | 'member-checksums' | 'schema-compatible' | 'configuration-valid' | 'records-integrity' | 'records-row-counts' | 'recordings-checksums';
  ok: boolean;
  detail: string;
}

/** The outcome of a test restore; `ok` only when every check passed. Inspections read it. */
export interface TestRestoreReport {
  archive: string;
  ok: boolean;
  startedAt: string;
  durationMs: number;
  checks: TestRestoreCheck[];
  /** Set when the archive was refused before the comparisons (the BackupError code and message). */
  error?: { code: string; message: string; messageZh: string };
}

/** Options of `testRestore`. */
export interface TestRestoreOptions {
  paths: ReturnType<typeof dataPaths>;
  name: string;
  bytes: AsyncIterable<Buffer>;
  size?: number;
  keys: KeySource;
  openArchive?: ArchiveOpener;
  /** Scratch parent folder; default `<data>/backup/scratch` (same disk as the data, never /tmp). */
  scratch?: string;
  onProgress?: ProgressSink;
  now?: () => number;
}

/**
 * Restores an archive into a scratch folder and compares it with its manifest: every checksum
 * (done while extracting), the configuration validates at this release's schema, the records
 * snapshot passes SQLite's quick_check and has the row counts the manifest recorded, every
 * recording of the chain state is present with its checksum. The live data is never touched, and
 * the scratch folder is removed afterwards. A refused archive is a failed report, not a throw.
 */
export async function testRestore(o: TestRestoreOptions): Promise<TestRestoreReport> {
  const now = o.now ?? Date.now;
  const t0 = now();
  const scratch = o.scratch ?? join(o.paths.backupState, 'scratch');
  await mkdir(scratch, { recursive: true });
  const report = (checks: TestRestoreCheck[], error?: TestRestoreReport['error']): TestRestoreReport => ({
    archive: o.name, ok: !error && checks.every((c) => c.ok), startedAt: new Date(t0).toISOString(), durationMs: now() - t0, checks, ...(error ? { error } : {}),
  });
  let staged;
  try {
    staged = await stageRestore({ paths: o.paths, bytes: o.bytes, size: o.size, keys: o.keys, openArchive: o.openArchive, onProgress: o.onProgress, stagingRoot: scratch, operation: 'test-restore', withPlan: false, what: o.name });
  } catch (err) {
    if (err instanceof BackupError) return report([], { code: err.code, message: err.message, messageZh: err.messageZh });
    throw err;
  }
  try {
    const m = staged.manifest;
    const checks: TestRestoreCheck[] = [
      { name: 'decrypt-and-authenticate', ok: true, detail: m.encrypted ? 'every AES-256-GCM record authenticated' : 'archive is not encrypted' },
      { name: 'member-checksums', ok: true, detail: `${m.members.length} members match their SHA-256` },
      { name: 'schema-compatible', ok: true, detail: `configuration revision ${m.configSchemaVersion ?? '-'}, records revision ${m.recordsSchemaRevision ?? '-'}` },
    ];
    if (m.contents.config) checks.push({ name: 'configuration-valid', ok: staged.config !== null, detail: staged.config ? 'validates at this release\'s schema' : 'missing' });
    const db = join(staged.dir, 'data', 'records.db');
    if (m.contents.records) {
      const h = new Database(db, { readonly: true, fileMustExist: true });
      try {
        const qc = (h.pragma('quick_check') as Array<{ quick_check: string }>).map((r) => r.quick_check).join('; ');
        checks.push({ name: 'records-integrity', ok: qc === 'ok', detail: `quick_check: ${qc}` });
        const wrong: string[] = [];
        for (const [table, n] of Object.entries(m.contents.records.tables)) {
          if (table === 'schema_migrations') continue; // grows when an older snapshot was migrated
          const got = (h.prepare(`SELECT COUNT(*) AS n FROM "${table.replace(/"/g, '""')}"`).get() as { n: number }).n;
          if (got !== n) wrong.push(`${table}: ${got} rows, manifest says ${n}`);
        }
        const total = Object.entries(m.contents.records.tables).filter(([t]) => t !== 'schema_migrations').reduce((s, [, n]) => s + n, 0);
        checks.push({ name: 'records-row-counts', ok: wrong.length === 0, detail: wrong.length ? wrong.join('; ') : `${total} rows in ${Object.keys(m.contents.records.tables).length - 1} tables match the manifest` });
      } finally {
        h.close();
      }
    }
    if (m.contents.recordings) {
      const missing = m.recordings.filter((r) => !existsSync(join(staged.dir, 'data', r.path)));
      checks.push({ name: 'recordings-checksums', ok: missing.length === 0, detail: missing.length ? `${missing.length} recordings missing, e.g. ${missing[0].path}` : `${m.recordings.length} recordings present with matching SHA-256` });
    }
    return report(checks);
  } finally {
    await discardStaged(staged.dir);
  }
}
