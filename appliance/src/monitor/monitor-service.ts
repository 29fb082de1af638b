import { mkdirSync, readFileSync } from 'node:fs';
import { hostname, type as osType, release } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { ConfigStore, devicesSettings, mgmtSettings, monitorSettings, siteTimeZone, snmpSettings, type HotlineConfig, type SnmpSettings } from '../config/index.ts';
import { serveControl, type ControlRoutes } from '../control/index.ts';
import { moduleLogger } from '../log.ts';
import { dataPaths } from '../paths.ts';
import { backupHealthSource } from './probes/backup-probe.ts';
import { AlarmStore, openRecords, type AlarmOccurrence, type RecordsDb } from '../records/index.ts';
import { AlarmManager, type AlarmEvent } from './alarm-manager.ts';
import { Monitor, type HealthProbes } from './monitor.ts';
import { probeTimeSync } from './probes/time-sync-probe.ts';
import { probeRaid } from './probes/raid-probe.ts';
import { probeDisks } from './probes/smart-probe.ts';
import { probeHwmon } from './probes/hwmon-probe.ts';
import { probeInterfaces } from './probes/net-probe.ts';
import { probeHost } from './probes/host-probe.ts';
import { UpsReader } from './probes/ups-probe.ts';
import { RoomSensorReader } from './probes/room-probe.ts';
import { GatewayReader, type SnmpManagerFactory } from './probes/gateway-probe.ts';
import { SmsNotifier } from './sms-notifier.ts';
import { EmailNotifier } from './email-notifier.ts';
import type { NotifierCounters } from './notification-policy.ts';
import { controlSocketSources, type ServiceSources } from './probes/service-probe.ts';
import type { GatewayRow, HostState, MonitorSnapshot } from './snapshot.ts';
import { SnmpAgent, type AgentCounters } from './snmp/agent.ts';
import { hotlineMib } from './snmp/hotline-mib.ts';
import type { MibPart } from './snmp/mib-builder.ts';
import { hostResourcesMib, systemGroup } from './snmp/standard-mibs.ts';
import { TrapSender } from './snmp/traps.ts';

const log = moduleLogger('monitor');

/** What `GET /v1/status` of the monitor returns. */
export interface MonitorStatus {
  startedAt: string;
  configVersion: number;
  /** ISO time of the last poll; undefined before the first. */
  polledAt?: string;
  polls: number;
  snmp: {
    enabled: boolean; error?: string; port?: number; instances: number; counters?: AgentCounters; trapTargets: number;
    /** Traps handed to the network plus informs acknowledged; traps refused by the socket plus informs given up on. */
    trapsSent: number; trapsFailed: number;
    informsAcked: number; informsFailed: number;
  };
  /** Alarm SMS through the GSM modem (devices.smsModem): messages sent, failed, held back by the hourly limit or the severity filter, last failure. */
  sms: NotifierCounters;
  /** Alarm e-mail (monitor.email), the same counters; `lastError` says why the last one failed (server down, authentication refused). */
  email: NotifierCounters & { configured: boolean };
  /** External gateways polled over SNMP (devices.gateways): reachability, uptime, port states. */
  gateways: GatewayRow[];
  alarms: AlarmOccurrence[];
}

/** Where the service takes its inputs from; tests and the bench swap the sources. */
export interface MonitorServiceOptions {
  paths?: ReturnType<typeof dataPaths>;
  env?: NodeJS.ProcessEnv;
  host?: () => Promise<HostState>;
  services?: ServiceSources;
  /** Time sync, RAID, SMART, sensors, interfaces; default the real ones of this machine. */
  health?: HealthProbes;
  /** SNMP manager sessions to the external gateways; default net-snmp. */
  gatewayManager?: SnmpManagerFactory;
}

/** The health probes reading this machine. */
export const systemHealthProbes: HealthProbes = {
  time: probeTimeSync,
  raid: () => probeRaid(),
  disks: probeDisks,
  sensors: () => probeHwmon(),
  interfaces: () => probeInterfaces(),
};

function productVersion(): string {
  const pkg = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/**
 * The `monitor` service: its own process, so it keeps answering SNMP while the PBX is sick
 * (DESIGN.md, Processes). Every `pollIntervalSec` it polls the host and the services, pairs
 * alarm raises and clears (stored in records.db), refreshes what the SNMP agent serves, and
 * sends a trap for each raise and clear.
 */
export class MonitorService {
  readonly #startedAt = Date.now();
  #agent: SnmpAgent | undefined;
  #traps: TrapSender | undefined;
  #snmp: SnmpSettings;
  #snmpError: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #control: { close(): Promise<void> } | undefined;
  #polls = 0;
  #polling: Promise<void> | undefined;
  #stopped = false;
  readonly #system = systemGroup();
  readonly #monitor: Monitor;
  readonly #alarmStore: AlarmStore;
  readonly #ups = new UpsReader();
  readonly #room = new RoomSensorReader();
  readonly #sms = new SmsNotifier(log);
  readonly #email = new EmailNotifier(log);

  private constructor(private readonly store: ConfigStore, private readonly records: RecordsDb, private config: HotlineConfig, sources: ServiceSources, host: () => Promise<HostState>, paths: ReturnType<typeof dataPaths>, health: HealthProbes, gateways: GatewayReader) {
    this.#snmp = snmpSettings(config);
    this.#alarmStore = new AlarmStore(records);
    this.#monitor = new Monitor({
      host, services: sources, alarms: new AlarmManager(this.#alarmStore),
      config: () => ({ config: this.config, version: this.store.version }),
      productVersion: productVersion(), startedAt: this.#startedAt, log,
      backups: backupHealthSource(records, paths),
      ups: (device) => this.#ups.read(device),
      room: (device) => this.#room.read(device),
      health,
      gateway: (gw) => gateways.read(gw),
    });
  }

  static async start(opts: MonitorServiceOptions = {}): Promise<MonitorService> {
    const paths = opts.paths ?? dataPaths();
    const env = opts.env ?? process.env;
    mkdirSync(paths.run, { recursive: true });
    const store = await ConfigStore.open({ config: paths.config, configHistory: paths.configHistory });
    const records = openRecords(paths.records);
    const mgmtPort = () => {
      const v = env.HOTLINE_MGMT_HTTP_PORT;
      return v !== undefined && /^[0-9]{1,5}$/.test(v) ? Number(v) : mgmtSettings(store.current).httpPort;
    };
    const service = new MonitorService(store, records, store.current, opts.services ?? controlSocketSources(paths, mgmtPort), opts.host ?? probeHost, paths, opts.health ?? systemHealthProbes, new GatewayReader(opts.gatewayManager));
    try {
      await service.#startSnmp();
      // The first poll before the control socket: once it answers, the agent serves real data.
      await service.pollNow();
      service.#control = await serveControl(paths.monitorControlSocket, service.#routes());
    } catch (err) {
      await service.stop();
      throw err;
    }
    log.info({ snmpPort: service.#agent?.port, configVersion: store.version }, 'monitor ready');
    return service;
  }

  /** Polls now (and restarts the interval); concurrent callers share one poll. */
  pollNow(): Promise<void> {
    this.#polling ??= this.#pollOnce().finally(() => {
      this.#polling = undefined;
      this.#schedule();
    });
    return this.#polling;
  }

  status(): MonitorStatus {
    const snap = this.#monitor.snapshot;
    const s: MonitorStatus = {
      startedAt: new Date(this.#startedAt).toISOString(), configVersion: this.store.version, polls: this.#polls,
      snmp: {
        enabled: this.#agent !== undefined, instances: this.#agent?.instances ?? 0,
        trapTargets: this.#traps?.targets ?? 0, trapsSent: this.#traps?.sent ?? 0, trapsFailed: this.#traps?.failed ?? 0,
        informsAcked: this.#traps?.informsAcked ?? 0, informsFailed: this.#traps?.informsFailed ?? 0,
      },
      sms: { ...this.#sms.counters },
      email: { configured: monitorSettings(this.config).email?.enabled ?? false, ...this.#email.counters },
      gateways: snap?.gateways ?? [],
      alarms: snap?.alarms ?? [],
    };
    if (snap) s.polledAt = new Date(snap.at).toISOString();
    if (this.#snmpError) s.snmp.error = this.#snmpError;
    if (this.#agent) Object.assign(s.snmp, { port: this.#agent.port, counters: { ...this.#agent.counters } });
    return s;
  }

  /** Re-reads the configuration; restarts the agent when the snmp section changed, then polls. */
  async reloadConfig(): Promise<{ configVersion: number }> {
    this.config = await this.store.reload();
    const next = snmpSettings(this.config);
    if (!isDeepStrictEqual(next, this.#snmp)) {
      await this.#stopSnmp();
      this.#snmp = next;
      await this.#startSnmp();
    }
    await this.pollNow();
    return { configVersion: this.store.version };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#polling?.catch(() => undefined);
    await this.#control?.close();
    await this.#stopSnmp();
    await this.#ups.close();
    await this.#room.close();
    await this.#sms.close();
    await this.#email.close();
    this.records.close();
  }

  async #startSnmp(): Promise<void> {
    this.#snmpError = undefined;
    if (!this.#snmp.enabled) return;
    try {
      this.#agent = await SnmpAgent.start(this.#snmp, log);
    } catch (err) {
      // A port in use (another agent, a second monitor) must not stop the probes and alarms:
      // the monitor runs on without SNMP and says why in its status and log.
      this.#snmpError = `SNMP agent not started on udp ${this.#snmp.bindAddress}:${this.#snmp.port}: ${(err as Error).message}`;
      log.error({ err: (err as Error).message, port: this.#snmp.port }, 'snmp agent not started');
      return;
    }
    const started = Date.now();
    this.#traps = new TrapSender(this.#snmp, log, () => Math.floor((Date.now() - started) / 10));
    const snap = this.#monitor.snapshot;
    if (snap) this.#agent.update(this.#parts(snap));
    log.info({ port: this.#snmp.port, v2c: this.#snmp.v2c.enabled, v3Users: this.#snmp.v3Users.length, trapTargets: this.#snmp.trapTargets.length }, 'snmp agent listening');
  }

  async #stopSnmp(): Promise<void> {
    this.#traps?.close();
    this.#traps = undefined;
    await this.#agent?.close();
    this.#agent = undefined;
  }

  #parts(snap: MonitorSnapshot): MibPart[] {
    const sys = {
      descr: `Hotline ${snap.product.version} call-center appliance (${osType()} ${release()})`,
      name: hostname(), contact: this.#snmp.contact, location: this.#snmp.location, agentStartedAt: this.#startedAt,
    };
    return [
      { module: this.#system, data: this.#system.values(sys, snap.at) },
      { module: hostResourcesMib, data: hostResourcesMib.values(snap.host, snap.at) },
      { module: hotlineMib, data: hotlineMib.values(snap, snap.at) },
    ];
  }

  async #pollOnce(): Promise<void> {
    let snapshot: MonitorSnapshot;
    let events: AlarmEvent[];
    try {
      ({ snapshot, events } = await this.#monitor.poll());
    } catch (err) {
      log.error({ err }, 'poll failed');
      return;
    }
    this.#polls++;
    for (const e of events) log.warn({ kind: e.kind, id: e.alarm.id, seq: e.alarm.seq, severity: e.alarm.severity }, `alarm ${e.kind}`);
    try {
      this.#agent?.update(this.#parts(snapshot));
    } catch (err) {
      log.error({ err }, 'snmp view not updated');
    }
    const sms = devicesSettings(this.config).smsModem;
    const email = monitorSettings(this.config).email;
    const mail = { site: this.config.site.name, timeZone: siteTimeZone(this.config) };
    for (const e of events) {
      await this.#traps?.send(e);
      // Not awaited: a send takes seconds (per SMS part, per SMTP dialogue); each notifier keeps its events in order.
      if (sms) void this.#sms.notify(sms, this.config.site.name, e);
      if (email?.enabled) void this.#email.notify(email, mail, e);
    }
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.pollNow(), monitorSettings(this.config).pollIntervalSec * 1000);
  }

  #routes(): ControlRoutes {
    return {
      '/v1/status': { method: 'GET', run: () => this.status() },
      '/v1/config/reload': { method: 'POST', run: () => this.reloadConfig() },
      // The last 1,000 occurrences, raised and cleared, newest first (a filtered query comes with the UI page).
      '/v1/alarms/history': { method: 'GET', run: () => ({ items: this.#alarmStore.history(0, Number.MAX_SAFE_INTEGER, 1000) }) },
      '/v1/poll': { method: 'POST', run: async () => {
        await this.pollNow();
        return this.status();
      } },
    };
  }
}
