/**
 * Entry point of the `monitor` process (pm2 runs it): health probes, alarms, the SNMP agent
 * and its traps. SIGHUP reloads the configuration; SIGINT/SIGTERM close the agent cleanly. It
 * runs nicer than the telephony processes (cpu-priority.ts).
 */
import { moduleLogger } from '../log.ts';
import { runService } from '../service-main.ts';
import { lowerCpuPriority } from './cpu-priority.ts';
import { MonitorService } from './monitor-service.ts';

const log = moduleLogger('monitor.main');
lowerCpuPriority(log);
await runService('monitor', log, () => MonitorService.start());
