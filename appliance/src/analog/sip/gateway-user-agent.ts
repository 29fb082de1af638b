// The analog gateway's SIP user agent on 127.0.0.1:<sipPort>: to the PBX every FXS phone
// is a registered extension and the FXO lines a trunk reached with `;group=` (see the wire
// protocol in ../call-legs.ts). It implements the SipSide of the seam and calls the PortSide.
import { checkRequiredHeaders, createResponse, methodNotAllowed, newBranch, newTag, optionsResponse, type SipRequest, type SipResponse } from '../../sip/message/index.ts';
import { type Endpoint, type Transport, type TransportEvents, listenUdp } from '../../sip/transport/index.ts';
import { TransactionLayer, type TimerValues, defaultTimers, senderOver } from '../../sip/transaction/index.ts';
import { dialogKey } from '../../sip/dialog/index.ts';
import { type Clock, systemClock } from '../../sip/clock.ts';
import { LocalIdentity } from '../../sip/local-address.ts';
import { moduleLogger } from '../../log.ts';
import type { AnalogStatus } from '../analog-status.ts';
import type { CallerIdentity, OutgoingCall, OutgoingCallEvents, PortSide, SipSide } from '../call-legs.ts';
import { type AudioDescription, type CardLaw, SdpError, answerOffer, parseAudio } from './call-sdp.ts';
import { GATEWAY_ALLOW, type GatewayCall, type GatewayCallContext, unescapeUser } from './gateway-call.ts';
import { IncomingGatewayCall } from './incoming-call.ts';
import { OutgoingGatewayCall } from './outgoing-call.ts';
import { RtpStream } from './rtp-stream.ts';
import { StationRegistration } from './station-registration.ts';

const log = moduleLogger('analog.sip');

/** The product string in User-Agent headers. */
export const GATEWAY_USER_AGENT = 'Hotline analog gateway 0.1';

/** An FXS phone the gateway registers at the PBX as its extension. */
export interface Station { extension: string; secret: string; port: number }

/** How to start a {@link GatewayUserAgent}. */
export interface GatewayUserAgentOptions {
  /** Address to bind SIP and RTP on: 127.0.0.1 normally. */
  bindAddress: string;
  /** UDP SIP port (analog sipPort, default 5062); 0 picks a free one (tests). */
  port: number;
  /** Where the PBX listens (UDP). Requests from any other address are refused 403. */
  pbx: { host: string; port: number };
  /** SIP domain/realm of the PBX (config.sip.domain ?? host). */
  domain: string;
  /** FXS phones to register. */
  stations: Station[];
  /** The card's law: calls offer PCMA (alaw) or PCMU (ulaw) plus telephone-event. */
  law: CardLaw;
  /** Where incoming calls go. */
  ports: PortSide;
  clock?: Clock;
  /** Expires asked for in REGISTER; default 300. */
  registerExpiresSec?: number;
  /**
   * The line group of an FXO port, sent as `;group=<name>` on calls from it (SipSide.call has no
   * group). Called at each call, so it may read state the gateway updates on config reload.
   */
  lineGroupOf?: (port: number) => string | undefined;
}

/** Test seams: the SIP transport and RFC 3261 timer values. */
export interface GatewayUserAgentDeps {
  /** Opens the SIP transport (a FakeNetwork endpoint in tests); real UDP on bindAddress:port by default. */
  listen?: (events: TransportEvents) => Promise<Transport>;
  /** T1/T2/T4; shorter ones make "the PBX does not answer" tests quick. */
  timers?: TimerValues;
}

/** The gateway's SIP user agent: registrations, calls both ways, one RTP endpoint per call. */
export class GatewayUserAgent implements SipSide {
  private readonly registrationsByExt = new Map<string, StationRegistration>();
  private stations = new Map<string, Station>();
  private readonly calls_ = new Set<GatewayCall>();
  private readonly dialogs = new Map<string, GatewayCall>();
  private readonly callCtx: GatewayCallContext;
  private readonly pbx: Endpoint;
  private stopping = false;

  private constructor(
    private readonly opts: GatewayUserAgentOptions,
    private readonly transport: Transport,
    private readonly tx: TransactionLayer,
    private readonly local: LocalIdentity,
    private readonly clock: Clock,
    timers: TimerValues,
  ) {
    this.pbx = { transport: 'udp', address: opts.pbx.host, port: opts.pbx.port };
    this.callCtx = {
      tx, clock, timers, local, pbx: this.pbx, domain: opts.domain, law: opts.law, bindAddress: opts.bindAddress, userAgent: GATEWAY_USER_AGENT,
      openRtp: () => RtpStream.open(opts.bindAddress, opts.law, clock),
      addDialog: (key, call) => { this.dialogs.set(key, call); },
      removed: (call) => {
        this.calls_.delete(call);
        if (call.dialog) this.dialogs.delete(call.dialog.key);
      },
    };
    tx.setUser({
      onRequest: (req, source) => this.onRequest(req, source),
      onAck: (ack) => this.dialogOf(ack)?.onAck(ack),
      onStrayResponse: (res) => this.onStrayResponse(res),
    });
  }

  /** Binds the SIP socket and starts registering every station. */
  static async start(opts: GatewayUserAgentOptions, deps: GatewayUserAgentDeps = {}): Promise<GatewayUserAgent> {
    const clock = opts.clock ?? systemClock;
    const timers = deps.timers ?? defaultTimers;
    let ua: GatewayUserAgent | undefined;
    let early: Array<[SipRequest | SipResponse, Endpoint]> | undefined = [];
    const events: TransportEvents = {
      onMessage: (m, s) => { if (ua) ua.receive(m, s); else early?.push([m, s]); },
      onMalformed: (info, s) => ua?.onMalformed(info.request, info.status, s),
    };
    const transport = deps.listen ? await deps.listen(events) : await listenUdp({ address: opts.bindAddress, port: opts.port }, events);
    const tx = new TransactionLayer(senderOver(transport), clock, timers);
    const local = new LocalIdentity(opts.bindAddress, { udp: transport.local.port, tcp: transport.local.port });
    ua = new GatewayUserAgent(opts, transport, tx, local, clock, timers);
    for (const [m, s] of early) ua.receive(m, s);
    early = undefined;
    ua.updateStations(opts.stations);
    log.info({ address: opts.bindAddress, port: transport.local.port, pbx: `${opts.pbx.host}:${opts.pbx.port}`, stations: opts.stations.length }, 'analog gateway SIP user agent started');
    return ua;
  }

  /** Where the SIP socket listens (the real port when started with 0). */
  get address(): { address: string; port: number } { return this.transport.local; }

  call(port: number, from: CallerIdentity, to: string, events: OutgoingCallEvents): OutgoingCall {
    // FXS or FXO is decided by the port, never by the caller ID: a PSTN caller whose number
    // happens to be an extension must not be taken for that extension.
    const station = [...this.stations.values()].find((s) => s.port === port);
    const group = station ? undefined : this.opts.lineGroupOf?.(port);
    const call = new OutgoingGatewayCall(this.callCtx, port, station
      ? { user: station.extension, credentials: { username: station.extension, password: station.secret } }
      : { user: from.number || 'anonymous', displayName: from.name || undefined, group },
    to, events);
    if (this.stopping || (!station && group === undefined)) {
      if (!this.stopping) log.error({ port }, 'call from a port that is neither a station nor in a line group; refused (the PBX could not tell who calls)');
      const status = this.stopping ? 503 : 500;
      queueMicrotask(() => {
        try { events.failed('congestion', status); } catch (err) { log.error({ err, port }, 'port side threw on a call event'); }
      });
      return call;
    }
    this.calls_.add(call);
    void call.start();
    return call;
  }

  /** Registers new stations, unregisters (Expires: 0) removed ones, re-registers changed secrets. */
  updateStations(stations: Station[]): void {
    const next = new Map(stations.map((s) => [s.extension, s]));
    for (const [ext, reg] of this.registrationsByExt) {
      if (!next.has(ext)) { void reg.stop(); this.registrationsByExt.delete(ext); }
    }
    for (const s of stations) {
      const reg = this.registrationsByExt.get(s.extension);
      if (reg) { reg.setSecret(s.secret); continue; }
      if (this.stopping) continue;
      const r = new StationRegistration(s.extension, s.secret, this.opts.registerExpiresSec ?? 300, {
        tx: this.tx, clock: this.clock, pbx: this.pbx, domain: this.opts.domain, userAgent: GATEWAY_USER_AGENT,
        contactFor: (ext) => this.local.contactUri(this.pbx, ext),
        via: () => this.local.via(this.pbx, newBranch()),
      });
      this.registrationsByExt.set(s.extension, r);
      r.start();
    }
    this.stations = next;
  }

  registrations(): AnalogStatus['registrations'] {
    return [...this.registrationsByExt.values()].map((r) => r.status());
  }

  calls(): AnalogStatus['calls'] {
    return [...this.calls_].map((c) => c.status());
  }

  /** CANCEL/BYE every call, unregister every station, close the sockets. Waits at most a few seconds for the PBX's answers. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const pending: Promise<void>[] = [];
    for (const c of [...this.calls_]) pending.push(c.shutdown());
    for (const r of this.registrationsByExt.values()) pending.push(r.stop());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(pending),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, 3000); }),
    ]);
    clearTimeout(timer);
    for (const c of [...this.calls_]) c.rtp?.close();
    await this.transport.close();
    log.info('analog gateway SIP user agent stopped');
  }

  // ---- receiving ----

  private receive(message: SipRequest | SipResponse, source: Endpoint): void {
    const missing = checkRequiredHeaders(message);
    if (missing) {
      if (message.isRequest && message.method !== 'ACK') this.sendStateless(createResponse(message, 400, `Bad Request (${missing})`), source);
      return;
    }
    this.tx.receive(message, source);
  }

  private onMalformed(request: SipRequest | undefined, status: number | undefined, source: Endpoint): void {
    if (request && request.method !== 'ACK') this.sendStateless(createResponse(request, status ?? 400), source);
  }

  private sendStateless(res: SipResponse, to: Endpoint): void {
    try {
      this.tx.sendStateless(res, to);
    } catch (err) {
      log.debug({ err }, 'could not answer a bad request');
    }
  }

  private onRequest(request: SipRequest, source: Endpoint): void {
    const stx = this.tx.serverTransactionOf(request);
    if (!stx) return;
    try {
      this.dispatch(request, stx, source);
    } catch (err) {
      log.error({ err, method: request.method, source: source.address }, 'request handler failed');
      if (!stx.finalSent) stx.respond(createResponse(request, 500, 'Server Internal Error', newTag()));
    }
  }

  private dispatch(request: SipRequest, stx: NonNullable<ReturnType<TransactionLayer['serverTransactionOf']>>, source: Endpoint): void {
    // Only the PBX talks to the gateway (it listens on loopback; this keeps other local processes out).
    if (source.address !== this.pbx.address) {
      stx.respond(createResponse(request, 403, 'Forbidden', newTag()));
      return;
    }
    if (request.to.params.get('tag')) {
      const call = this.dialogOf(request);
      if (call) call.onInDialogRequest(request, stx);
      else stx.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    switch (request.method) {
      case 'INVITE':
        this.onInvite(request, stx, source);
        return;
      case 'OPTIONS':
        stx.respond(optionsResponse(request, GATEWAY_ALLOW, newTag()));
        return;
      case 'BYE':
        stx.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist', newTag()));
        return;
      default:
        stx.respond(methodNotAllowed(request, GATEWAY_ALLOW, newTag()));
    }
  }

  /** A new call from the PBX: to a station, or (`;group=`) out through a line group. */
  private onInvite(request: SipRequest, stx: NonNullable<ReturnType<TransactionLayer['serverTransactionOf']>>, source: Endpoint): void {
    const refuse = (status: number, reason?: string) => stx.respond(createResponse(request, status, reason, newTag()));
    if (this.stopping) { refuse(503); return; }
    const uri = request.requestUri;
    if (uri.scheme !== 'sip' && uri.scheme !== 'sips') { refuse(416); return; }
    const number = unescapeUser(uri.user ?? '');
    const group = uri.params.get('group') ?? undefined;
    if (number === '') { refuse(404, 'Not Found (no number in the Request-URI)'); return; }
    const station = group === undefined ? this.stations.get(number) : undefined;
    if (group === undefined && !station) { refuse(404, 'Not Found (no such station)'); return; }
    let offer: AudioDescription | undefined;
    if (request.body.length > 0) {
      try {
        offer = parseAudio(request.body);
        answerOffer(offer, this.opts.law);
      } catch (err) {
        if (!(err instanceof SdpError)) throw err;
        const res = createResponse(request, 488, 'Not Acceptable Here', newTag());
        res.headers.set('Warning', `304 hotline-gateway "${err.message.replace(/"/g, "'")}"`);
        stx.respond(res);
        return;
      }
    }
    const from = request.from;
    const fromUser = from.uri.user !== undefined ? unescapeUser(from.uri.user) : undefined;
    const caller: CallerIdentity = {};
    if (fromUser && fromUser.toLowerCase() !== 'anonymous') caller.number = fromUser;
    if (from.displayName) caller.name = from.displayName.replace(/^"(.*)"$/, '$1');
    const call = new IncomingGatewayCall(this.callCtx, station?.port ?? 0, number, caller, request, stx, source, offer);
    this.calls_.add(call);
    void this.offer(call, group);
  }

  private async offer(call: IncomingGatewayCall, group: string | undefined): Promise<void> {
    try {
      call.rtp = await this.callCtx.openRtp();
    } catch (err) {
      log.error({ err }, 'no RTP port for an incoming call');
      call.reject(503);
      return;
    }
    if (call.ended) { call.rtp.close(); return; } // cancelled while the port was bound
    try {
      if (group !== undefined) this.opts.ports.offerToLineGroup(group, call);
      else this.opts.ports.offerToStation(call.number, call);
    } catch (err) {
      log.error({ err, group, number: call.number }, 'port side threw on an offered call');
      call.reject(503);
    }
  }

  private dialogOf(request: SipRequest): GatewayCall | undefined {
    // Requests from the PBX carry our tag in To and its tag in From.
    return this.dialogs.get(dialogKey(request.callId, request.to.params.get('tag') ?? '', request.from.params.get('tag') ?? ''));
  }

  private onStrayResponse(res: SipResponse): void {
    if (res.status < 200 || res.status >= 300) return;
    // A 2xx retransmitted after its transaction ended: From tag is ours, To tag the PBX's.
    const call = this.dialogs.get(dialogKey(res.callId, res.from.params.get('tag') ?? '', res.to.params.get('tag') ?? ''));
    call?.onLate2xx(res);
  }
}
