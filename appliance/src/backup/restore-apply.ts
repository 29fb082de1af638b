import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigStore, fsyncDir, type ConfigVersion } from '../config/index.ts';
import { moduleLogger } from '../log.ts';
import type { dataPaths } from '../paths.ts';
import type { RecordsDb } from '../records/index.ts';
import { walkFiles } from './files.ts';
import type { StagedRestore } from './restore-stage.ts';

const log = moduleLogger('backup-restore');
type DataPaths = ReturnType<typeof dataPaths>;

/**
 * Tables a restore leaves as they are: the migration bookkeeping (both sides are at this release's
 * revision after staging) and the run history of backups, which describes the archives that exist
 * on the targets now, not at backup time.
 */
export const TABLES_KEPT_ON_RESTORE: readonly string[] = ['schema_migrations', 'backup_runs'];

/**
 * Tables merged rather than replaced: the audit log is append-only evidence, so restoring an old
 * backup must not erase what happened since (the restore itself included). Rows of the backup
 * whose id the live table lacks are added; a wiped box gets the whole log back.
 */
export const TABLES_MERGED_ON_RESTORE: readonly string[] = ['audit_log'];

/** What a restore did. */
export interface RestoreResult {
  /** The configuration version the restore created (history of the backup + one "restored" entry). */
  config: ConfigVersion | null;
  tables: Record<string, number>;
  recordings: number;
  tlsReplaced: boolean;
}

/** Options of `applyRestore`. */
export interface ApplyOptions {
  paths: DataPaths;
  /** The live records database (mgmt's handle); the CLI opens one. */
  records: RecordsDb;
  /** The running config store (mgmt's); omitted: opened on `paths`. */
  config?: ConfigStore;
  author: string;
}

/** A rename done by the swap, so it can be undone. */
interface Move {
  from: string;
  to: string;
}

/**
 * Step 2 of a restore, after the admin saw the plan: swaps the staged copy in. Directories
 * (config-history/, tls/, prompts/) and config.json are renamed into place, the live ones moved into
 * the staging folder; restored recordings are renamed over (others stay); then records.db gets the
 * restored rows in ONE SQLite transaction on the live database (every process with it open, the
 * PBX's CDR writer included, sees old or new rows, never a mix, and none needs reopening). If that
 * transaction fails, the file renames are undone in reverse order. Finally the configuration store
 * takes the restored history and records one new version, "restored from <archive>", written
 * at this release's schema revision.
 */
export async function applyRestore(staged: StagedRestore, opts: ApplyOptions): Promise<RestoreResult> {
  const { paths } = opts;
  const data = join(staged.dir, 'data');
  const old = join(staged.dir, 'old');
  await mkdir(old, { recursive: true });
  const moves: Move[] = [];
  const move = async (from: string, to: string) => {
    await mkdir(dirname(to), { recursive: true });
    await rename(from, to);
    moves.push({ from, to });
  };
  const swap = async (stagedPath: string, livePath: string, name: string) => {
    if (!existsSync(stagedPath)) return false;
    if (existsSync(livePath)) await move(livePath, join(old, name));
    await move(stagedPath, livePath);
    return true;
  };
  let recordings = 0;
  let tables: Record<string, number> = {};
  let tlsReplaced = false;
  try {
    if (staged.manifest.contents.config) {
      await swap(join(data, 'config-history'), paths.configHistory, 'config-history');
      await swap(join(data, 'config.json'), paths.config, 'config.json');
    }
    tlsReplaced = await swap(join(data, 'tls'), paths.tls, 'tls');
    await swap(join(data, 'prompts'), paths.prompts, 'prompts');
    await swap(join(data, 'voicemail'), paths.voicemail, 'voicemail');
    await swap(join(data, 'backup-settings.json'), join(paths.backupState, 'settings.json'), 'backup-settings.json');
    for (const f of await walkFiles(join(data, 'recordings'))) {
      const live = join(paths.recordings, f.rel);
      if (existsSync(live)) await move(live, join(old, 'recordings', f.rel));
      await move(f.abs, live);
      recordings++;
    }
    const stagedDb = join(data, 'records.db');
    if (existsSync(stagedDb)) tables = replaceRows(opts.records.db, stagedDb);
  } catch (err) {
    log.error({ err, archive: staged.manifest.name }, 'restore failed while swapping; undoing the file moves');
    for (const m of moves.reverse()) await rename(m.to, m.from).catch((e) => log.error({ err: e, file: m.from }, 'could not undo a move'));
    throw err;
  }
  for (const d of new Set([paths.root, paths.recordings, paths.backupState])) if (existsSync(d)) await fsyncDir(d);

  let config: ConfigVersion | null = null;
  if (staged.config) {
    const store = opts.config ?? (await ConfigStore.open(paths));
    await store.reload().catch(() => undefined); // the next line writes the same content anyway
    config = await store.replace(staged.config, { author: opts.author, comment: `restored from backup ${staged.manifest.name}` });
  }
  await rm(staged.dir, { recursive: true, force: true });
  log.info({ archive: staged.manifest.name, recordings, configVersion: config?.version }, 'backup restored');
  return { config, tables, recordings, tlsReplaced };
}

/**
 * Replaces the rows of every table of the live database with the staged snapshot's, in one
 * transaction. Columns are matched by name (both sides are at the same schema revision after
 * staging, but names make a wrong column order impossible).
 */
function replaceRows(live: Database.Database, stagedPath: string): Record<string, number> {
  const counts: Record<string, number> = {};
  live.prepare('ATTACH DATABASE ? AS restored').run(stagedPath);
  try {
    const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
    const tablesOf = (schema: string) =>
      (live.prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as Array<{ name: string }>).map((r) => r.name);
    const liveTables = tablesOf('main').filter((t) => !TABLES_KEPT_ON_RESTORE.includes(t));
    const stagedTables = new Set(tablesOf('restored'));
    live.transaction(() => {
      for (const t of liveTables) {
        const merge = TABLES_MERGED_ON_RESTORE.includes(t);
        if (!merge) live.exec(`DELETE FROM main.${q(t)}`);
        if (!stagedTables.has(t)) {
          counts[t] = 0;
          continue;
        }
        const cols = (live.prepare(`PRAGMA restored.table_info(${q(t)})`).all() as Array<{ name: string }>).map((c) => q(c.name)).join(', ');
        counts[t] = live.prepare(`INSERT ${merge ? 'OR IGNORE ' : ''}INTO main.${q(t)} (${cols}) SELECT ${cols} FROM restored.${q(t)}`).run().changes;
      }
    }).immediate();
  } finally {
    live.exec('DETACH DATABASE restored');
  }
  return counts;
}
