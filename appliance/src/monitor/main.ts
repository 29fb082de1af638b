/**
 * Entry point of the `monitor` process (pm2 runs it): health probes, alarms, the SNMP agent
 * and its traps. SIGHUP reloads the configuration; SIGINT/SIGTERM close the agent cleanly.
 */
import { moduleLogger } from '../log.ts';
import { runService } from '../service-main.ts';
import { MonitorService } from './monitor-service.ts';

await runService('monitor', moduleLogger('monitor.main'), () => MonitorService.start());
