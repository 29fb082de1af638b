// Where archived recordings go (issue 7 retention): a mounted folder, or an SFTP server through
// the shared SftpConnection (the backup target uses the same one). Every target keeps the
// same promise: the local file is removed only once the archive copy is in place — for SFTP
// only after the server's copy has the size and SHA-256 the index holds — and is left
// untouched when anything fails, so the next sweep tries again.
import { copyFileSync, createReadStream, existsSync, fsyncSync, openSync, closeSync, mkdirSync, renameSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { posix } from 'node:path';
import { SftpConnection, SftpError, sftpDescription, type SftpSettings } from '../sftp/index.ts';
import type { StoredRecording } from '../records/index.ts';

/** A failed archive step, with a Chinese text for the status and its alarm. */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
  constructor(message: string, readonly messageZh: string) {
    super(message);
  }
}

/** An archive destination. */
export interface ArchiveTarget {
  /** For messages and the status: "folder /mnt/archive", "sftp://rec@nas:22/recordings". */
  readonly description: string;
  /**
   * Puts the recording at `localPath` into the archive, removes the local file, and returns the
   * location the index keeps. Throws (ArchiveError) with the local file untouched when it could not.
   */
  archive(r: StoredRecording, localPath: string): Promise<string>;
  /** Releases a connection. */
  close(): Promise<void>;
}

/** Moves a file, across filesystems if need be (copy, fsync, unlink). */
function moveFile(src: string, dst: string): void {
  mkdirSync(dirname(dst), { recursive: true });
  try {
    renameSync(src, dst);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    copyFileSync(src, dst);
    const fd = openSync(dst, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
    unlinkSync(src);
  }
}

/** A mounted path (USB disk, NFS share): the same YYYY/MM/DD layout below it. */
export class FolderArchive implements ArchiveTarget {
  readonly description: string;
  constructor(private readonly dir: string) {
    this.description = `folder ${dir}`;
  }

  async archive(r: StoredRecording, localPath: string): Promise<string> {
    const dst = join(this.dir, r.path);
    try {
      if (existsSync(localPath)) moveFile(localPath, dst);
    } catch (err) {
      throw new ArchiveError(`archive ${this.description}: ${(err as Error).message}`, `归档到 ${this.description} 失败：${(err as Error).message}`);
    }
    return dst;
  }

  async close(): Promise<void> {}
}

/**
 * An SFTP server. One connection per sweep, opened at the first recording to archive; a failed
 * connect (network, login, host key) is remembered for the rest of the sweep so a hundred expired
 * recordings do not mean a hundred login attempts.
 */
export class SftpArchive implements ArchiveTarget {
  readonly description: string;
  #conn: SftpConnection | undefined;
  #failed: ArchiveError | undefined;

  constructor(private readonly s: SftpSettings) {
    this.description = sftpDescription(s);
  }

  async #connect(): Promise<SftpConnection> {
    if (this.#failed) throw this.#failed;
    if (this.#conn) return this.#conn;
    try {
      this.#conn = await SftpConnection.open(this.s);
      return this.#conn;
    } catch (err) {
      this.#failed = asArchiveError(err);
      throw this.#failed;
    }
  }

  async archive(r: StoredRecording, localPath: string): Promise<string> {
    if (r.sha256 === null || r.sizeBytes === null) throw new ArchiveError(`recording ${r.id} has no checksum in the index: not archived (it could not be verified)`, `录音 ${r.id} 在索引中没有校验和，无法校验，未归档`);
    const conn = await this.#connect();
    const remote = conn.remote(r.path);
    try {
      // A file already gone locally was uploaded and verified by a sweep cut before the index
      // was updated: the check below decides whether the server's copy is the recording.
      if (existsSync(localPath)) {
        await conn.ensureDir(posix.dirname(remote));
        await conn.writeDurable(remote, createReadStream(localPath, { highWaterMark: 64 * 1024 }));
      }
      const size = await conn.size(remote);
      if (size === undefined) {
        throw new ArchiveError(`archive ${remote}: the local file is missing and the server has no copy`, `归档 ${remote}：本地文件缺失，服务器上也没有副本`);
      }
      if (size !== r.sizeBytes) {
        throw new ArchiveError(`archive ${remote}: the server has ${size} bytes, the index says ${r.sizeBytes}; local file kept`, `归档 ${remote}：服务器上文件大小为 ${size}，索引为 ${r.sizeBytes}，本地文件已保留`);
      }
      const sha = await conn.sha256(remote);
      if (sha !== r.sha256) {
        throw new ArchiveError(`archive ${remote}: SHA-256 on the server ${sha} differs from the index ${r.sha256}; local file kept`, `归档 ${remote}：服务器上的 SHA-256 与索引不符，本地文件已保留`);
      }
    } catch (err) {
      throw asArchiveError(err);
    }
    if (existsSync(localPath)) unlinkSync(localPath);
    return `${this.description.replace(/\/$/, '')}/${r.path}`;
  }

  async close(): Promise<void> {
    const c = this.#conn;
    this.#conn = undefined;
    await c?.close();
  }
}

function asArchiveError(err: unknown): ArchiveError {
  if (err instanceof ArchiveError) return err;
  if (err instanceof SftpError) return new ArchiveError(err.message, err.messageZh);
  return new ArchiveError(`archive: ${(err as Error).message}`, `归档失败：${(err as Error).message}`);
}
