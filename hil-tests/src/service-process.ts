// One Hotline service as a child process for interop tests: the same entry point and
// environment conventions pm2 uses, output kept for failure messages, and a stop that
// always ends (SIGTERM, then SIGKILL after 10 s).
import { spawn } from 'node:child_process';
import { REPO_ROOT } from './paths.ts';

/** A running service under test. */
export interface ServiceProcess {
  /** stdout and stderr so far (pino JSON lines), the last megabyte or two. */
  output(): string;
  /** True while the process runs. */
  running(): boolean;
  /** Exit code and signal, for messages. */
  exitInfo(): string;
  /** SIGTERM, wait for exit (SIGKILL after 10 s); idempotent. */
  stop(): Promise<void>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
}

/** Spawns `node [nodeArgs] --import tsx <main>` from the repository root with `env` added. */
export function spawnService(main: string, env: Record<string, string>, nodeArgs: string[] = []): ServiceProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', main], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'test', HOTLINE_LOG_LEVEL: process.env.HOTLINE_LOG_LEVEL ?? 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => {
    output += d.toString('utf8');
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    output: () => output,
    running,
    exitInfo: () => `code ${child.exitCode}, signal ${child.signalCode}`,
    async stop() {
      if (!running()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Polls `probe` (a control-API call) until it answers, while watching the process: fails
 * at once with its output if it exits, or after `timeoutMs` with the last error.
 */
export async function waitUntilAnswering<T>(proc: ServiceProcess, name: string, probe: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (!proc.running()) throw new Error(`${name} exited during start (${proc.exitInfo()})\n${proc.output().slice(-5000)}`);
    if (Date.now() > deadline) {
      await proc.kill();
      throw new Error(`${name} control API did not answer within ${timeoutMs} ms: ${String(lastError)}\n${proc.output().slice(-5000)}`);
    }
    try {
      return await probe();
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
