import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { BackupError } from '../errors.ts';
import { ARCHIVE_EXT, catalogName, type CatalogEntry } from '../manifest.ts';
import { newestFirst, safeArchiveName, type BackupTarget } from './target.ts';

/** Connection settings of an SFTP target. */
export interface SftpSettings {
  host: string;
  port: number;
  username: string;
  /** Remote folder (created if missing). */
  path: string;
  password?: string;
  /** Private key file on the box (OpenSSH format). */
  privateKeyPath?: string;
  /**
   * The server's host key fingerprint as OpenSSH prints it (`SHA256:base64`). Required: without it
   * a man in the middle could collect the archives; a mismatch names the key the server offered.
   */
  hostKeySha256: string;
}

const fingerprint = (key: Buffer) => 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');

const failed = (what: string, err: unknown) =>
  new BackupError('TARGET_FAILED', `SFTP ${what}: ${(err as Error).message}`, `SFTP ${what}失败：${(err as Error).message}`);

/**
 * An SFTP server (ssh2-sftp-client over ssh2). The archive is written to `<name>.partial` through a
 * raw SFTP handle, made durable with the `fsync@openssh.com` extension where the server offers it,
 * then renamed with `posix-rename@openssh.com` (plain SFTP rename refuses to overwrite).
 */
export class SftpTarget implements BackupTarget {
  readonly description: string;
  #client: SftpClient | undefined;
  #offered: string | undefined;

  constructor(readonly id: string, readonly s: SftpSettings) {
    this.description = `sftp ${s.username}@${s.host}:${s.port}${s.path}`;
  }

  async #connect(): Promise<SftpClient> {
    if (this.#client) return this.#client;
    const c = new SftpClient();
    try {
      await c.connect({
        host: this.s.host,
        port: this.s.port,
        username: this.s.username,
        password: this.s.password,
        privateKey: this.s.privateKeyPath ? readFileSync(this.s.privateKeyPath) : undefined,
        // A box on a busy WAN (or under load) can take long to finish the key exchange: allow
        // 30 s and one more try before the run is failed.
        readyTimeout: 30_000,
        retries: 1,
        hostVerifier: (key: Buffer) => {
          this.#offered = fingerprint(key);
          return this.#offered === this.s.hostKeySha256;
        },
      } as SftpClient.ConnectOptions);
    } catch (err) {
      if (this.#offered && this.#offered !== this.s.hostKeySha256) {
        throw new BackupError('TARGET_FAILED', `SFTP host key of ${this.s.host} is ${this.#offered}, not the configured ${this.s.hostKeySha256}; refusing to connect`, `SFTP 服务器 ${this.s.host} 的主机密钥为 ${this.#offered}，与配置的 ${this.s.hostKeySha256} 不符，拒绝连接`);
      }
      throw failed('connect', err);
    }
    if (!(await c.exists(this.s.path))) await c.mkdir(this.s.path, true);
    this.#client = c;
    return c;
  }

  #remote(name: string): string {
    return posix.join(this.s.path, name);
  }

  async writeArchive(name: string, bytes: AsyncIterable<Buffer>): Promise<void> {
    const c = await this.#connect();
    const raw = (c as unknown as { sftp: import('ssh2').SFTPWrapper }).sftp;
    const partial = this.#remote(`${name}.partial`);
    const call = <T>(fn: (cb: (err: Error | null | undefined, v?: T) => void) => void) => new Promise<T>((ok, fail) => fn((e, v) => (e ? fail(e) : ok(v as T))));
    const handle = await call<Buffer>((cb) => raw.open(partial, 'w', { mode: 0o600 }, cb));
    let pos = 0;
    try {
      // Up to 4 writes in flight: SFTP acknowledges each write, so one at a time is latency-bound.
      const inflight = new Set<Promise<void>>();
      for await (const b of bytes) {
        const at = pos;
        pos += b.length;
        const p: Promise<void> = call<void>((cb) => raw.write(handle, b, 0, b.length, at, cb)).then(() => void inflight.delete(p));
        inflight.add(p);
        if (inflight.size >= 4) await Promise.race(inflight);
      }
      await Promise.all(inflight);
      await call<void>((cb) => raw.ext_openssh_fsync(handle, cb)).catch(() => undefined); // not every server offers it
    } catch (err) {
      await call<void>((cb) => raw.close(handle, cb)).catch(() => undefined);
      await c.delete(partial, true).catch(() => undefined);
      throw err instanceof BackupError ? err : failed('upload', err);
    }
    await call<void>((cb) => raw.close(handle, cb));
    try {
      await c.posixRename(partial, this.#remote(name));
    } catch (err) {
      throw failed('rename', err);
    }
  }

  async writeCatalog(entry: CatalogEntry): Promise<void> {
    const c = await this.#connect();
    const final = this.#remote(catalogName(entry.name));
    await c.put(Buffer.from(JSON.stringify(entry, null, 2) + '\n'), `${final}.partial`);
    await c.posixRename(`${final}.partial`, final);
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
    const c = await this.#connect();
    const st = await c.stat(this.#remote(name)).catch(() => undefined);
    if (!st) throw new BackupError('NOT_FOUND', `no backup named ${name} on ${this.description}`, `${this.description} 上没有名为 ${name} 的备份`);
    return { bytes: c.createReadStream(this.#remote(name), { highWaterMark: 64 * 1024 } as never) as AsyncIterable<Buffer>, size: st.size };
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
    const c = this.#client;
    this.#client = undefined;
    await c?.end().catch(() => undefined);
  }
}
