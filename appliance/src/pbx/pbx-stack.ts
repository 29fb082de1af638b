import { type HotlineConfig, analogSettings, trunkSettings } from '../config/index.ts';
import type { CallRecord } from '../records/index.ts';
import { type SipRequest, type SipResponse, checkRequiredHeaders, createResponse } from '../sip/message/index.ts';
import type { Endpoint } from '../sip/transport/index.ts';
import { type MessageSender, type TimerValues, TransactionLayer, defaultTimers } from '../sip/transaction/index.ts';
import { AuthBanList } from '../sip/auth/index.ts';
import type { Clock } from '../sip/clock.ts';
import { LocalIdentity } from '../sip/local-address.ts';
import { moduleLogger } from '../log.ts';
import { Authenticator } from './authenticator.ts';
import { B2bua, type RoutingContext } from './b2bua.ts';
import { OriginTable, Router } from './routing/index.ts';
import { ExtensionDirectory } from './extension-directory.ts';
import { LocationService } from './location-service.ts';
import { PbxCore, type TrustPolicy } from './pbx-core.ts';
import { Registrar } from './registrar.ts';
import type { MediaAnchor } from './media-anchor.ts';
import { TrunkManager } from './trunks/index.ts';
import { RecordingClient } from './recording/recording-client.ts';
import { recordingSettings, type RecordingSettings } from './recording/recording-policy.ts';
import { RecordingControl } from './recording/recording-control.ts';

const log = moduleLogger('pbx');

/** The product string in User-Agent headers. */
export const USER_AGENT = 'Hotline PBX 0.1';

/** The I/O a PBX stack is given: the wire below it, time, and where call records go. */
export interface PbxStackDeps {
  sender: MessageSender;
  clock: Clock;
  writeRecord(record: CallRecord): void;
  /** The media relay calls are anchored at. */
  media: MediaAnchor;
  timers?: TimerValues;
}

/**
 * Everything above the transport, wired in layer order (transactions → registrar and
 * B2BUA → core): no sockets, files or timers of its own, so tests run the whole PBX on a
 * fake network and clock, and the service wraps it with real I/O.
 */
export class PbxStack {
  readonly tx: TransactionLayer;
  readonly directory: ExtensionDirectory;
  readonly location: LocationService;
  readonly ban: AuthBanList;
  readonly auth: Authenticator;
  readonly registrar: Registrar;
  readonly b2bua: B2bua;
  readonly core: PbxCore;
  /** SIP trunks to carriers and gateways (registration, keepalive, state). */
  readonly trunks: TrunkManager;
  /** The SIPREC client (issue 7), while a recorder is configured. */
  recording: RecordingClient | undefined;
  /** Recording policy, on-demand commands and in-call codes (issue 7). */
  readonly recordingControl: RecordingControl;
  private started = false;
  private recordingPolicy: RecordingSettings | undefined;
  private readonly recordingDeps: ConstructorParameters<typeof RecordingClient>[0];
  /** Requests dropped because their source was banned. */
  droppedBanned = 0;
  /** Messages refused for missing or repeated mandatory headers. */
  rejectedMalformed = 0;
  private readonly sender: MessageSender;
  private config: HotlineConfig;

  constructor(config: HotlineConfig, deps: PbxStackDeps) {
    this.config = config;
    this.sender = deps.sender;
    const timers = deps.timers ?? defaultTimers;
    const clock = deps.clock;
    this.tx = new TransactionLayer(deps.sender, clock, timers);
    this.directory = new ExtensionDirectory(config);
    this.location = new LocationService(clock);
    this.ban = new AuthBanList({
      ...banPolicy(config), now: () => clock.now(),
      onBan: (address, until, failures) => log.warn({ source: address, until: new Date(until).toISOString(), failures }, 'source banned after repeated authentication failures'),
    });
    const local = new LocalIdentity(config.sip.bindAddress, { udp: config.sip.udpPort, tcp: config.sip.tcpPort }, config.sip.domain);
    this.auth = new Authenticator(authSettings(config), this.directory, this.ban, clock);
    this.registrar = new Registrar(registrarSettings(config), this.directory, this.location, this.auth, clock);
    this.recordingDeps = { tx: this.tx, local, clock, media: deps.media, userAgent: USER_AGENT };
    this.applyRecording(config);
    // The control reads the client and policy at each use, so a reload can add or drop the recorder.
    this.recordingControl = new RecordingControl({ clock, client: () => this.recording, settings: () => this.recordingPolicy });
    this.trunks = new TrunkManager({ tx: this.tx, local, clock });
    this.b2bua = new B2bua({ tx: this.tx, local, clock, timers, location: this.location, directory: this.directory, writeRecord: deps.writeRecord, media: deps.media, recording: this.recordingControl }, b2buaSettings(config), this.routingOf(config));
    this.core = new PbxCore(this.tx, this.registrar, this.b2bua, this.auth, trustPolicy(config), new OriginTable(config));
    this.tx.setUser(this.core);
  }

  /** Starts what sends on its own (trunk registrations and keepalives); call once the transports listen. */
  start(): void {
    this.started = true;
    this.trunks.start(trunkSettings(this.config));
    this.recording?.startProbe();
  }

  /** Stops what sends on its own (the recorder probe; trunks stop through `trunks.stop()`). */
  stop(): void {
    this.started = false;
    this.recording?.stopProbe();
  }

  /** Entry for every parsed message from the transport; banned sources are dropped silently. */
  receive(message: SipRequest | SipResponse, source: Endpoint): void {
    if (message.isRequest && this.ban.isBanned(source.address)) {
      this.droppedBanned++; // a banned scanner learns nothing
      return;
    }
    const missing = checkRequiredHeaders(message);
    if (missing) {
      // RFC 3261 §8.2.2 / RFC 4475 insuf, multi01: a 400 naming what is wrong, outside any transaction.
      this.rejectedMalformed++;
      if (message.isRequest && message.method !== 'ACK') this.sender.send(badRequest(message as SipRequest, missing), source);
      return;
    }
    this.tx.receive(message, source);
  }

  /** The routes of one config version, with the trunks' live state from the trunk manager. */
  private routingOf(c: HotlineConfig): RoutingContext {
    const trunks = new Map(trunkSettings(c).map((t) => [t.name, t]));
    return {
      router: new Router(c),
      carriers: { trunk: (name) => trunks.get(name), gatewayPort: analogSettings(c)?.sipPort },
      stateOf: (name) => this.trunks.stateOf(name),
    };
  }

  /** Creates, updates or drops the SIPREC client for `config.recording` (recordings already running go on). */
  private applyRecording(config: HotlineConfig): void {
    this.recordingPolicy = recordingSettings(config);
    if (!this.recordingPolicy) {
      this.recording?.stopProbe();
      this.recording = undefined;
    } else if (this.recording) this.recording.update(this.recordingPolicy);
    else {
      this.recording = new RecordingClient(this.recordingDeps, this.recordingPolicy);
      if (this.started) this.recording.startProbe();
    }
  }

  /** Applies a newly accepted config: extensions, security and timeouts change, live calls go on. */
  applyConfig(next: HotlineConfig): void {
    const removed = this.directory.numbers().filter((n) => !next.extensions.some((e) => e.number === n));
    this.directory.update(next);
    for (const n of removed) this.location.removeAll(n);
    this.auth.update(authSettings(next));
    this.registrar.update(registrarSettings(next));
    this.b2bua.update(b2buaSettings(next));
    this.ban.updatePolicy(banPolicy(next));
    this.core.updateTrust(trustPolicy(next), new OriginTable(next));
    this.trunks.apply(trunkSettings(next));
    this.b2bua.updateRouting(this.routingOf(next));
    this.applyRecording(next);
    const before = this.config.sip;
    if (next.sip.udpPort !== before.udpPort || next.sip.tcpPort !== before.tcpPort || next.sip.bindAddress !== before.bindAddress) {
      log.warn('SIP listen address or ports changed: they take effect at the next restart');
    }
    this.config = next;
  }
}

/** A 400 that copies what the request has of Via, From, To, Call-ID and CSeq. */
function badRequest(request: SipRequest, reason: string): SipResponse {
  return createResponse(request, 400, `Bad Request (${reason})`);
}

function authSettings(c: HotlineConfig) {
  return { realm: c.sip.realm, algorithms: c.sip.digestAlgorithms, nonceLifetimeSec: c.sip.nonceLifetimeSec };
}

function registrarSettings(c: HotlineConfig) {
  return { minExpiresSec: c.sip.registerMinExpiresSec, maxExpiresSec: c.sip.registerMaxExpiresSec, defaultExpiresSec: c.sip.registerDefaultExpiresSec };
}

function b2buaSettings(c: HotlineConfig) {
  return { noAnswerTimeoutMs: c.sip.noAnswerTimeoutSec * 1000, userAgent: USER_AGENT };
}

function banPolicy(c: HotlineConfig) {
  return { limit: c.security.authFailureLimit, windowSec: c.security.authFailureWindowSec, banSec: c.security.banSec };
}

function trustPolicy(c: HotlineConfig): TrustPolicy {
  const trusted = new Set(c.security.trustedPeers.map((p) => p.address));
  return { isTrusted: (address) => trusted.has(address) };
}
