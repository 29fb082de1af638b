import type SftpClient from 'ssh2-sftp-client';
import { SftpConnection, SftpError, type SftpSettings } from '../../sftp/index.ts';
import { BackupError } from '../errors.ts';
import { ARCHIVE_EXT, catalogName, type CatalogEntry } from '../manifest.ts';
import { newestFirst, safeArchiveName, type BackupTarget } from './target.ts';

export type { SftpSettings };

/** An SFTP failure as a backup error (same texts, code TARGET_FAILED). */
const asBackupError = (err: unknown) =>
  err instanceof SftpError ? new BackupError('TARGET_FAILED', err.message, err.messageZh) : err;

/**
 * An SFTP server, through the shared {@link SftpConnection} (host key pinned; archives written to
 * `<name>.partial`, fsynced, then renamed with `posix-rename@openssh.com`).
 */
export class SftpTarget implements BackupTarget {
  readonly description: string;
  #conn: SftpConnection | undefined;

  constructor(readonly id: string, readonly s: SftpSettings) {
    this.description = `sftp ${s.username}@${s.host}:${s.port}${s.path}`;
  }

  async #connect(): Promise<SftpClient> {
    if (!this.#conn) {
      try {
        this.#conn = await SftpConnection.open(this.s);
      } catch (err) {
        throw asBackupError(err);
      }
    }
    return this.#conn.client;
  }

  #remote(name: string): string {
    return this.#conn!.remote(name);
  }

  async writeArchive(name: string, bytes: AsyncIterable<Buffer>): Promise<void> {
    await this.#connect();
    try {
      await this.#conn!.writeDurable(this.#remote(name), bytes);
    } catch (err) {
      throw asBackupError(err);
    }
  }

  async writeCatalog(entry: CatalogEntry): Promise<void> {
    await this.#connect();
    try {
      await this.#conn!.writeDurable(this.#remote(catalogName(entry.name)), (async function* () { yield Buffer.from(JSON.stringify(entry, null, 2) + '\n'); })());
    } catch (err) {
      throw asBackupError(err);
    }
  }

  async list(): Promise<CatalogEntry[]> {
    const c = await this.#connect();
    const names = new Set((await c.list(this.s.path)).map((f) => f.name));
    const out: CatalogEntry[] = [];
    for (const n of names) {
      if (!n.endsWith(ARCHIVE_EXT) || !safeArchiveName(n) || !names.has(catalogName(n))) continue;
      const buf = (await c.get(this.#remote(catalogName(n)))) as Buffer;
      try {
        out.push(JSON.parse(buf.toString('utf8')) as CatalogEntry);
      } catch {
        // unreadable catalog entry: not listed
      }
    }
    return out.sort(newestFirst);
  }

  async open(name: string): Promise<{ bytes: AsyncIterable<Buffer>; size: number }> {
    if (!safeArchiveName(name)) throw new BackupError('NOT_FOUND', `no backup named ${name}`, `没有名为 ${name} 的备份`);
    await this.#connect();
    const size = await this.#conn!.size(this.#remote(name));
    if (size === undefined) throw new BackupError('NOT_FOUND', `no backup named ${name} on ${this.description}`, `${this.description} 上没有名为 ${name} 的备份`);
    return { bytes: this.#conn!.read(this.#remote(name)), size };
  }

  async remove(name: string): Promise<void> {
    if (!safeArchiveName(name)) throw new BackupError('NOT_FOUND', `no backup named ${name}`, `没有名为 ${name} 的备份`);
    const c = await this.#connect();
    await c.delete(this.#remote(catalogName(name)), true);
    await c.delete(this.#remote(name), true);
  }

  async cleanup(): Promise<number> {
    const c = await this.#connect();
    const names = new Set((await c.list(this.s.path)).map((f) => f.name));
    let n = 0;
    for (const f of names) {
      if (f.endsWith('.partial') || (f.endsWith(ARCHIVE_EXT) && safeArchiveName(f) && !names.has(catalogName(f)))) (await c.delete(this.#remote(f), true), n++);
    }
    return n;
  }

  async close(): Promise<void> {
    const c = this.#conn;
    this.#conn = undefined;
    await c?.close();
  }
}
