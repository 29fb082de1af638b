/**
 * Entry point of the `pbx` process (pm2 runs it). Starts the service, reloads config on
 * SIGHUP, and on SIGINT/SIGTERM ends calls and closes cleanly before exiting.
 */
import { moduleLogger } from '../log.ts';
import { PbxService } from './pbx-service.ts';

const log = moduleLogger('pbx.main');

let service: PbxService;
try {
  service = await PbxService.start();
} catch (err) {
  log.fatal({ err }, 'pbx could not start');
  console.error(`pbx could not start: ${(err as Error).message}`);
  process.exit(1);
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  const force = setTimeout(() => process.exit(1), 5000);
  force.unref();
  await service.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => {
  service.reloadConfig().catch((err) => log.error({ err: (err as Error).message }, 'config reload refused; the running configuration stays'));
});
