import { open, stat, unlink } from 'node:fs/promises';
import { ConfigLockedError } from './errors.ts';

/** Options of `acquireLock`; the clock and sleep are injectable for tests. */
export interface LockOptions {
  /** A lock older than this is considered left behind by a dead writer and is broken. Default 10 s. */
  staleMs?: number;
  /** How long to keep trying before ConfigLockedError. Default 11 s: past the stale age, so a lock left by a dead writer is always broken rather than reported. */
  timeoutMs?: number;
  /** Pause between attempts. Default 25 ms. */
  retryMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A held lock; `release()` removes the lock file. */
export interface LockHandle {
  readonly path: string;
  release(): Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Takes an exclusive lock by creating `path` with O_CREAT|O_EXCL, which the kernel makes atomic
 * between processes. The file holds the owner's pid and time for whoever investigates. A lock
 * whose mtime is older than `staleMs` is removed: a writer holds it for milliseconds, so an old
 * one means its owner died between taking and releasing it.
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<LockHandle> {
  const staleMs = options.staleMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 11_000;
  const retryMs = options.retryMs ?? 25;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const deadline = now() + timeoutMs;
  for (;;) {
    try {
      const fh = await open(path, 'wx', 0o640);
      try {
        await fh.writeFile(JSON.stringify({ pid: process.pid, at: new Date(now()).toISOString() }) + '\n');
      } finally {
        await fh.close();
      }
      let released = false;
      return {
        path,
        async release() {
          if (released) return;
          released = true;
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const info = await stat(path).catch(() => undefined);
    if (info && now() - info.mtimeMs > staleMs) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (now() >= deadline) throw new ConfigLockedError(path);
    await sleep(retryMs);
  }
}

/** Runs `fn` while holding the lock at `path`, releasing it whatever happens. */
export async function withLock<T>(path: string, fn: () => Promise<T>, options?: LockOptions): Promise<T> {
  const lock = await acquireLock(path, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
