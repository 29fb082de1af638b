import { isDeepStrictEqual } from 'node:util';
import { mkdirSync } from 'node:fs';
import { CardError } from '@hotline/drivers';
import { ConfigStore, analogSettings, applyEnvOverrides, type AnalogSettings, type HotlineConfig } from '../config/index.ts';
import { serveControl, type ControlRoutes } from '../control/index.ts';
import { sortAlarms } from '../alarms/index.ts';
import { dataPaths } from '../paths.ts';
import { moduleLogger } from '../log.ts';
import { CardConfigError, openCards, type OpenedCard } from './card-opener.ts';
import { simulatorRoutes } from './simulator-routes.ts';
import { analogAlarms, type AnalogStatus, type CardStatus } from './analog-status.ts';

const log = moduleLogger('analog');

/** The port machines and SIP user agent running on an open card. */
export interface Gateway {
  status(): Pick<AnalogStatus, 'ports' | 'registrations' | 'calls'>;
  /** Config changes that leave the cards as they are (extensions, secrets, routes). */
  applyConfig(config: HotlineConfig): void;
  /** Ends calls, unregisters, stops using the card (the service closes it). */
  stop(): Promise<void>;
}

/** Builds the gateway on an open card. */
export type GatewayFactory = (opened: OpenedCard, config: HotlineConfig, settings: AnalogSettings) => Promise<Gateway>;

/** Where the service takes its files from; tests pass temp folders and may swap the gateway. */
export interface AnalogServiceOptions {
  paths?: ReturnType<typeof dataPaths>;
  env?: NodeJS.ProcessEnv;
  gateway: GatewayFactory;
  /** Simulator library to load when the configured driver is `simulator` (default: the one built in drivers/). */
  simulatorLibrary?: string;
  /** How often a missing card is looked for again; default 30 s. */
  retryMs?: number;
}

/**
 * The `analog` service: owns the telephony cards in a process of its own, so a fault in a
 * driver (native code behind FFI) cannot take the PBX down. A missing card or a bad card
 * configuration is a state and an alarm, never a crash: the service keeps answering its
 * control socket and looks for the card again every `retryMs`.
 */
export class AnalogService {
  private readonly startedAt = new Date().toISOString();
  private opened: OpenedCard | undefined;
  private gateway: Gateway | undefined;
  private running: AnalogSettings | undefined;
  private cardStatus: CardStatus = { state: 'none', since: new Date().toISOString() };
  private retryTimer: NodeJS.Timeout | undefined;
  private control: { close(): Promise<void> } | undefined;
  private config!: HotlineConfig;
  /** Serialises card changes: a reload while a card opens waits for it. */
  private chain: Promise<void> = Promise.resolve();

  private constructor(private readonly store: ConfigStore, private readonly opts: AnalogServiceOptions & { env: NodeJS.ProcessEnv }) {}

  static async start(opts: AnalogServiceOptions): Promise<AnalogService> {
    const paths = opts.paths ?? dataPaths();
    mkdirSync(paths.run, { recursive: true });
    const store = await ConfigStore.open({ config: paths.config, configHistory: paths.configHistory });
    const service = new AnalogService(store, { ...opts, paths, env: opts.env ?? process.env });
    await service.apply(applyEnvOverrides(store.current, service.opts.env));
    service.control = await serveControl(paths.analogControlSocket, service.routes());
    log.info({ card: service.cardStatus.state, configVersion: store.version }, 'analog gateway ready');
    return service;
  }

  status(): AnalogStatus {
    const g = this.gateway?.status() ?? { ports: [], registrations: [], calls: [] };
    return {
      startedAt: this.startedAt, configVersion: this.store.version, card: this.cardStatus, ...g,
      alarms: sortAlarms(analogAlarms(this.cardStatus, g.ports)),
    };
  }

  /** Re-reads config; an invalid file is refused whole (the error propagates) and the running config stays. */
  async reloadConfig(): Promise<{ configVersion: number }> {
    await this.apply(applyEnvOverrides(await this.store.reload(), this.opts.env));
    return { configVersion: this.store.version };
  }

  async stop(): Promise<void> {
    clearTimeout(this.retryTimer);
    await this.control?.close();
    await this.serialised(() => this.closeCard());
    log.info('analog gateway stopped');
  }

  private routes(): ControlRoutes {
    return {
      '/v1/status': { method: 'GET', run: () => this.status() },
      '/v1/config/reload': { method: 'POST', run: () => this.reloadConfig() },
      ...simulatorRoutes(() => this.opened?.simulator),
    };
  }

  private apply(config: HotlineConfig): Promise<void> {
    this.config = config;
    return this.serialised(async () => {
      const next = analogSettings(config);
      if (isDeepStrictEqual(next, this.running) && this.gateway) {
        this.gateway.applyConfig(config);
        return;
      }
      await this.closeCard();
      this.running = next;
      if (!next) { this.setCard({ state: 'none' }); return; }
      await this.openCard(next);
    });
  }

  private async openCard(settings: AnalogSettings): Promise<void> {
    clearTimeout(this.retryTimer);
    const driver = settings.cards[0]!.driver;
    try {
      this.opened = await openCards(settings, this.opts.simulatorLibrary, this.opts.paths?.dahdiSystemConf);
      this.gateway = await this.opts.gateway(this.opened, this.config, settings);
      this.setCard({ state: 'open', driver });
    } catch (err) {
      await this.closeCard();
      const message = (err as Error).message;
      if (err instanceof CardConfigError) {
        this.setCard({ state: 'misconfigured', driver, error: message });
        return; // nothing changes until the configuration does
      }
      this.setCard({ state: 'missing', driver, error: err instanceof CardError ? `${err.code}: ${message}` : message });
      const retryMs = this.opts.retryMs ?? 30_000;
      this.retryTimer = setTimeout(() => void this.serialised(async () => { if (this.running === settings && !this.opened) await this.openCard(settings); }), retryMs);
    }
  }

  private async closeCard(): Promise<void> {
    clearTimeout(this.retryTimer);
    const { gateway, opened } = this;
    this.gateway = undefined;
    this.opened = undefined;
    try { await gateway?.stop(); } catch (err) { log.error({ err }, 'gateway did not stop cleanly'); }
    try { await opened?.card.close(); } catch (err) { log.error({ err }, 'card did not close cleanly'); }
  }

  private setCard(s: Omit<CardStatus, 'since'>): void {
    if (s.state !== this.cardStatus.state || s.error !== this.cardStatus.error) {
      const level = s.state === 'missing' || s.state === 'misconfigured' ? 'error' : 'info';
      log[level]({ card: s.state, driver: s.driver, error: s.error }, 'card state');
      this.cardStatus = { ...s, since: new Date().toISOString() };
    }
  }

  private serialised(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
