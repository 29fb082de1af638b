import { mkdirSync } from 'node:fs';
import { ConfigStore, applyEnvOverrides, type HotlineConfig } from '../config/index.ts';
import { CdrStore, openRecords, type RecordsDb } from '../records/index.ts';
import { startControlServer, type PbxStatus } from '../control/index.ts';
import { dataPaths } from '../paths.ts';
import { moduleLogger } from '../log.ts';
import { createResponse } from '../sip/message/index.ts';
import { TransportLayer, type Endpoint } from '../sip/transport/index.ts';
import { TransactionLayer, defaultTimers } from '../sip/transaction/index.ts';
import { AuthBanList } from '../sip/auth/index.ts';
import { type Clock, systemClock } from '../sip/clock.ts';
import { LocalIdentity } from '../sip/local-address.ts';
import { Authenticator } from './authenticator.ts';
import { B2bua } from './b2bua.ts';
import { ExtensionDirectory } from './extension-directory.ts';
import { LocationService } from './location-service.ts';
import { PbxCore, type TrustPolicy } from './pbx-core.ts';
import { Registrar } from './registrar.ts';

const log = moduleLogger('pbx');

/** The product string in User-Agent and Server headers. */
export const USER_AGENT = 'Hotline PBX 0.1';

/** Where the PBX takes its files and environment from; tests pass temp folders. */
export interface PbxServiceOptions {
  paths?: ReturnType<typeof dataPaths>;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
}

/**
 * The `pbx` service: wires transport → transactions → registrar/B2BUA, the stores,
 * and the control socket the CLI talks to. Config is read at start and on reload;
 * a reload changes extensions, security and timeouts without touching live calls.
 */
export class PbxService {
  private readonly startedAt = new Date();
  private droppedBanned = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private control: { close(): Promise<void> } | undefined;

  private constructor(
    private readonly store: ConfigStore,
    private config: HotlineConfig,
    private readonly env: NodeJS.ProcessEnv,
    private readonly records: RecordsDb,
    private readonly transport: TransportLayer,
    private readonly tx: TransactionLayer,
    private readonly directory: ExtensionDirectory,
    private readonly location: LocationService,
    private readonly ban: AuthBanList,
    private readonly auth: Authenticator,
    private readonly registrar: Registrar,
    private readonly b2bua: B2bua,
    private readonly core: PbxCore,
  ) {}

  /** Opens the stores, binds the SIP listeners and the control socket. */
  static async start(opts: PbxServiceOptions = {}): Promise<PbxService> {
    const paths = opts.paths ?? dataPaths();
    const env = opts.env ?? process.env;
    const clock = opts.clock ?? systemClock;
    mkdirSync(paths.run, { recursive: true });
    const store = await ConfigStore.open({ config: paths.config, configHistory: paths.configHistory });
    const config = applyEnvOverrides(store.current, env);
    const records = openRecords(paths.records);
    const cdr = new CdrStore(records);

    const directory = new ExtensionDirectory(config);
    const location = new LocationService(clock);
    const ban = new AuthBanList({
      limit: config.security.authFailureLimit, windowSec: config.security.authFailureWindowSec, banSec: config.security.banSec,
      now: () => clock.now(),
      onBan: (address, until, failures) => log.warn({ source: address, until: new Date(until).toISOString(), failures }, 'source banned after repeated authentication failures'),
    });
    const local = new LocalIdentity(config.sip.bindAddress, { udp: config.sip.udpPort, tcp: config.sip.tcpPort }, config.sip.domain);

    let service: PbxService | undefined;
    const transport = new TransportLayer({
      onMessage: (message, source) => service?.onMessage(message, source),
      onMalformed: (info, source) => service?.onMalformed(info, source),
    });
    const tx = new TransactionLayer({ send: (m, to) => transport.send(m as never, to) }, clock, defaultTimers);
    const auth = new Authenticator(authSettings(config), directory, ban, clock);
    const registrar = new Registrar(registrarSettings(config), directory, location, auth, clock);
    const b2bua = new B2bua({
      tx, local, clock, timers: defaultTimers, location, directory,
      writeRecord: (r) => { cdr.insert(r); },
    }, { noAnswerTimeoutMs: config.sip.noAnswerTimeoutSec * 1000, userAgent: USER_AGENT });
    const core = new PbxCore(tx, registrar, b2bua, auth, trustPolicy(config));
    tx.setUser(core);

    service = new PbxService(store, config, env, records, transport, tx, directory, location, ban, auth, registrar, b2bua, core);
    ban.updatePolicy({ limit: config.security.authFailureLimit, windowSec: config.security.authFailureWindowSec, banSec: config.security.banSec });
    await transport.listen({
      address: config.sip.bindAddress, udpPort: config.sip.udpPort, tcpPort: config.sip.tcpPort,
      limits: { maxMessageBytes: config.sip.maxMessageBytes },
    });
    service.control = await startControlServer(paths.pbxControlSocket, {
      status: () => service!.status(),
      reloadConfig: () => service!.reloadConfig(),
    });
    service.sweepTimer = setInterval(() => location.sweep(), 30_000);
    service.sweepTimer.unref();
    log.info({ listening: transport.listening(), configVersion: store.version }, 'pbx ready');
    return service;
  }

  /** Snapshot for `hotline status` and the control API. */
  status(): PbxStatus {
    return {
      startedAt: this.startedAt.toISOString(),
      listening: this.transport.listening(),
      registrations: this.location.all().map((b) => ({
        extension: b.aor, contact: b.contact, source: `${b.source.address}:${b.source.port}`, transport: b.source.transport,
        expiresAt: new Date(b.expiresAt).toISOString(), ...(b.userAgent ? { userAgent: b.userAgent } : {}),
      })),
      activeCalls: this.b2bua.activeCalls(),
      counters: {
        ...prefixed('transport', this.transport.counters),
        ...prefixed('transaction', this.tx.counters),
        ...prefixed('calls', this.b2bua.counters),
        ...prefixed('core', this.core.counters),
        droppedBanned: this.droppedBanned,
        bannedSources: this.ban.banned().length,
      },
      configVersion: this.store.version,
    };
  }

  /** Re-reads config; an invalid file is refused whole (the error propagates) and the running config stays. */
  async reloadConfig(): Promise<{ configVersion: number }> {
    const next = applyEnvOverrides(await this.store.reload(), this.env);
    const removed = this.directory.numbers().filter((n) => !next.extensions.some((e) => e.number === n));
    this.directory.update(next);
    for (const n of removed) this.location.removeAll(n);
    this.auth.update(authSettings(next));
    this.registrar.update(registrarSettings(next));
    this.b2bua.update({ noAnswerTimeoutMs: next.sip.noAnswerTimeoutSec * 1000, userAgent: USER_AGENT });
    this.ban.updatePolicy({ limit: next.security.authFailureLimit, windowSec: next.security.authFailureWindowSec, banSec: next.security.banSec });
    this.core.updateTrust(trustPolicy(next));
    if (next.sip.udpPort !== this.config.sip.udpPort || next.sip.tcpPort !== this.config.sip.tcpPort || next.sip.bindAddress !== this.config.sip.bindAddress) {
      log.warn('SIP listen address or ports changed: they take effect at the next restart');
    }
    this.config = next;
    log.info({ configVersion: this.store.version, extensions: next.extensions.length }, 'configuration reloaded');
    return { configVersion: this.store.version };
  }

  /** Ends calls, closes listeners, the control socket and the database. */
  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.b2bua.hangupAll();
    // Give the BYEs a moment on the wire before the sockets close.
    await new Promise((r) => setTimeout(r, 200));
    await this.control?.close();
    await this.transport.close();
    this.records.close();
    log.info('pbx stopped');
  }

  private onMessage(message: Parameters<TransactionLayer['receive']>[0], source: Endpoint): void {
    if (message.isRequest && this.ban.isBanned(source.address)) {
      this.droppedBanned++; // silently: a banned scanner learns nothing
      return;
    }
    this.tx.receive(message, source);
  }

  private onMalformed(info: { reason: string; request?: Parameters<typeof createResponse>[0] }, source: Endpoint): void {
    if (!info.request || info.request.method === 'ACK') return;
    // RFC 3261 §21.4.1: 400 with the reason; the phrase is cleaned so it cannot break the status line.
    const phrase = `Bad Request (${info.reason})`.replace(/[\r\n]+/g, ' ').slice(0, 120);
    this.transport.send(createResponse(info.request, 400, phrase), source);
  }
}

function authSettings(c: HotlineConfig) {
  return { realm: c.sip.realm, algorithms: c.sip.digestAlgorithms, nonceLifetimeSec: c.sip.nonceLifetimeSec };
}

function registrarSettings(c: HotlineConfig) {
  return { minExpiresSec: c.sip.registerMinExpiresSec, maxExpiresSec: c.sip.registerMaxExpiresSec, defaultExpiresSec: c.sip.registerDefaultExpiresSec };
}

function trustPolicy(c: HotlineConfig): TrustPolicy {
  const trusted = new Set(c.security.trustedPeers.map((p) => p.address));
  return { isTrusted: (address) => trusted.has(address) };
}

function prefixed(prefix: string, counters: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(counters)) if (typeof v === 'number') out[`${prefix}.${k}`] = v;
  return out;
}
