import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pack as tarPack, type Pack } from 'tar-stream';
import type { dataPaths } from '../paths.ts';
import type { ChainIndex } from './chain.ts';
import { freshCipherFields, sealStream, RECORD_SIZE, type ArchiveHeader } from './container.ts';
import { walkFiles, type FileEntry } from './files.ts';
import { archiveKey, type BackupKey } from './keys.ts';
import { ARCHIVE_EXT, type BackupManifest, type CatalogEntry, type ManifestMember, type ManifestRecording } from './manifest.ts';
import { progressOf, type ProgressSink } from './progress.ts';
import { recordsFacts, snapshotRecords } from './snapshot.ts';

type DataPaths = ReturnType<typeof dataPaths>;

/** What to back up and how. */
export interface CreateBackupOptions {
  paths: DataPaths;
  /** The key to encrypt with; null only when the admin chose an unencrypted backup explicitly. */
  key: BackupKey | null;
  /** Include recordings; with `chain`, only those the chain does not hold yet. */
  recordings: boolean;
  /** The target's chain index (recordings only). */
  chain?: ChainIndex;
  productVersion: string;
  now?: () => Date;
  onProgress?: ProgressSink;
}

/** A backup being produced: its name, the archive bytes to hand to a target, and the outcome. */
export interface BackupStream {
  name: string;
  /** The sealed archive; consume it exactly once. */
  bytes: AsyncIterable<Buffer>;
  /** Resolves when `bytes` was consumed to the end: the manifest and the catalog entry. */
  result: Promise<{ manifest: BackupManifest; catalog: CatalogEntry; mtimes: Map<string, number> }>;
}

/** A member to stream: a file on disk under an archive path. */
interface Source {
  path: string;
  file: string;
  size: number;
}

function archiveName(now: Date, id: string): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `hotline-${t}-${id.slice(0, 8)}${ARCHIVE_EXT}`;
}

async function configSchemaOf(file: string): Promise<number | null> {
  try {
    const v = (JSON.parse(await readFile(file, 'utf8')) as { schemaVersion?: unknown }).schemaVersion;
    return typeof v === 'number' ? v : null;
  } catch {
    return null;
  }
}

/** Writes one file into the tar pack, hashing it and reporting bytes; returns its manifest member. */
async function addFile(p: Pack, src: Source, onBytes: (n: number) => void): Promise<ManifestMember> {
  const hash = createHash('sha256');
  let size = 0;
  await new Promise<void>((ok, fail) => {
    const entry = p.entry({ name: src.path, size: src.size, mode: 0o600, mtime: new Date(0) }, (err) => (err ? fail(err) : ok()));
    // tar-stream's entry is a streamx Writable, whose end() takes no chunk.
    const endEntry = () => (entry.end as unknown as () => void).call(entry);
    const rs = createReadStream(src.file, { highWaterMark: RECORD_SIZE, end: src.size - 1 < 0 ? undefined : src.size - 1 });
    if (src.size === 0) {
      rs.destroy();
      endEntry();
      return;
    }
    rs.on('data', (chunk: Buffer | string) => {
      const b = chunk as Buffer;
      hash.update(b);
      size += b.length;
      onBytes(b.length);
      if (!entry.write(b)) {
        rs.pause();
        entry.once('drain', () => rs.resume());
      }
    });
    rs.on('end', endEntry);
    rs.on('error', fail);
  });
  // A file that shrank while being read would have failed the tar entry size check above.
  return { path: src.path, size, sha256: hash.digest('hex') };
}

/**
 * Produces a backup archive as a stream (STYLE.md §4: no target I/O here; the caller pipes `bytes`
 * to a target). Member order: config.json, config-history/, records.db (an online-backup snapshot
 * written to `<data>/backup/work/`, removed afterwards), tls/, prompts/, voicemail/, backup-settings.json,
 * recordings/, manifest.json last. Nothing is held in memory beyond one 64 KiB record and the
 * manifest.
 */
export async function createBackupStream(opts: CreateBackupOptions): Promise<BackupStream> {
  const now = opts.now?.() ?? new Date();
  const backupId = randomUUID();
  const name = archiveName(now, backupId);
  const { paths } = opts;
  const progress = opts.onProgress ?? (() => undefined);
  const work = join(paths.backupState, 'work');
  await mkdir(work, { recursive: true });
  const snapshot = join(work, `records-${backupId}.db`);

  progress(progressOf('backup', 'snapshot', 0, 0));
  const haveRecords = await snapshotRecords(paths.records, snapshot);
  const facts = haveRecords ? recordsFacts(snapshot) : null;

  const sources: Source[] = [];
  const add = (prefix: string, files: FileEntry[]) => sources.push(...files.map((f) => ({ path: prefix + f.rel, file: f.abs, size: f.size })));
  const configFiles = (await walkFiles(paths.root)).filter((f) => f.rel === 'config.json');
  add('', configFiles);
  const history = (await walkFiles(paths.configHistory)).filter((f) => /^[1-9][0-9]*\.json$/.test(f.rel));
  add('config-history/', history);
  if (haveRecords) {
    const { size } = await stat(snapshot);
    sources.push({ path: 'records.db', file: snapshot, size });
  }
  const tls = await walkFiles(paths.tls);
  add('tls/', tls);
  const prompts = await walkFiles(paths.prompts);
  add('prompts/', prompts);
  // Voicemail messages travel whole each time (their rows are in records.db; few and short).
  add('voicemail/', await walkFiles(paths.voicemail));
  add('', (await walkFiles(paths.backupState)).filter((f) => f.rel === 'settings.json').map((f) => ({ ...f, rel: 'backup-settings.json' })));

  // Recordings: every file on disk is in the chain state; only new or changed ones travel.
  const chain = opts.chain;
  const recordingFiles = opts.recordings ? await walkFiles(paths.recordings) : [];
  const mtimes = new Map(recordingFiles.map((f) => [`recordings/${f.rel}`, f.mtimeMs]));
  const referenced: ManifestRecording[] = [];
  const included: FileEntry[] = [];
  for (const f of recordingFiles) {
    const known = chain?.files[`recordings/${f.rel}`];
    if (known && known.size === f.size && known.mtimeMs === f.mtimeMs) referenced.push({ path: `recordings/${f.rel}`, size: known.size, sha256: known.sha256, archive: known.archive });
    else included.push(f);
  }
  add('recordings/', included);

  const bytesTotal = sources.reduce((s, x) => s + x.size, 0);
  let bytesDone = 0;
  let lastReport = -RECORD_SIZE;
  const onBytes = (n: number) => {
    bytesDone += n;
    if (bytesDone - lastReport >= RECORD_SIZE) (progress(progressOf('backup', 'archive', bytesDone, bytesTotal)), (lastReport = bytesDone));
  };

  const header: ArchiveHeader = {
    format: 1,
    backupId,
    createdAt: now.toISOString(),
    encryption: opts.key ? 'aes-256-gcm' : 'none',
    recordSize: RECORD_SIZE,
    ...(opts.key ? { kdf: opts.key.kdf, keyCheck: opts.key.keyCheck, ...freshCipherFields() } : {}),
  };
  const aesKey = opts.key ? archiveKey(opts.key.key, Buffer.from(header.fileSalt!, 'base64')) : undefined;

  const p = tarPack();
  let settle!: { ok: (v: Awaited<BackupStream['result']>) => void; fail: (e: unknown) => void };
  const result = new Promise<Awaited<BackupStream['result']>>((ok, fail) => (settle = { ok, fail }));
  result.catch(() => undefined); // the caller awaits it; an abandoned run must not crash the process

  const configSchemaVersion = configFiles.length ? await configSchemaOf(configFiles[0].abs) : null;
  let manifest: BackupManifest | undefined;
  // Filling starts when the consumer starts reading: a target that fails before reading (an
  // unmounted USB disk) must not leave file reads running against a snapshot being removed.
  const startFill = async () => {
    const members: ManifestMember[] = [];
    for (const s of sources) members.push(await addFile(p, s, onBytes));
    const recordings: ManifestRecording[] = [
      ...referenced,
      ...members.filter((m) => m.path.startsWith('recordings/')).map((m) => ({ ...m, archive: name })),
    ].sort((a, b) => (a.path < b.path ? -1 : 1));
    const dependsOn = [...new Set(referenced.map((r) => r.archive))].sort();
    manifest = {
      format: 1,
      product: 'hotline',
      productVersion: opts.productVersion,
      configSchemaVersion,
      recordsSchemaRevision: facts?.revision ?? null,
      createdAt: header.createdAt,
      backupId,
      name,
      encrypted: opts.key !== null,
      chain: opts.recordings && chain ? { id: chain.id, sequence: chain.sequence + 1, dependsOn } : null,
      contents: {
        config: configFiles.length > 0,
        configHistoryVersions: history.length,
        records: facts ? { tables: facts.tables } : null,
        tlsFiles: tls.length,
        promptFiles: prompts.length,
        recordings: opts.recordings ? { included: included.length, referenced: referenced.length, bytes: recordings.reduce((s, r) => s + r.size, 0) } : null,
      },
      members,
      recordings,
    };
    const json = Buffer.from(JSON.stringify(manifest, null, 1));
    await new Promise<void>((ok, fail) => p.entry({ name: 'manifest.json', size: json.length, mode: 0o600, mtime: new Date(0) }, json, (e) => (e ? fail(e) : ok())));
    p.finalize();
  };
  // Errors reach the reader through the sealed stream and `result`; an 'error' event with no
  // listener would otherwise crash the process.
  p.on('error', () => undefined);

  async function* bytes(): AsyncGenerator<Buffer> {
    const whole = createHash('sha256');
    let size = 0;
    const fill = startFill();
    fill.catch((err) => p.destroy(err));
    try {
      for await (const b of sealStream(p as AsyncIterable<Buffer>, header, aesKey)) {
        whole.update(b);
        size += b.length;
        yield b;
      }
      await fill;
      const m = manifest!;
      // 'done' is the caller's to say: the archive still has to be renamed and catalogued.
      progress(progressOf('backup', 'archive', bytesDone, bytesTotal));
      settle.ok({
        manifest: m,
        mtimes,
        catalog: {
          name,
          createdAt: m.createdAt,
          size,
          sha256: whole.digest('hex'),
          encrypted: m.encrypted,
          keyCheck: opts.key?.keyCheck ?? null,
          productVersion: m.productVersion,
          configSchemaVersion: m.configSchemaVersion,
          recordsSchemaRevision: m.recordsSchemaRevision,
          contents: m.contents,
          chain: m.chain,
        },
      });
    } catch (err) {
      p.destroy(err as Error);
      settle.fail(err);
      throw err;
    } finally {
      await rm(snapshot, { force: true });
    }
  }
  return { name, bytes: bytes(), result };
}
