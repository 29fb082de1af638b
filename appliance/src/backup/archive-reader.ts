import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract as tarExtract } from 'tar-stream';
import { BackupError, corrupted, truncated } from './errors.ts';
import { openStream, type ArchiveHeader } from './container.ts';
import { archiveKey, keyFromPassphrase, type BackupKey } from './keys.ts';
import { memberPathAllowed, type BackupManifest, type ManifestMember } from './manifest.ts';
import { progressOf, type Progress, type ProgressSink } from './progress.ts';

/** How to get the key of an encrypted archive. */
export interface KeySource {
  /** The passphrase typed by the user; checked against the archive's key check value. */
  passphrase?: string;
  /** The box's stored key; used when its key check equals the archive's (scheduled test restores). */
  stored?: BackupKey;
}

/** Options of `readArchive`. */
export interface ReadArchiveOptions {
  keys: KeySource;
  /** Where to extract members; omitted: verify only (nothing written). */
  into?: string;
  /** Which members to extract (default all); every member is verified either way. */
  select?: (path: string) => boolean;
  /** Archive size for percent (0 when unknown). */
  bytesTotal?: number;
  operation?: Progress['operation'];
  onProgress?: ProgressSink;
  /** Name shown in errors ("the uploaded file", the archive name). */
  what?: string;
}

/** A verified archive: header, manifest, and the members actually found (all checksums matched). */
export interface VerifiedArchive {
  header: ArchiveHeader;
  manifest: BackupManifest;
}

/** Resolves the per-archive AES key from the header and the user's key source. */
async function keyForHeader(h: ArchiveHeader, keys: KeySource): Promise<Buffer | undefined> {
  if (h.encryption === 'none') return undefined;
  let master: Buffer;
  if (keys.passphrase !== undefined) master = (await keyFromPassphrase(keys.passphrase, h.kdf!, h.keyCheck!)).key;
  else if (keys.stored && keys.stored.keyCheck === h.keyCheck) master = keys.stored.key;
  else throw new BackupError('PASSPHRASE_REQUIRED', 'this backup is encrypted with a different passphrase than the one stored on this box; enter its passphrase', '该备份使用了与本机不同的口令加密，请输入该备份的口令');
  return archiveKey(master, Buffer.from(h.fileSalt!, 'base64'));
}

/**
 * Streams an archive once: decrypts and authenticates every record, parses the tar payload, hashes
 * every member (writing the selected ones below `into`), and at the end checks the member list and
 * every SHA-256 against manifest.json. Throws a BackupError (WRONG_PASSPHRASE, CORRUPTED,
 * TRUNCATED, NOT_A_BACKUP) on the first problem; files already written below `into` are the
 * caller's to discard (it extracts into a staging folder for exactly this reason).
 */
export async function readArchive(src: AsyncIterable<Buffer>, opts: ReadArchiveOptions): Promise<VerifiedArchive> {
  const operation = opts.operation ?? 'verify';
  const total = opts.bytesTotal ?? 0;
  let done = 0;
  let last = 0;
  const counted = async function* (s: AsyncIterable<Buffer>) {
    for await (const b of s) {
      done += b.length;
      if (done - last >= 1 << 20) (opts.onProgress?.(progressOf(operation, 'verify', done, total)), (last = done));
      yield b;
    }
  };
  let header: ArchiveHeader | undefined;
  const payload = openStream(counted(src), (h) => keyForHeader(h, opts.keys), (h) => (header = h), opts.what);
  const ex = tarExtract();
  const feeding = pipeline(Readable.from(payload, { objectMode: false }), ex);
  let feedError: unknown;
  feeding.catch((e) => (feedError = e));

  const found: ManifestMember[] = [];
  let manifestText: string | undefined;
  try {
    for await (const entry of ex) {
      const path = entry.header.name;
      if (entry.header.type !== 'file' || !memberPathAllowed(path)) throw corrupted(`unexpected member "${path}"`);
      if (manifestText !== undefined) throw corrupted('a member follows manifest.json');
      const hash = createHash('sha256');
      let size = 0;
      if (path === 'manifest.json') {
        const parts: Buffer[] = [];
        for await (const c of entry as AsyncIterable<Buffer>) parts.push(c);
        manifestText = Buffer.concat(parts).toString('utf8');
        continue;
      }
      const target = opts.into && (opts.select?.(path) ?? true) ? join(opts.into, path) : undefined;
      if (target) {
        await mkdir(dirname(target), { recursive: true });
        const hashing = async function* (s: AsyncIterable<Buffer>) {
          for await (const c of s) (hash.update(c), (size += c.length), yield c);
        };
        await pipeline(entry as AsyncIterable<Buffer>, hashing, createWriteStream(target, { mode: 0o600 }));
      } else for await (const c of entry as AsyncIterable<Buffer>) (hash.update(c), (size += c.length));
      found.push({ path, size, sha256: hash.digest('hex') });
    }
    await feeding;
  } catch (err) {
    await feeding.catch(() => undefined);
    if (feedError instanceof BackupError) throw feedError;
    if (err instanceof BackupError) throw err;
    const msg = (feedError as Error | undefined)?.message ?? (err as Error).message;
    if (/unexpected end|premature/i.test(msg)) throw truncated('the payload ends early');
    throw corrupted(msg);
  }
  if (manifestText === undefined) throw corrupted('manifest.json is missing');
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(manifestText) as BackupManifest;
  } catch {
    throw corrupted('manifest.json is not valid JSON');
  }
  if (manifest.format !== 1 || manifest.product !== 'hotline' || !Array.isArray(manifest.members)) throw corrupted('manifest.json has an unknown format');
  const expected = new Map(manifest.members.map((m) => [m.path, m]));
  if (expected.size !== found.length) throw corrupted(`manifest lists ${expected.size} members, the archive holds ${found.length}`);
  for (const f of found) {
    const m = expected.get(f.path);
    if (!m) throw corrupted(`member ${f.path} is not in the manifest`);
    if (m.size !== f.size || m.sha256 !== f.sha256) throw corrupted(`checksum of ${f.path} does not match the manifest`);
  }
  opts.onProgress?.(progressOf(operation, 'verify', done, total || done));
  return { header: header!, manifest };
}
