import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CURRENT_SCHEMA_VERSION, ConfigValidationError, validateConfig, type HotlineConfig } from '../config/index.ts';
import { openRecords, recordsMigrations, RecordsSchemaTooNewError } from '../records/index.ts';
import type { dataPaths } from '../paths.ts';
import { readArchive, type KeySource } from './archive-reader.ts';
import type { ArchiveHeader } from './container.ts';
import { BackupError, corrupted, schemaTooNew } from './errors.ts';
import type { BackupManifest } from './manifest.ts';
import type { ProgressSink } from './progress.ts';
import { recordsFacts } from './snapshot.ts';
import { restorePlan, type RestorePlan } from './restore-plan.ts';

type DataPaths = ReturnType<typeof dataPaths>;

/** Opens an archive of the same target by name (earlier archives of a chain). */
export type ArchiveOpener = (name: string) => Promise<{ bytes: AsyncIterable<Buffer>; size: number }>;

/** Where a verified archive waits for confirmation: extracted below `<data>/.restore-<id>/data`. */
export interface StagedRestore {
  id: string;
  /** The staging folder (inside the data directory, so the final swap is a rename on one file system). */
  dir: string;
  header: ArchiveHeader;
  manifest: BackupManifest;
  /** The configuration of the backup, migrated to this release's schema revision and validated. */
  config: HotlineConfig | null;
  /** Null when staged with `withPlan: false`. */
  plan: RestorePlan | null;
}

/** Options of `stageRestore`. */
export interface StageOptions {
  paths: DataPaths;
  bytes: AsyncIterable<Buffer>;
  size?: number;
  keys: KeySource;
  /** Earlier archives of the chain, for recordings held there. */
  openArchive?: ArchiveOpener;
  onProgress?: ProgressSink;
  what?: string;
  /** Staging parent; default the data directory (test restores use a scratch folder). */
  stagingRoot?: string;
  operation?: 'restore' | 'test-restore';
  /** Compute the change preview against the live data (default true; test restores skip it). */
  withPlan?: boolean;
}

/** Staging folders of restores below a data directory start with this. */
export const STAGING_PREFIX = '.restore-';

/**
 * Step 1 of a restore, which changes NOTHING live: streams the archive through decryption and
 * checksum verification into a staging folder, fetches recordings held by earlier archives of its
 * chain, refuses a newer schema revision, migrates and validates the configuration and the records
 * snapshot in the staging copy, and computes what a restore would change. Any failure removes the
 * staging folder and throws a BackupError.
 */
export async function stageRestore(opts: StageOptions): Promise<StagedRestore> {
  const id = randomUUID();
  const dir = join(opts.stagingRoot ?? opts.paths.root, `${STAGING_PREFIX}${id}`);
  const data = join(dir, 'data');
  await mkdir(data, { recursive: true, mode: 0o700 });
  try {
    const operation = opts.operation ?? 'restore';
    const { header, manifest } = await readArchive(opts.bytes, { keys: opts.keys, into: data, bytesTotal: opts.size, onProgress: opts.onProgress, operation, what: opts.what });
    if (manifest.configSchemaVersion !== null && manifest.configSchemaVersion > CURRENT_SCHEMA_VERSION) throw schemaTooNew('configuration', manifest.configSchemaVersion, CURRENT_SCHEMA_VERSION);
    const knownRecords = recordsMigrations.reduce((m, s) => Math.max(m, s.id), 0);
    if (manifest.recordsSchemaRevision !== null && manifest.recordsSchemaRevision > knownRecords) throw schemaTooNew('records database', manifest.recordsSchemaRevision, knownRecords);

    await fetchChainRecordings(manifest, data, opts);

    let config: HotlineConfig | null = null;
    if (existsSync(join(data, 'config.json'))) {
      try {
        config = validateConfig(JSON.parse(await readFile(join(data, 'config.json'), 'utf8')), 'the backup');
      } catch (err) {
        if (err instanceof ConfigValidationError) throw new BackupError('CORRUPTED', `the configuration in the backup is refused: ${err.oneLine()}; nothing was changed`, `备份中的配置无效：${err.oneLine()}；未做任何更改`);
        throw corrupted('config.json is not valid JSON');
      }
    }
    const stagedDb = join(data, 'records.db');
    if (existsSync(stagedDb)) {
      try {
        openRecords(stagedDb).close(); // brings an older snapshot up to this release's schema
      } catch (err) {
        if (err instanceof RecordsSchemaTooNewError) throw schemaTooNew('records database', err.fileRevision, err.knownRevision);
        throw corrupted(`records.db does not open: ${(err as Error).message}`);
      }
      await rm(`${stagedDb}-wal`, { force: true });
      await rm(`${stagedDb}-shm`, { force: true });
    }
    const plan = opts.withPlan === false ? null : await restorePlan({ paths: opts.paths, data, manifest, config, stagedRecords: existsSync(stagedDb) ? recordsFacts(stagedDb).tables : null });
    await writeFile(join(dir, 'staged.json'), JSON.stringify({ id, header, manifest: { ...manifest, members: [], recordings: [] }, plan }) + '\n');
    return { id, dir, header, manifest, config, plan };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Extracts the recordings this archive references from the earlier archives that hold them. */
async function fetchChainRecordings(manifest: BackupManifest, data: string, opts: StageOptions): Promise<void> {
  const deps = manifest.chain?.dependsOn ?? [];
  if (deps.length === 0) return;
  if (!opts.openArchive) {
    throw new BackupError('CHAIN_INCOMPLETE', `this incremental backup needs the earlier archives ${deps.join(', ')} of its chain for some recordings; restore it from its target, where they are`, `该增量备份的部分录音保存在同一链中较早的备份 ${deps.join(', ')} 中；请从备份目标恢复`);
  }
  for (const dep of deps) {
    const wanted = new Map(manifest.recordings.filter((r) => r.archive === dep).map((r) => [r.path, r.sha256]));
    let source;
    try {
      source = await opts.openArchive(dep);
    } catch {
      throw new BackupError('CHAIN_INCOMPLETE', `the earlier archive ${dep} of this backup's chain is missing on the target; its recordings cannot be restored`, `本备份链中较早的备份 ${dep} 在目标上不存在，无法恢复其中的录音`);
    }
    const { manifest: depManifest } = await readArchive(source.bytes, { keys: opts.keys, into: data, select: (p) => wanted.has(p), bytesTotal: source.size, what: dep });
    const held = new Map(depManifest.members.map((m) => [m.path, m.sha256]));
    for (const [path, sha] of wanted) if (held.get(path) !== sha) throw corrupted(`${path} in ${dep} does not match the chain's checksum`);
  }
}

/** Removes a staged restore (discarded, or after applying). */
export async function discardStaged(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Staging folders left by a crashed or abandoned restore, for cleanup at service start. */
export async function staleStagingDirs(root: string): Promise<string[]> {
  return (await readdir(root).catch(() => [] as string[])).filter((n) => n.startsWith(STAGING_PREFIX)).map((n) => join(root, n));
}
