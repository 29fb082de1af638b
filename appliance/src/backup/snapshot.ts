import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * A consistent copy of the live records.db through SQLite's online backup API (never a copy of
 * the live file, whose WAL may hold committed pages the main file does not). A separate read-only
 * connection is used, so the writer (the PBX's CDR worker) keeps writing; SQLite restarts the copy
 * of pages a concurrent write changed. Steps of 4,096 pages keep the event loop responsive.
 * Returns false when there is no records.db to copy.
 */
export async function snapshotRecords(livePath: string, destPath: string): Promise<boolean> {
  if (!existsSync(livePath)) return false;
  const db = new Database(livePath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(destPath, { progress: () => 4096 });
  } finally {
    db.close();
  }
  return true;
}

/** Row counts of every user table, and the schema revision (highest applied migration id). */
export function recordsFacts(path: string): { tables: Record<string, number>; revision: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    const tables: Record<string, number> = {};
    for (const n of names) tables[n] = (db.prepare(`SELECT COUNT(*) AS n FROM "${n.replace(/"/g, '""')}"`).get() as { n: number }).n;
    const revision = names.includes('schema_migrations') ? ((db.prepare('SELECT MAX(id) AS r FROM schema_migrations').get() as { r: number | null }).r ?? 0) : 0;
    return { tables, revision };
  } finally {
    db.close();
  }
}
