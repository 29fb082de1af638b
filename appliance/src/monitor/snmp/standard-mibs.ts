import type { HostState } from '../snapshot.ts';
import { HOST_RESOURCES, HOTLINE_ENTERPRISE_OID, MIB2_SYSTEM } from './oids.ts';
import { i32, u32, utf8, type MibData, type MibModule, type MibValue, type TableDef } from './mib-model.ts';

/** What the system group says about the box (RFC 3418 §2). */
export interface SystemInfo {
  descr: string;
  name: string;
  contact: string;
  location: string;
  /** Epoch ms the agent started: sysUpTime counts from here. */
  agentStartedAt: number;
}

/** MIB-2 system group (SNMPv2-MIB, RFC 3418): sysUpTime is computed per request, the rest per poll. */
export function systemGroup(now: () => number = Date.now): MibModule<SystemInfo> {
  let startedAt = now();
  return {
    scalars: [
      { name: 'sysDescr', oid: `${MIB2_SYSTEM}.1`, syntax: 'OctetString' },
      { name: 'sysObjectID', oid: `${MIB2_SYSTEM}.2`, syntax: 'OID' },
      // TimeTicks are hundredths of a second (RFC 2578 §7.1.8) and wrap at 2^32.
      { name: 'sysUpTime', oid: `${MIB2_SYSTEM}.3`, syntax: 'TimeTicks', live: () => Math.floor((now() - startedAt) / 10) % 0x100000000 },
      { name: 'sysContact', oid: `${MIB2_SYSTEM}.4`, syntax: 'OctetString' },
      { name: 'sysName', oid: `${MIB2_SYSTEM}.5`, syntax: 'OctetString' },
      { name: 'sysLocation', oid: `${MIB2_SYSTEM}.6`, syntax: 'OctetString' },
      { name: 'sysServices', oid: `${MIB2_SYSTEM}.7`, syntax: 'Integer32' },
    ],
    tables: [],
    values(info: SystemInfo): MibData {
      startedAt = info.agentStartedAt;
      return {
        scalars: new Map<string, MibValue>([
          ['sysDescr', utf8(info.descr)],
          ['sysObjectID', HOTLINE_ENTERPRISE_OID],
          ['sysContact', utf8(info.contact)],
          ['sysName', utf8(info.name)],
          ['sysLocation', utf8(info.location)],
          // Layers 4 (end-to-end) and 7 (applications): 8 + 64 (RFC 3418 sysServices).
          ['sysServices', 72],
        ]),
        tables: new Map(),
      };
    },
  };
}

const HR_STORAGE_TYPES = `${HOST_RESOURCES}.2.1`;
const HR_STORAGE_RAM = `${HR_STORAGE_TYPES}.2`;
const HR_STORAGE_VIRTUAL_MEMORY = `${HR_STORAGE_TYPES}.3`;
const HR_STORAGE_FIXED_DISK = `${HR_STORAGE_TYPES}.4`;
const HR_STORAGE_NETWORK_DISK = `${HR_STORAGE_TYPES}.10`;
const HR_DEVICE_PROCESSOR = `${HOST_RESOURCES}.3.1.3`;
/** hrDeviceIndex of the first processor, as Debian's snmpd numbers them (type 3 << 16). */
const FIRST_PROCESSOR_INDEX = 196608;
/** hrStorageIndex of the first file system, after RAM (1) and swap (3), as snmpd numbers them. */
const FIRST_FILESYSTEM_INDEX = 31;

const hrStorageTable: TableDef = {
  name: 'hrStorageTable', entryOid: `${HOST_RESOURCES}.2.3.1`,
  // hrStorageIndex is read-only in HOST-RESOURCES-MIB (an SMIv1-era table), so it is served.
  index: { number: 1, name: 'hrStorageIndex', syntax: 'Integer32', readable: true },
  columns: [
    { number: 2, name: 'hrStorageType', syntax: 'OID' },
    { number: 3, name: 'hrStorageDescr', syntax: 'OctetString' },
    { number: 4, name: 'hrStorageAllocationUnits', syntax: 'Integer32' },
    { number: 5, name: 'hrStorageSize', syntax: 'Integer32' },
    { number: 6, name: 'hrStorageUsed', syntax: 'Integer32' },
    { number: 7, name: 'hrStorageAllocationFailures', syntax: 'Counter32' },
  ],
};

const hrDeviceTable: TableDef = {
  name: 'hrDeviceTable', entryOid: `${HOST_RESOURCES}.3.2.1`,
  index: { number: 1, name: 'hrDeviceIndex', syntax: 'Integer32', readable: true },
  columns: [
    { number: 2, name: 'hrDeviceType', syntax: 'OID' },
    { number: 3, name: 'hrDeviceDescr', syntax: 'OctetString' },
    { number: 4, name: 'hrDeviceID', syntax: 'OID' },
    { number: 5, name: 'hrDeviceStatus', syntax: 'Integer32' },
    { number: 6, name: 'hrDeviceErrors', syntax: 'Counter32' },
  ],
};

// hrProcessorTable is indexed by hrDeviceIndex (of hrDeviceTable); the index is carried as a
// not-accessible column here because net-snmp wants an index column in each table.
const hrProcessorTable: TableDef = {
  name: 'hrProcessorTable', entryOid: `${HOST_RESOURCES}.3.3.1`,
  index: { number: 99, name: 'hrProcessorDeviceIndex', syntax: 'Integer32' },
  columns: [
    { number: 1, name: 'hrProcessorFrwID', syntax: 'OID' },
    { number: 2, name: 'hrProcessorLoad', syntax: 'Integer32' },
  ],
};

const hrSWRunTable: TableDef = {
  name: 'hrSWRunTable', entryOid: `${HOST_RESOURCES}.4.2.1`,
  index: { number: 1, name: 'hrSWRunIndex', syntax: 'Integer32', readable: true },
  columns: [
    { number: 2, name: 'hrSWRunName', syntax: 'OctetString' },
    { number: 3, name: 'hrSWRunID', syntax: 'OID' },
    { number: 4, name: 'hrSWRunPath', syntax: 'OctetString' },
    { number: 5, name: 'hrSWRunParameters', syntax: 'OctetString' },
    { number: 6, name: 'hrSWRunType', syntax: 'Integer32' },
    { number: 7, name: 'hrSWRunStatus', syntax: 'Integer32' },
  ],
};

// hrSWRunPerfTable AUGMENTS hrSWRunEntry: same index (the pid), carried as a not-accessible column.
const hrSWRunPerfTable: TableDef = {
  name: 'hrSWRunPerfTable', entryOid: `${HOST_RESOURCES}.5.1.1`,
  index: { number: 99, name: 'hrSWRunPerfIndex', syntax: 'Integer32' },
  columns: [
    { number: 1, name: 'hrSWRunPerfCPU', syntax: 'Integer32' },
    { number: 2, name: 'hrSWRunPerfMem', syntax: 'Integer32' },
  ],
};

/** hrSWRunType: operatingSystem(2) for kernel threads, application(4) otherwise. */
const SW_RUN_TYPE = { operatingSystem: 2, application: 4 };

/** hrSWRunStatus from the proc(5) state letter: running(1), runnable(2), notRunnable(3), invalid(4). */
function swRunStatus(state: string): number {
  if (state === 'R') return 1;
  if (state === 'S' || state === 'I') return 2;
  if (state === 'Z' || state === 'X') return 4;
  return 3; // D (disk wait), T/t (stopped), W, P
}

/** Allocation unit of file systems in hrStorageTable: 4 KiB keeps a 8 TiB disk inside Integer32. */
const FS_UNIT = 4096;
const MEM_UNIT = 1024;

/**
 * The HOST-RESOURCES-MIB objects an NMS's host template reads (RFC 2790): hrSystemUptime,
 * hrSystemProcesses, hrMemorySize, hrStorageTable (RAM, swap, file systems), hrDeviceTable and
 * hrProcessorTable (load per core), hrSWRunTable and hrSWRunPerfTable (running processes). Served by the agent itself, not by snmpd over AgentX: see
 * docs/monitor-snmp.md.
 */
export const hostResourcesMib: MibModule<HostState> = {
  scalars: [
    { name: 'hrSystemUptime', oid: `${HOST_RESOURCES}.1.1`, syntax: 'TimeTicks' },
    { name: 'hrSystemProcesses', oid: `${HOST_RESOURCES}.1.6`, syntax: 'Gauge32' },
    { name: 'hrMemorySize', oid: `${HOST_RESOURCES}.2.2`, syntax: 'Integer32' },
  ],
  tables: [hrStorageTable, hrDeviceTable, hrProcessorTable, hrSWRunTable, hrSWRunPerfTable],
  values(h: HostState): MibData {
    const storage: MibValue[][] = [
      [1, HR_STORAGE_RAM, utf8('Physical memory'), MEM_UNIT, i32(h.memTotalBytes / MEM_UNIT, 0), i32(h.memUsedBytes / MEM_UNIT, 0), 0],
      [3, HR_STORAGE_VIRTUAL_MEMORY, utf8('Swap space'), MEM_UNIT, i32(h.swapTotalBytes / MEM_UNIT, 0), i32(h.swapUsedBytes / MEM_UNIT, 0), 0],
    ];
    h.filesystems.forEach((f, i) => {
      const type = /^(nfs|cifs|smb)/.test(f.type) ? HR_STORAGE_NETWORK_DISK : HR_STORAGE_FIXED_DISK;
      storage.push([FIRST_FILESYSTEM_INDEX + i, type, utf8(f.mount), FS_UNIT, i32(f.sizeBytes / FS_UNIT, 0), i32(f.usedBytes / FS_UNIT, 0), 0]);
    });
    const devices = h.coreLoadPercent.map((_, i) => [FIRST_PROCESSOR_INDEX + i, HR_DEVICE_PROCESSOR, utf8(`CPU ${i}`), '0.0', 2, 0]);
    const processors = h.coreLoadPercent.map((load, i) => [FIRST_PROCESSOR_INDEX + i, '0.0', i32(load, 0, 100)]);
    return {
      scalars: new Map<string, MibValue>([
        ['hrSystemUptime', u32(h.uptimeSec * 100) % 0x100000000],
        ['hrSystemProcesses', u32(h.processes)],
        ['hrMemorySize', i32(h.memTotalBytes / 1024, 0)],
      ]),
      tables: new Map([
        ['hrStorageTable', storage], ['hrDeviceTable', devices], ['hrProcessorTable', processors],
        // InternationalDisplayString sizes of RFC 2790: name 64, path and parameters 128 octets.
        ['hrSWRunTable', h.processList.map((p) => [
          i32(p.pid, 1), utf8(p.name, 64), '0.0', utf8(p.path, 128), utf8(p.args, 128),
          p.kernel ? SW_RUN_TYPE.operatingSystem : SW_RUN_TYPE.application, swRunStatus(p.state),
        ])],
        ['hrSWRunPerfTable', h.processList.map((p) => [i32(p.pid, 1), i32(p.cpuCs, 0), i32(p.memKiB, 0)])],
      ]),
    };
  },
};
