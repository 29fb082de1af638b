/**
 * Entry point of the `analog` process (pm2 runs it): the analog gateway in front of the
 * telephony cards. Reloads config on SIGHUP; on SIGINT/SIGTERM ends calls, unregisters the
 * FXS phones and closes the card before exiting.
 */
import { moduleLogger } from '../log.ts';
import { runService } from '../service-main.ts';
import { AnalogService } from './analog-service.ts';
import { createGateway } from './gateway.ts';

await runService('analog gateway', moduleLogger('analog.main'), () =>
  AnalogService.start({ gateway: createGateway, simulatorLibrary: process.env.HOTLINE_SIMULATOR_LIBRARY }));
