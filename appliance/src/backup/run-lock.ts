import { open, readFile, unlink } from 'node:fs/promises';
import { BackupError } from './errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One backup/restore at a time across processes (mgmt, CLI). The lock file holds the owner's pid;
 * a lock whose pid is gone (a run killed with -9) is taken over. Not the config lock: that one
 * treats any lock older than 10 s as stale, and a backup runs for minutes.
 */
export async function acquireRunLock(path: string): Promise<{ release(): Promise<void>; tookOver: boolean }> {
  let tookOver = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return { tookOver, release: () => unlink(path).catch(() => undefined) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number(await readFile(path, 'utf8').catch(() => ''));
    if (pid > 0 && alive(pid) && pid !== process.pid) {
      throw new BackupError('BUSY', `another backup or restore is running (process ${pid}); try again when it has finished`, `另一个备份或恢复任务正在运行（进程 ${pid}），请稍后再试`);
    }
    if (pid === process.pid) throw new BackupError('BUSY', 'a backup or restore is already running', '已有备份或恢复任务正在运行');
    await unlink(path).catch(() => undefined);
    tookOver = true;
  }
  throw new BackupError('BUSY', 'could not take the backup lock', '无法获取备份锁');
}
