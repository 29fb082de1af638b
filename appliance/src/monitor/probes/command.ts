import { execFile } from 'node:child_process';

/**
 * Runs a read-only system tool (timedatectl, chronyc, smartctl) with a short timeout. Resolves
 * with its output even when it exits non-zero (smartctl's exit status is a bit mask of findings,
 * not a failure); undefined when the tool is not installed or could not run at all.
 */
export function runCommand(file: string, args: string[], timeoutMs = 5000): Promise<{ code: number; stdout: string; stderr: string } | undefined> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      const e = err as (Omit<NodeJS.ErrnoException, 'code'> & { code?: string | number; killed?: boolean }) | null;
      if (e && (typeof e.code !== 'number' || e.killed)) return resolve(undefined);
      resolve({ code: typeof e?.code === 'number' ? e.code : 0, stdout, stderr });
    });
  });
}
