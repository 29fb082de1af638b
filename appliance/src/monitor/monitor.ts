import { analogSettings, devicesSettings, gatewaySettings, monitorSettings, type GatewaySettings, type HotlineConfig, type RoomSensorSettings } from '../config/index.ts';
import type { AnalogStatus } from '../analog/analog-status.ts';
import type { PbxStatus } from '../control/index.ts';
import type { Logger } from '../log.ts';
import type { AlarmEvent, AlarmManager } from './alarm-manager.ts';
import { hostAlarms } from './probes/host-alarms.ts';
import { serviceAlarms } from './probes/service-alarms.ts';
import { backupAlarms, backupState } from './probes/backup-probe.ts';
import { roomAlarms, roomLinkAlarms, roomState, type RoomReading } from './probes/room-probe.ts';
import { upsAlarms, upsLinkAlarms, upsState, type UpsReading } from './probes/ups-probe.ts';
import { gatewayLinkAlarms, gatewayPortAlarms, gatewayRow, gatewayScopes, type GatewayReading } from './probes/gateway-probe.ts';
import type { BackupHealth } from '../backup/index.ts';
import type { ServiceSources } from './probes/service-probe.ts';
import { notYetMonitored, type GatewayRow, type HostState, type MonitorSnapshot, type ServiceRow } from './snapshot.ts';
import { CallIndexer, cardRows, trunkRows } from './telephony-state.ts';
import { emptyHealth, type DiskHealth, type HealthState, type InterfaceState, type RaidArray, type SensorReading, type TimeSyncState } from './health-state.ts';
import { timeSyncAlarms } from './probes/time-sync-probe.ts';
import { raidAlarms } from './probes/raid-probe.ts';
import { diskAlarms } from './probes/smart-probe.ts';
import { sensorAlarms, trackSpinningFans } from './probes/hwmon-probe.ts';
import { InterfaceErrorRate, interfaceAlarms } from './probes/net-probe.ts';

/** The host-health probes beyond systeminformation (probes/*-probe.ts); each may fail on its own. */
export interface HealthProbes {
  time(): Promise<TimeSyncState>;
  raid(): Promise<RaidArray[]>;
  disks(): Promise<DiskHealth[]>;
  sensors(): Promise<SensorReading[]>;
  interfaces(): Promise<InterfaceState[]>;
}

/** SMART is read at most this often: smartctl takes a while per disk, and disk health changes slowly. */
export const DISK_POLL_MS = 5 * 60_000;

/** What the poller needs from the outside world. */
export interface MonitorDeps {
  host(): Promise<HostState>;
  services: ServiceSources;
  alarms: AlarmManager;
  /** The running configuration and its version. */
  config(): { config: HotlineConfig; version: number };
  productVersion: string;
  /** Epoch ms the monitor process started. */
  startedAt: number;
  log: Logger;
  now?: () => number;
  /** The backup service's health (last run, missed schedules); absent: the backup group reads 'none'. */
  backups?: (config: HotlineConfig, now: number) => Promise<BackupHealth>;
  /** Reads the UPS of `devices.ups` (UpsReader); absent or not configured: the UPS group reads notConfigured. */
  ups?: (device: { port: string; baudRate: number }) => Promise<UpsReading>;
  /** Reads the room sensor of `devices.roomSensor` (RoomSensorReader). */
  room?: (device: RoomSensorSettings) => Promise<RoomReading>;
  /** Time sync, RAID, SMART, hwmon sensors, network interfaces; absent: the health group stays empty/unknown. */
  health?: HealthProbes;
  /** Polls an external gateway of `devices.gateways` over SNMP (GatewayReader); never rejects. */
  gateway?: (gw: GatewaySettings) => Promise<GatewayReading>;
}

const EMPTY_HOST: HostState = {
  cpuLoadPercent: 0, coreLoadPercent: [], memTotalBytes: 0, memUsedBytes: 0, swapTotalBytes: 0, swapUsedBytes: 0, filesystems: [], temperatureC: null, processes: 0, processList: [], uptimeSec: 0,
};

/**
 * One poll of everything the monitor watches: host metrics, the services' status, and from those
 * the alarms (each probe reconciles its own scope, see AlarmManager) and the snapshot the agent
 * serves. A probe that fails leaves its part at "unknown"/"not responding"; a poll never throws.
 */
export class Monitor {
  #snapshot: MonitorSnapshot | undefined;
  #host: HostState = EMPTY_HOST;
  #cpuHighPolls = 0;
  /** The last row of each gateway by name, so an unreachable one keeps the ports of its last answer. */
  #gateways = new Map<string, GatewayRow>();
  readonly #calls = new CallIndexer();
  readonly #health: HealthState = emptyHealth();
  #disksAt = Number.NEGATIVE_INFINITY;
  readonly #spinningFans = new Set<string>();
  readonly #ifErrors = new InterfaceErrorRate();
  readonly #now: () => number;

  constructor(private readonly deps: MonitorDeps) {
    this.#now = deps.now ?? Date.now;
  }

  /** The last poll's snapshot (undefined before the first). */
  get snapshot(): MonitorSnapshot | undefined {
    return this.#snapshot;
  }

  /** Polls once; returns the snapshot and the alarm events it caused. */
  async poll(): Promise<{ snapshot: MonitorSnapshot; events: AlarmEvent[] }> {
    const { config, version } = this.deps.config();
    const settings = monitorSettings(config);
    const analogConfigured = analogSettings(config) !== undefined;
    const fail = (what: string) => (err: unknown) => {
      this.deps.log.debug({ err: (err as Error).message }, `${what} probe failed`);
      return undefined;
    };
    const [host, pbx, analog, mgmt] = await Promise.all([
      this.deps.host().catch(fail('host')),
      this.deps.services.pbx().catch(fail('pbx')) as Promise<PbxStatus | undefined>,
      analogConfigured ? (this.deps.services.analog().catch(fail('analog')) as Promise<AnalogStatus | undefined>) : Promise.resolve(undefined),
      this.deps.services.mgmtAlive().catch(() => false),
    ]);
    const backups = this.deps.backups ? await this.deps.backups(config, this.#now()).catch(fail('backup')) : undefined;
    const devices = devicesSettings(config);
    // Each on its own port, so read side by side (readers never throw: a failure is a reading).
    const gateways = this.deps.gateway ? gatewaySettings(config) : [];
    const [ups, room, gatewayReadings] = await Promise.all([
      devices.ups && this.deps.ups ? this.deps.ups(devices.ups) : undefined,
      devices.roomSensor && this.deps.room ? this.deps.room(devices.roomSensor) : undefined,
      Promise.all(gateways.map((gw) => this.deps.gateway!(gw))),
    ]);
    const now = this.#now();
    const at = new Date(now).toISOString();
    if (host) this.#host = host;
    this.#cpuHighPolls = host && host.cpuLoadPercent >= settings.thresholds.cpuLoadPercent ? this.#cpuHighPolls + 1 : 0;

    const services: ServiceRow[] = [
      running('pbx', pbx !== undefined, ms(pbx?.startedAt)),
      running('mgmt', mgmt, undefined),
      analogConfigured ? running('analog', analog !== undefined, ms(analog?.startedAt)) : { name: 'analog', state: 'notConfigured' },
      { name: 'monitor', state: 'running', startedAt: this.deps.startedAt },
      { name: 'recorder', state: 'notConfigured' },
    ];

    const events: AlarmEvent[] = [];
    const alarms = this.deps.alarms;
    if (host) events.push(...alarms.reconcile('host', hostAlarms(host, settings.thresholds, this.#cpuHighPolls, at)));
    events.push(...alarms.reconcile('services', serviceAlarms(services, at)));
    if (pbx) events.push(...alarms.reconcile('pbx', pbx.alarms ?? []));
    // No card configured any more: whatever the gateway reported before is over.
    if (analog || !analogConfigured) events.push(...alarms.reconcile('analog', analog?.alarms ?? []));
    if (backups) events.push(...alarms.reconcile('backup', backupAlarms(backups, at)));
    // A UPS no longer configured clears both scopes; one that does not answer keeps its power alarms.
    if (!ups || ups.ok) events.push(...alarms.reconcile('ups', ups?.ok ? upsAlarms(ups.status, at) : []));
    events.push(...alarms.reconcile('ups-link', ups && devices.ups ? upsLinkAlarms(ups, devices.ups.port, at) : []));
    if (!room || room.ok) events.push(...alarms.reconcile('room', room?.ok && devices.roomSensor ? roomAlarms(room, devices.roomSensor.thresholds, at) : []));
    events.push(...alarms.reconcile('room-link', room && devices.roomSensor ? roomLinkAlarms(room, devices.roomSensor.port, at) : []));
    events.push(...this.#gatewayAlarms(gateways, gatewayReadings, at));
    const gatewayRows = gateways.map((gw, i) => gatewayRow(gw, gatewayReadings[i]!, now, this.#gateways.get(gw.name)));
    this.#gateways = new Map(gatewayRows.map((r) => [r.name, r]));

    events.push(...(await this.#pollHealth(settings, at, now)));

    const { cards, ports } = cardRows(config, analog);
    const snapshot: MonitorSnapshot = {
      at: now,
      product: { name: 'Hotline', version: this.deps.productVersion, site: config.site.name, configVersion: version },
      services,
      host: this.#host,
      cards,
      ports,
      trunks: trunkRows(config, pbx),
      registrations: pbx?.registrations.length ?? 0,
      calls: this.#calls.rows(pbx?.activeCalls ?? []),
      ...notYetMonitored(),
      ...(backups && { backup: backupState(backups) }),
      ups: upsState(ups),
      room: roomState(room),
      health: { ...this.#health },
      gateways: gatewayRows.sort((a, b) => a.index - b.index),
      alarms: alarms.active(),
    };
    this.#snapshot = snapshot;
    return { snapshot, events };
  }

  /**
   * The health probes side by side; each that answered replaces its part of the snapshot and
   * reconciles its own alarm scope, one that failed keeps both (like the other probes).
   */
  async #pollHealth(settings: ReturnType<typeof monitorSettings>, at: string, now: number): Promise<AlarmEvent[]> {
    const probes = this.deps.health;
    if (!probes) return [];
    const fail = (what: string) => (err: unknown) => {
      this.deps.log.warn({ err: (err as Error).message }, `${what} probe failed`);
      return undefined;
    };
    const readDisks = now - this.#disksAt >= DISK_POLL_MS;
    const [time, raid, disks, sensors, interfaces] = await Promise.all([
      probes.time().catch(fail('time sync')),
      probes.raid().catch(fail('raid')),
      readDisks ? probes.disks().catch(fail('smart')) : Promise.resolve(undefined),
      probes.sensors().catch(fail('hwmon')),
      probes.interfaces().catch(fail('network')),
    ]);
    const t = settings.thresholds;
    const alarms = this.deps.alarms;
    const events: AlarmEvent[] = [];
    if (time) {
      this.#health.time = time;
      events.push(...alarms.reconcile('time', timeSyncAlarms(time, t, at)));
    }
    if (raid) {
      this.#health.raid = raid;
      events.push(...alarms.reconcile('raid', raidAlarms(raid, at)));
    }
    if (disks) {
      this.#disksAt = now;
      this.#health.disks = disks;
      events.push(...alarms.reconcile('disks', diskAlarms(disks, t, at)));
    }
    if (sensors) {
      this.#health.sensors = sensors;
      trackSpinningFans(sensors, this.#spinningFans);
      events.push(...alarms.reconcile('sensors', sensorAlarms(sensors, this.#spinningFans, t, at)));
    }
    if (interfaces) {
      this.#health.interfaces = interfaces;
      events.push(...alarms.reconcile('net', interfaceAlarms(interfaces, this.#ifErrors.update(interfaces, now), t, settings.interfaces, at)));
    }
    return events;
  }

  /**
   * Each gateway's reachability scope from its reading; its ports scope only from an answer (a
   * gateway that does not answer keeps its port alarms). Scopes of gateways no longer configured
   * are reconciled empty, so their alarms clear.
   */
  #gatewayAlarms(gateways: GatewaySettings[], readings: GatewayReading[], at: string) {
    const alarms = this.deps.alarms;
    const events = gateways.flatMap((gw, i) => {
      const r = readings[i]!;
      const scopes = gatewayScopes(gw.name);
      return [...alarms.reconcile(scopes.link, gatewayLinkAlarms(gw, r, at)), ...(r.ok ? alarms.reconcile(scopes.ports, gatewayPortAlarms(gw, r, at)) : [])];
    });
    const configured = new Set(gateways.flatMap((gw) => Object.values(gatewayScopes(gw.name))));
    const gone = new Set(alarms.active().map((a) => a.scope).filter((s) => (s.startsWith('gateway:') || s.startsWith('gateway-ports:')) && !configured.has(s)));
    for (const scope of gone) events.push(...alarms.reconcile(scope, []));
    return events;
  }
}

function ms(iso: string | undefined): number | undefined {
  const t = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

function running(name: ServiceRow['name'], up: boolean, startedAt: number | undefined): ServiceRow {
  const row: ServiceRow = { name, state: up ? 'running' : 'notResponding' };
  if (up && startedAt !== undefined) row.startedAt = startedAt;
  return row;
}
