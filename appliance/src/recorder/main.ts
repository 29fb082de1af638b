/**
 * Entry point of the `recorder` process (pm2 runs it through appliance/bin/recorder.mjs):
 * the SIPREC recording server. SIGINT/SIGTERM end the sessions with BYE and close every
 * file properly; a kill -9 is repaired at the next start.
 */
import { moduleLogger } from '../log.ts';
import { runService } from '../service-main.ts';
import { RecorderService } from './recorder-service.ts';

await runService('recorder', moduleLogger('recorder.main'), async () => {
  const service = await RecorderService.start();
  // Settings come from the environment (settings.ts): a reload means a restart.
  return { stop: () => service.stop(), reloadConfig: async () => ({ restartRequired: true }) };
});
