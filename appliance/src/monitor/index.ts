/** Health monitor and SNMP agent (issue 8): alarms paired and stored, probes, HOTLINE-MIB. */
export { AlarmManager, type AlarmEvent } from './alarm-manager.ts';
export { Monitor, type MonitorDeps } from './monitor.ts';
export { MonitorService, type MonitorStatus, type MonitorServiceOptions } from './monitor-service.ts';
export type { MonitorSnapshot, HostState, ServiceRow, CardRow, PortRow, TrunkRow, CallRow, QueueRow, AgentRow, GatewayRow } from './snapshot.ts';
export { GatewayReader, readGateway, netSnmpManager, type GatewayReading, type SnmpManager, type SnmpManagerFactory } from './probes/gateway-probe.ts';
export { SERVICE_INDEX, notYetMonitored } from './snapshot.ts';
export { syntheticSnapshot, type SyntheticSize } from './synthetic-snapshot.ts';
export { SnmpAgent, type AgentCounters } from './snmp/agent.ts';
export { MibView, type MibPart } from './snmp/mib-builder.ts';
export { hotlineMib, HL_ENUMS } from './snmp/hotline-mib.ts';
export { hostResourcesMib, systemGroup } from './snmp/standard-mibs.ts';
export { TrapSender, alarmTrap } from './snmp/traps.ts';
export { MIB_DIR, MIB_FILE } from './snmp/mib-path.ts';
export { HOTLINE_ENTERPRISE_OID, HL_ALARM_RAISED, HL_ALARM_CLEARED } from './snmp/oids.ts';
export { lowerCpuPriority, DEFAULT_MONITOR_NICE } from './cpu-priority.ts';
