import { Headers, SipRequest, type SipResponse, newBranch, newCallId, newTag } from '../../sip/message/index.ts';
import type { Endpoint } from '../../sip/transport/index.ts';
import type { TransactionLayer } from '../../sip/transaction/index.ts';
import { authorizationFor, pickChallenge } from '../../sip/auth/index.ts';
import type { Clock, TimerHandle } from '../../sip/clock.ts';
import type { LocalIdentity } from '../../sip/local-address.ts';
import type { TrunkSettings } from '../../config/index.ts';
import { moduleLogger } from '../../log.ts';

const log = moduleLogger('pbx.trunk');

/**
 * What a trunk is doing, as the UI and SNMP report it: `up` (registered, or answering
 * OPTIONS when it does not register), `registering`, `unregistered` (the carrier refused
 * or has not accepted the registration yet), `down` (no answer to OPTIONS or REGISTER).
 */
export type TrunkState = 'up' | 'registering' | 'unregistered' | 'down';

/** A trunk's state for status pages. */
export interface TrunkStatus { name: string; host: string; port: number; transport: string; state: TrunkState; since: string; registeredUntil?: string; lastError?: string }

/** Longest wait between registration retries after failures. */
const MAX_RETRY_MS = 300_000;

/**
 * One SIP trunk to a carrier or gateway: registers when configured (RFC 3261 §10.2, digest
 * per RFC 7616 with the carrier's challenge), refreshes before expiry, retries with backoff,
 * and probes with OPTIONS (a keepalive that also tells whether the far end answers at all).
 */
export class Trunk {
  private state: TrunkState;
  private since: number;
  private lastError: string | undefined;
  private registeredUntil: number | undefined;
  private registerTimer: TimerHandle | undefined;
  private keepaliveTimer: TimerHandle | undefined;
  private retryMs = 30_000;
  private cseq = 1;
  private readonly callId: string;
  private readonly fromTag = newTag();
  private readonly to: Endpoint;
  private stopped = false;

  constructor(
    readonly settings: TrunkSettings,
    private readonly deps: { tx: TransactionLayer; local: LocalIdentity; clock: Clock; onStateChange?: (name: string, state: TrunkState) => void },
  ) {
    this.to = { transport: settings.transport, address: settings.host, port: settings.port };
    this.callId = newCallId(deps.local.hostFor(this.to));
    this.state = settings.register ? 'registering' : 'down';
    this.since = deps.clock.now();
  }

  /** Starts registering (when configured) and the OPTIONS keepalive. */
  start(): void {
    // A registration proves reachability by itself: its first keepalive waits one interval.
    if (this.settings.register) this.register();
    this.scheduleKeepalive(this.settings.register ? this.settings.keepaliveSec * 1000 : 0);
  }

  /** Stops timers; a registered trunk sends a REGISTER with Expires: 0 (RFC 3261 §10.2.2). */
  stop(): void {
    this.stopped = true;
    this.registerTimer?.cancel();
    this.keepaliveTimer?.cancel();
    if (this.settings.register && this.registeredUntil !== undefined) this.sendRegister(0, undefined, () => {});
  }

  /** The state alone, without building a status (asked on every outbound call). */
  get currentState(): TrunkState { return this.state; }

  /** The trunk's state for status pages. */
  status(): TrunkStatus {
    const s = this.settings;
    return {
      name: s.name, host: s.host, port: s.port, transport: s.transport, state: this.state, since: new Date(this.since).toISOString(),
      ...(this.registeredUntil !== undefined ? { registeredUntil: new Date(this.registeredUntil).toISOString() } : {}),
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }

  private register(): void {
    this.setState(this.state === 'up' ? 'up' : 'registering');
    this.sendRegister(this.settings.expiresSec, undefined, (res) => this.onRegisterResult(res));
  }

  private onRegisterResult(res: SipResponse | undefined): void {
    if (this.stopped) return;
    if (res && res.status >= 200 && res.status < 300) {
      const granted = grantedExpires(res, this.settings.expiresSec);
      this.registeredUntil = this.deps.clock.now() + granted * 1000;
      this.lastError = undefined;
      this.retryMs = 30_000;
      this.setState('up');
      // Refresh well before expiry (RFC 3261 §10.2.4 leaves the margin to the client).
      this.registerTimer = this.deps.clock.setTimer(Math.max(5, granted * 0.8) * 1000, () => this.register());
      return;
    }
    this.registeredUntil = undefined;
    this.lastError = res ? `${res.status} ${res.reason}` : 'no answer';
    this.setState(res ? 'unregistered' : 'down');
    log.warn({ trunk: this.settings.name, error: this.lastError, retryInMs: this.retryMs }, 'trunk registration failed');
    this.registerTimer = this.deps.clock.setTimer(this.retryMs, () => this.register());
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  /** Sends REGISTER, answering one digest challenge; `done` gets the final response, or undefined on timeout. */
  private sendRegister(expires: number, authorization: string | undefined, done: (res: SipResponse | undefined) => void): void {
    const s = this.settings;
    const uri = `sip:${s.host}:${s.port}`;
    const req = this.request('REGISTER', uri, `<sip:${s.username}@${s.host}>`);
    req.headers.set('Contact', `<${this.deps.local.contactUri(this.to, s.username)}>`);
    req.headers.set('Expires', String(expires));
    if (authorization) req.headers.set(authorization.startsWith('Proxy:') ? 'Proxy-Authorization' : 'Authorization', authorization.replace(/^Proxy:/, ''));
    this.deps.tx.request(req, this.to, {
      onResponse: (res) => {
        if (res.status < 200) return;
        if ((res.status === 401 || res.status === 407) && !authorization && s.username && s.password) {
          const proxy = res.status === 407;
          const challenge = pickChallenge(res.headers.getAll(proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate'));
          if (challenge) {
            const value = authorizationFor(challenge, { username: s.username, password: s.password }, 'REGISTER', uri);
            this.sendRegister(expires, proxy ? `Proxy:${value}` : value, done);
            return;
          }
        }
        done(res);
      },
      onTimeout: () => done(undefined),
    });
  }

  private scheduleKeepalive(delayMs: number): void {
    this.keepaliveTimer = this.deps.clock.setTimer(delayMs, () => {
      if (this.stopped) return;
      const s = this.settings;
      const req = this.request('OPTIONS', `sip:${s.host}:${s.port}`, `<sip:${s.host}:${s.port}>`);
      this.deps.tx.request(req, this.to, {
        // Any final answer, even 404 or 405, proves the far end is alive (RFC 3261 §11).
        onResponse: (res) => {
          if (res.status < 200 || this.stopped) return;
          if (!s.register) this.setState('up');
          else if (this.state === 'down') this.register();
        },
        onTimeout: () => {
          if (this.stopped) return;
          this.lastError = 'no answer to OPTIONS';
          this.setState('down');
        },
      });
      this.scheduleKeepalive(s.keepaliveSec * 1000);
    });
  }

  private request(method: string, uri: string, to: string): SipRequest {
    const s = this.settings;
    const h = new Headers();
    h.append('Via', this.deps.local.via(this.to, newBranch()));
    h.append('Max-Forwards', '70');
    const fromUser = s.username ?? 'hotline';
    h.append('From', `<sip:${fromUser}@${s.host}>;tag=${this.fromTag}`);
    h.append('To', to);
    // One Call-ID for the registrations of this trunk, as RFC 3261 §10.2 asks; OPTIONS get their own.
    h.append('Call-ID', method === 'REGISTER' ? this.callId : newCallId(this.deps.local.hostFor(this.to)));
    h.append('CSeq', `${this.cseq++} ${method}`);
    h.append('User-Agent', 'Hotline PBX');
    return new SipRequest(method, uri, h);
  }

  private setState(state: TrunkState): void {
    if (state === this.state) return;
    log.info({ trunk: this.settings.name, from: this.state, to: state }, 'trunk state changed');
    this.state = state;
    this.since = this.deps.clock.now();
    this.deps.onStateChange?.(this.settings.name, state);
  }
}

/** The expiry the registrar granted: our contact's expires param, else the Expires header, else what we asked. */
function grantedExpires(res: SipResponse, asked: number): number {
  for (const c of res.contacts) {
    const e = c.star ? undefined : c.value.params.get('expires');
    if (e != null && /^\d+$/.test(e)) return Number(e);
  }
  return res.expires ?? asked;
}
