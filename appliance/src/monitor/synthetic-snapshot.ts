import { notYetMonitored, type MonitorSnapshot } from './snapshot.ts';

/** Sizes of a synthetic snapshot. */
export interface SyntheticSize {
  calls: number;
  agents: number;
  queues?: number;
  ports?: number;
  trunks?: number;
  alarms?: number;
  gateways?: number;
}

/**
 * A busy appliance as the monitor would see it: the fake source of `npm run bench:snmp` and of
 * the MIB tests (the ACD that fills queues and agents has not landed yet).
 */
export function syntheticSnapshot(size: SyntheticSize, now = Date.now()): MonitorSnapshot {
  const queues = size.queues ?? 8;
  const agentStates = ['available', 'onCall', 'notReady', 'wrapUp', 'ringing', 'loggedOut'] as const;
  return {
    at: now,
    product: { name: 'Hotline', version: '0.1.0', site: '供水热线 Water hotline', configVersion: 7 },
    services: [
      { name: 'pbx', state: 'running', startedAt: now - 3_600_000 },
      { name: 'mgmt', state: 'running' },
      { name: 'analog', state: 'running', startedAt: now - 3_500_000 },
      { name: 'monitor', state: 'running', startedAt: now - 3_600_000 },
      { name: 'recorder', state: 'notConfigured' },
    ],
    host: {
      cpuLoadPercent: 37.5, coreLoadPercent: [40, 35], memTotalBytes: 8 * 2 ** 30, memUsedBytes: 3 * 2 ** 30, swapTotalBytes: 2 ** 30, swapUsedBytes: 0,
      filesystems: [
        { mount: '/', device: '/dev/sda1', type: 'ext4', sizeBytes: 50 * 2 ** 30, usedBytes: 20 * 2 ** 30 },
        { mount: '/var/lib/hotline', device: '/dev/sdb1', type: 'ext4', sizeBytes: 2 * 2 ** 40, usedBytes: 2 ** 40 },
      ],
      temperatureC: 52.5, processes: 3, uptimeSec: 86_400,
      processList: [
        { pid: 1, name: 'systemd', path: '/sbin/init', args: '', kernel: false, state: 'S', cpuCs: 1200, memKiB: 12_000 },
        { pid: 2, name: 'kthreadd', path: '', args: '', kernel: true, state: 'S', cpuCs: 0, memKiB: 0 },
        { pid: 4242, name: 'node', path: '/usr/bin/node', args: 'appliance/bin/pbx.mjs', kernel: false, state: 'R', cpuCs: 98_000, memKiB: 180_000 },
      ],
    },
    cards: [{ name: 'span1', driver: 'simulator', state: 'open', alarm: 'none', ports: size.ports ?? 8 }],
    ports: Array.from({ length: size.ports ?? 8 }, (_, i) => ({
      port: i + 1, card: 'span1', kind: i % 2 === 0 ? 'FXS' as const : 'FXO' as const, state: i % 3 === 0 ? 'connected' : 'idle', alarm: 'none' as const,
      extension: i % 2 === 0 ? String(2001 + i) : '', group: i % 2 === 0 ? '' : 'pstn',
    })),
    trunks: Array.from({ length: size.trunks ?? 2 }, (_, i) => ({
      name: `carrier-${i + 1}`, peer: `192.0.2.${i + 1}:5060`, state: 'up' as const, registration: 'registered' as const, since: now - 600_000,
    })),
    registrations: size.agents,
    calls: Array.from({ length: size.calls }, (_, i) => ({ index: i + 1, callee: String(1000 + (i % 2000)), state: i % 5 === 0 ? 'ringing' as const : 'answered' as const, startedAt: now - i * 1000 })),
    ...notYetMonitored(),
    queues: Array.from({ length: queues }, (_, i) => ({
      name: `queue-${i + 1}`, waiting: i, longestWaitSec: 10 * i, agentsLoggedIn: Math.floor(size.agents / queues), agentsAvailable: 3, answered: 1000 + i, abandoned: 20 + i, serviceLevelPercent: 85,
    })),
    agents: Array.from({ length: size.agents }, (_, i) => ({
      number: 10001 + i, extension: String(1000 + i), state: agentStates[i % agentStates.length]!, since: now - i * 500, answered: i % 50,
    })),
    health: {
      time: { state: 'synchronized', source: 'chrony', offsetSec: -0.000_123, server: 'ntp.example.com' },
      raid: [{ name: 'md0', level: 'raid1', state: 'rebuilding', devices: 2, activeDevices: 1, failedMembers: [], rebuildPercent: 17.5 }],
      disks: [
        { name: 'sda', model: 'Samsung SSD 860 EVO 500GB', health: 'passed', temperatureC: 31, reallocatedSectors: 0, powerOnHours: 12_345 },
        { name: 'sdb', model: '', health: 'unknown', temperatureC: null, reallocatedSectors: null, powerOnHours: null },
      ],
      sensors: [
        { name: 'coretemp/Package id 0', kind: 'temperature', value: 52.5, limit: 100 },
        { name: 'nct6775/fan2', kind: 'fan', value: 1250, limit: null },
      ],
      interfaces: [
        { name: 'eth0', adminUp: true, operState: 'up', carrier: true, speedMbps: 1000, rxErrors: 3, txErrors: 0, rxDropped: 12, txDropped: 0 },
        { name: 'eth1', adminUp: true, operState: 'down', carrier: false, speedMbps: null, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 },
      ],
    },
    gateways: Array.from({ length: size.gateways ?? 2 }, (_, i) => ({
      index: i + 1, name: `gw-${i + 1}`, address: `192.0.2.${20 + i}:161`, state: i === 1 ? 'unreachable' as const : 'reachable' as const,
      uptimeSec: i === 1 ? 0 : 86_400, lastAnswerAt: now - (i === 1 ? 120_000 : 5_000),
      ports: Array.from({ length: 8 }, (_, p) => ({ port: String(p + 1), value: p === 7 ? 2 : 1, up: p !== 7 })),
    })),
    alarms: Array.from({ length: size.alarms ?? 2 }, (_, i) => ({
      seq: i + 1, id: `trunk-down:carrier-x${i}`, scope: 'pbx', severity: 'major' as const, source: `pbx/trunk/carrier-x${i}`,
      text: { en: `Trunk carrier-x${i} does not answer`, zh: `中继 carrier-x${i} 无响应` }, raisedAt: now - 60_000,
    })),
  };
}
