import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Points in an atomic write where a test can inject a failure (a simulated crash). */
export interface AtomicWriteHooks {
  /** Called after the temp file is written and fsynced, before it is renamed over the target. */
  beforeRename?(tempPath: string): void | Promise<void>;
}

/**
 * Replaces `path` with `data` so that a reader, or the file after a power cut, sees either the
 * old content or the new one, never a mix: write a temp file in the same directory (rename is
 * only atomic within one file system), fsync it, rename it over the target, fsync the directory
 * so the rename itself is durable (rename(2) alone leaves the directory entry in the page cache).
 */
export async function atomicWriteFile(path: string, data: string | Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(temp, 'wx', 0o640);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await hooks.beforeRename?.(temp);
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/** fsyncs a directory so that entries created or renamed in it survive a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
