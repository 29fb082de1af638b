import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CURRENT_SCHEMA_VERSION, lineDiff, serializeConfig, type HotlineConfig } from '../config/index.ts';
import type { dataPaths } from '../paths.ts';
import { walkFiles } from './files.ts';
import type { BackupManifest } from './manifest.ts';
import { recordsFacts } from './snapshot.ts';
import { TABLES_KEPT_ON_RESTORE, TABLES_MERGED_ON_RESTORE } from './restore-apply.ts';
import Database from 'better-sqlite3';

type DataPaths = ReturnType<typeof dataPaths>;

/** What a restore would change, shown before the admin confirms (no secret values in it). */
export interface RestorePlan {
  archive: { name: string; createdAt: string; productVersion: string; encrypted: boolean };
  config: {
    /** Schema revision in the backup, and whether it is upgraded to this release's on restore. */
    schemaVersion: number;
    migratedTo: number | null;
    /** Top-level sections whose content differs from the running configuration. */
    changedSections: string[];
    linesAdded: number;
    linesRemoved: number;
    historyVersions: number;
  } | null;
  records: { schemaRevision: number | null; tables: Array<{ table: string; current: number; restored: number }> } | null;
  files: {
    tls: { current: number; restored: number };
    prompts: { current: number; restored: number };
    recordings: { restored: number; added: number; replaced: number; unchanged: number; bytes: number } | null;
  };
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

/** Computes the plan from the live data directory and the staged copy. */
export async function restorePlan(a: { paths: DataPaths; data: string; manifest: BackupManifest; config: HotlineConfig | null; stagedRecords: Record<string, number> | null }): Promise<RestorePlan> {
  const { paths, manifest } = a;
  let configPart: RestorePlan['config'] = null;
  if (a.config) {
    let current: Record<string, unknown> = {};
    try {
      current = JSON.parse(await readFile(paths.config, 'utf8')) as Record<string, unknown>;
    } catch {
      // no running configuration (a fresh box): everything is new
    }
    const restored = a.config as unknown as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(current), ...Object.keys(restored)])].sort();
    const changed = keys.filter((k) => JSON.stringify(current[k]) !== JSON.stringify(restored[k]));
    const diff = lineDiff(JSON.stringify(current, null, 2) + '\n', serializeConfig(a.config), 0).split('\n');
    const from = manifest.configSchemaVersion ?? CURRENT_SCHEMA_VERSION;
    configPart = {
      schemaVersion: from,
      migratedTo: from < CURRENT_SCHEMA_VERSION ? CURRENT_SCHEMA_VERSION : null,
      changedSections: changed,
      linesAdded: diff.filter((l) => l.startsWith('+') && !l.startsWith('+++')).length,
      linesRemoved: diff.filter((l) => l.startsWith('-') && !l.startsWith('---')).length,
      historyVersions: manifest.contents.configHistoryVersions,
    };
  }
  let records: RestorePlan['records'] = null;
  if (a.stagedRecords) {
    const live = existsSync(paths.records) ? recordsFacts(paths.records).tables : {};
    const names = [...new Set([...Object.keys(live), ...Object.keys(a.stagedRecords)])].filter((t) => !TABLES_KEPT_ON_RESTORE.includes(t)).sort();
    const merged = existsSync(paths.records) ? mergedCounts(paths.records, join(a.data, 'records.db')) : {};
    records = { schemaRevision: manifest.recordsSchemaRevision, tables: names.map((t) => ({ table: t, current: live[t] ?? 0, restored: merged[t] ?? a.stagedRecords![t] ?? 0 })) };
  }
  let recordings: RestorePlan['files']['recordings'] = null;
  if (manifest.contents.recordings) {
    const liveFiles = new Map((await walkFiles(paths.recordings)).map((f) => [`recordings/${f.rel}`, f]));
    let added = 0;
    let replaced = 0;
    let unchanged = 0;
    for (const r of manifest.recordings) {
      const live = liveFiles.get(r.path);
      if (!live) added++;
      else if (live.size === r.size && (await sha256File(live.abs)) === r.sha256) unchanged++;
      else replaced++;
    }
    recordings = { restored: manifest.recordings.length, added, replaced, unchanged, bytes: manifest.recordings.reduce((s, r) => s + r.size, 0) };
  }
  return {
    archive: { name: manifest.name, createdAt: manifest.createdAt, productVersion: manifest.productVersion, encrypted: manifest.encrypted },
    config: configPart,
    records,
    files: {
      tls: { current: (await walkFiles(paths.tls)).length, restored: (await walkFiles(join(a.data, 'tls'))).length },
      prompts: { current: (await walkFiles(paths.prompts)).length, restored: (await walkFiles(join(a.data, 'prompts'))).length },
      recordings,
    },
  };
}

/** Rows a merged table (the audit log) will have after the restore: live rows plus the backup's rows the live table lacks. */
function mergedCounts(livePath: string, stagedPath: string): Record<string, number> {
  const db = new Database(livePath, { readonly: true, fileMustExist: true });
  try {
    db.prepare('ATTACH DATABASE ? AS restored').run(stagedPath);
    const out: Record<string, number> = {};
    for (const t of TABLES_MERGED_ON_RESTORE) {
      const q = `"${t.replace(/"/g, '""')}"`;
      const has = (schema: string) => db.prepare(`SELECT 1 FROM ${schema}.sqlite_master WHERE type = 'table' AND name = ?`).get(t) !== undefined;
      if (!has('main') || !has('restored')) continue;
      const { n } = db.prepare(`SELECT (SELECT COUNT(*) FROM main.${q}) + (SELECT COUNT(*) FROM restored.${q} WHERE rowid NOT IN (SELECT rowid FROM main.${q})) AS n`).get() as { n: number };
      out[t] = n;
    }
    return out;
  } finally {
    db.close();
  }
}
