// One SFTP connection with the checks every Hotline use of SFTP needs (backups to a NAS, the
// recorder's archive): the server's host key is pinned by its SHA-256 fingerprint, and files are
// written durably — `<name>.partial`, fsync@openssh.com, then posix-rename@openssh.com — so a cut
// connection never leaves a file under its final name. Callers turn SftpError into their own
// error type (BackupError, a recorder status error); the texts are zh/en already.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import SftpClient from 'ssh2-sftp-client';
import type { SFTPWrapper } from 'ssh2';

/** Connection settings of an SFTP server. */
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
   * a man in the middle could collect the files; a mismatch names the key the server offered.
   */
  hostKeySha256: string;
}

/** What failed: the stage lets a caller tell a refused host key or login from a broken upload. */
export type SftpStage = 'connect' | 'host-key' | 'upload' | 'rename' | 'read';

/** An SFTP failure with its stage and a Chinese text beside the English message. */
export class SftpError extends Error {
  override readonly name = 'SftpError';
  constructor(readonly stage: SftpStage, message: string, readonly messageZh: string) {
    super(message);
  }
}

/** OpenSSH's fingerprint of a raw public key blob (`ssh-keygen -lf`). */
export const sshFingerprint = (key: Buffer) => 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');

const failed = (stage: SftpStage, what: string, err: unknown) =>
  new SftpError(stage, `SFTP ${what}: ${(err as Error).message}`, `SFTP ${what}失败：${(err as Error).message}`);

type Callback<T> = (err: Error | null | undefined, v?: T) => void;
const call = <T>(fn: (cb: Callback<T>) => void) => new Promise<T>((ok, fail) => fn((e, v) => (e ? fail(e) : ok(v as T))));

/** "sftp user@host:port/path" for messages and index rows. */
export function sftpDescription(s: Pick<SftpSettings, 'username' | 'host' | 'port' | 'path'>): string {
  return `sftp://${s.username}@${s.host}:${s.port}${s.path.startsWith('/') ? '' : '/'}${s.path}`;
}

/** An open, host-key-checked SFTP session (ssh2-sftp-client over ssh2). */
export class SftpConnection {
  private constructor(readonly settings: SftpSettings, readonly client: SftpClient) {}

  /** Connects, checks the host key, and creates the settings' folder when it is missing. */
  static async open(s: SftpSettings): Promise<SftpConnection> {
    const c = new SftpClient();
    let offered: string | undefined;
    try {
      await c.connect({
        host: s.host,
        port: s.port,
        username: s.username,
        password: s.password,
        privateKey: s.privateKeyPath ? readFileSync(s.privateKeyPath) : undefined,
        // A box on a busy WAN (or under load) can take long to finish the key exchange: allow
        // 30 s and one more try before the run is failed.
        readyTimeout: 30_000,
        retries: 1,
        hostVerifier: (key: Buffer) => {
          offered = sshFingerprint(key);
          return offered === s.hostKeySha256;
        },
      } as SftpClient.ConnectOptions);
    } catch (err) {
      await c.end().catch(() => undefined);
      if (offered && offered !== s.hostKeySha256) {
        throw new SftpError('host-key', `SFTP host key of ${s.host} is ${offered}, not the configured ${s.hostKeySha256}; refusing to connect`, `SFTP 服务器 ${s.host} 的主机密钥为 ${offered}，与配置的 ${s.hostKeySha256} 不符，拒绝连接`);
      }
      throw failed('connect', 'connect', err);
    }
    const conn = new SftpConnection(s, c);
    try {
      await conn.ensureDir(s.path);
    } catch (err) {
      await conn.close();
      throw err;
    }
    return conn;
  }

  /** `name` below the settings' folder. */
  remote(name: string): string {
    return posix.join(this.settings.path, name);
  }

  /** Creates a remote folder and its parents when missing. */
  async ensureDir(path: string): Promise<void> {
    try {
      if (!(await this.client.exists(path))) await this.client.mkdir(path, true);
    } catch (err) {
      throw failed('upload', `mkdir ${path}`, err);
    }
  }

  /**
   * Writes `bytes` to `path` durably: `<path>.partial` through a raw handle with up to 4 writes in
   * flight (SFTP acknowledges each write, so one at a time is latency-bound), fsync@openssh.com
   * where offered, then posix-rename@openssh.com (plain SFTP rename refuses to overwrite).
   * On failure the partial file is removed. Returns the byte count.
   */
  async writeDurable(path: string, bytes: AsyncIterable<Buffer>): Promise<number> {
    const raw = (this.client as unknown as { sftp: SFTPWrapper }).sftp;
    const partial = `${path}.partial`;
    let handle: Buffer;
    try {
      handle = await call<Buffer>((cb) => raw.open(partial, 'w', { mode: 0o600 }, cb));
    } catch (err) {
      throw failed('upload', `open ${partial}`, err);
    }
    let pos = 0;
    try {
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
      await this.client.delete(partial, true).catch(() => undefined);
      throw err instanceof SftpError ? err : failed('upload', 'upload', err);
    }
    try {
      await call<void>((cb) => raw.close(handle, cb));
      await this.client.posixRename(partial, path);
    } catch (err) {
      throw failed('rename', 'rename', err);
    }
    return pos;
  }

  /** Size of a remote file, or undefined when it does not exist. */
  async size(path: string): Promise<number | undefined> {
    const st = await this.client.stat(path).catch(() => undefined);
    return st?.size;
  }

  /** Reads a remote file back in 64 KiB pieces. */
  async *read(path: string): AsyncIterable<Buffer> {
    const s = this.client.createReadStream(path, { highWaterMark: 64 * 1024 } as never) as Readable;
    try {
      for await (const b of s) yield b as Buffer;
    } finally {
      // After 'end' the stream still closes its remote handle: wait for that, so a connection
      // ended right after reading does not fail the close request as an unhandled 'error'.
      s.on('error', () => undefined);
      if (!s.closed) await new Promise((r) => s.once('close', r));
    }
  }

  /** SHA-256 (hex) of a remote file as the server returns it: read back, not what was sent. */
  async sha256(path: string): Promise<string> {
    const h = createHash('sha256');
    try {
      for await (const b of this.read(path)) h.update(b);
    } catch (err) {
      throw failed('read', `read ${path}`, err);
    }
    return h.digest('hex');
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
