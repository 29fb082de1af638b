/**
 * Entry point of the `pbx` process (pm2 runs it). Starts the service, reloads config on
 * SIGHUP, and on SIGINT/SIGTERM ends calls and closes cleanly before exiting.
 */
import { moduleLogger } from '../log.ts';
import { runService } from '../service-main.ts';
import { PbxService } from './pbx-service.ts';

await runService('pbx', moduleLogger('pbx.main'), () => PbxService.start());
