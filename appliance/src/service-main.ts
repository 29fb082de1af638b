import type { Logger } from './log.ts';

/** What a long-running service offers its entry point. */
export interface RunnableService {
  /** Ends calls and closes cleanly. */
  stop(): Promise<void>;
  /** Re-reads the configuration; rejects (and keeps the running one) when the file is invalid. */
  reloadConfig(): Promise<unknown>;
}

/**
 * The lifecycle every service process shares under pm2: start or exit 1 with the reason on
 * stderr; SIGHUP reloads the configuration; SIGINT/SIGTERM stop cleanly, and a stop that
 * hangs is cut off after `killAfterMs` (pm2's kill_timeout is the outer bound).
 */
export async function runService(name: string, log: Logger, start: () => Promise<RunnableService>, killAfterMs = 5000): Promise<void> {
  let service: RunnableService;
  try {
    service = await start();
  } catch (err) {
    log.fatal({ err }, `${name} could not start`);
    console.error(`${name} could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    setTimeout(() => process.exit(1), killAfterMs).unref();
    await service.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => {
    service.reloadConfig().catch((err) => log.error({ err: (err as Error).message }, 'config reload refused; the running configuration stays'));
  });
}
