/** Alarms each service derives from its state (see alarm.ts). */
export { sortAlarms, type Alarm, type AlarmSeverity } from './alarm.ts';
export { trunkAlarms } from './trunk-alarms.ts';
