// What the host-health probes beyond systeminformation's basics report (issue 8): time
// synchronisation, disks (SMART), software RAID, hardware sensors, network interfaces. Part of
// MonitorSnapshot (`health`); served as HOTLINE-MIB's hlHealth subtree.

/** Clock synchronisation as far as it can be read here; `unknown` is a state, not an error. */
export interface TimeSyncState {
  state: 'synchronized' | 'unsynchronized' | 'unknown';
  /** Who said so: chrony (`chronyc tracking`), systemd's timedated (`timedatectl show`), or nobody. */
  source: 'chrony' | 'timedatectl' | 'none';
  /** System clock minus the reference, seconds (chrony only); null when not known. */
  offsetSec: number | null;
  /** The time server in use (chrony), when known. */
  server?: string;
}

/** One Linux software RAID array (md), from /proc/mdstat. */
export interface RaidArray {
  name: string;
  /** raid1, raid5, raid10, raid0, linear… */
  level: string;
  state: 'clean' | 'degraded' | 'rebuilding' | 'inactive';
  /** Member slots of the array, and how many are in sync ([n/m] of mdstat); equal for levels without redundancy. */
  devices: number;
  activeDevices: number;
  /** Members marked (F)aulty. */
  failedMembers: string[];
  /** recovery/resync progress, percent, while one runs. */
  rebuildPercent?: number;
}

/** One disk's SMART health (smartctl --json). */
export interface DiskHealth {
  /** Kernel name: sda, nvme0n1. */
  name: string;
  model: string;
  health: 'passed' | 'failed' | 'unknown';
  temperatureC: number | null;
  /** ATA attribute 5 (Reallocated_Sector_Ct) raw value, or NVMe media errors; null when the disk does not report it. */
  reallocatedSectors: number | null;
  powerOnHours: number | null;
}

/** One hwmon temperature or fan input. */
export interface SensorReading {
  /** `<chip>/<label>`, e.g. `coretemp/Package id 0`, `nct6775/fan2`. */
  name: string;
  kind: 'temperature' | 'fan';
  /** °C for a temperature, rpm for a fan. */
  value: number;
  /** The driver's own limit: tempN_crit (or _max) for a temperature, fanN_min for a fan; null when it has none. */
  limit: number | null;
}

/** One network interface from /sys/class/net. */
export interface InterfaceState {
  name: string;
  /** Administratively up (IFF_UP): configured to be in use. */
  adminUp: boolean;
  /** The kernel's operstate: up, down, lowerlayerdown, dormant, unknown… */
  operState: string;
  /** Carrier (cable, link partner); null when the driver cannot tell (interface down, virtual). */
  carrier: boolean | null;
  /** Link speed, Mbit/s; null when unknown. */
  speedMbps: number | null;
  rxErrors: number;
  txErrors: number;
  rxDropped: number;
  txDropped: number;
}

/** An interface configured up whose link is gone: cable out, switch port down. */
export function linkDown(i: InterfaceState): boolean {
  return i.adminUp && (i.operState === 'down' || i.operState === 'lowerlayerdown' || i.carrier === false);
}

/** Everything above, each part filled by its probe (empty / unknown until it has answered). */
export interface HealthState {
  time: TimeSyncState;
  raid: RaidArray[];
  disks: DiskHealth[];
  sensors: SensorReading[];
  interfaces: InterfaceState[];
}

/** What the health part reads before any probe answered, or where none applies. */
export function emptyHealth(): HealthState {
  return { time: { state: 'unknown', source: 'none', offsetSec: null }, raid: [], disks: [], sensors: [], interfaces: [] };
}
