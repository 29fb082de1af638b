// One FXS phone's registration at the PBX (RFC 3261 §10.2): the gateway registers each
// station as its extension, answering the PBX's digest challenge (RFC 7616) with the
// extension's secret, refreshes before expiry and retries with backoff when it fails.
import { Headers, SipRequest, type SipResponse, newCallId, newTag } from '../../sip/message/index.ts';
import type { Endpoint } from '../../sip/transport/index.ts';
import type { TransactionLayer } from '../../sip/transaction/index.ts';
import { authorizationFor, pickChallenge } from '../../sip/auth/index.ts';
import type { Clock, TimerHandle } from '../../sip/clock.ts';
import { moduleLogger } from '../../log.ts';

const log = moduleLogger('analog.sip.register');

/** First wait before retrying a failed registration; doubles up to {@link MAX_RETRY_MS}. */
export const FIRST_RETRY_MS = 5_000;
/** Longest wait between retries. */
export const MAX_RETRY_MS = 300_000;

/** What a registration reports (AnalogStatus['registrations'] entries). */
export interface RegistrationStatus { extension: string; state: 'registering' | 'registered' | 'failed' | 'unregistered'; expiresAt?: string; lastError?: string }

/** What a registration needs from the user agent. */
export interface RegistrationContext {
  tx: TransactionLayer;
  clock: Clock;
  pbx: Endpoint;
  domain: string;
  /** Contact URI (without brackets) for an extension: sip:<ext>@bindAddress:port. */
  contactFor(extension: string): string;
  /** Via header value with a fresh branch. */
  via(): string;
  userAgent: string;
}

/** The registration of one station's extension. */
export class StationRegistration {
  private state: RegistrationStatus['state'] = 'unregistered';
  private lastError: string | undefined;
  private expiresAt: number | undefined;
  private timer: TimerHandle | undefined;
  private retryMs = FIRST_RETRY_MS;
  private cseq = 1;
  private readonly callId: string;
  private readonly fromTag = newTag();
  private stopped = false;
  /** Expires asked for: the configured value, raised to the registrar's Min-Expires after a 423. */
  private askSec: number;
  /** Bumped on every new attempt, so the answer to an older one is ignored. */
  private attempt = 0;

  constructor(
    readonly extension: string,
    private secret: string,
    private readonly expiresSec: number,
    private readonly ctx: RegistrationContext,
  ) {
    // One Call-ID for all registrations of this contact (RFC 3261 §10.2.4).
    this.callId = newCallId(ctx.pbx.address);
    this.askSec = expiresSec;
  }

  /** Sends the first REGISTER. */
  start(): void {
    this.register();
  }

  /** A new secret (config reload): registers again at once with it. */
  setSecret(secret: string): void {
    if (secret === this.secret) return;
    this.secret = secret;
    if (this.stopped) return;
    this.timer?.cancel();
    this.retryMs = FIRST_RETRY_MS;
    this.register();
  }

  /** Stops refreshing; a registered (or registering) station sends Expires: 0 (§10.2.2). Resolves when the PBX answered or gave up. */
  stop(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    this.timer?.cancel();
    this.attempt++;
    const wasBound = this.state === 'registered' || this.state === 'registering';
    this.state = 'unregistered';
    this.expiresAt = undefined;
    if (!wasBound) return Promise.resolve();
    return new Promise<void>((resolve) => this.send(0, undefined, () => resolve()));
  }

  /** The state for the status page. */
  status(): RegistrationStatus {
    const s: RegistrationStatus = { extension: this.extension, state: this.state };
    if (this.expiresAt !== undefined) s.expiresAt = new Date(this.expiresAt).toISOString();
    if (this.lastError !== undefined) s.lastError = this.lastError;
    return s;
  }

  private register(): void {
    if (this.stopped) return;
    if (this.state !== 'registered') this.state = 'registering';
    const attempt = ++this.attempt;
    this.send(this.askSec, undefined, (res, error) => {
      if (attempt === this.attempt) this.onResult(res, error);
    });
  }

  private onResult(res: SipResponse | undefined, error: string | undefined): void {
    if (this.stopped) return;
    if (res && res.status >= 200 && res.status < 300) {
      const granted = grantedExpires(res, this.ctx.contactFor(this.extension), this.askSec);
      this.state = 'registered';
      this.expiresAt = this.ctx.clock.now() + granted * 1000;
      this.lastError = undefined;
      this.retryMs = FIRST_RETRY_MS;
      // Refresh at 80 % of the granted time (RFC 3261 §10.2.4 leaves the margin to the client).
      this.timer = this.ctx.clock.setTimer(Math.max(1, granted * 0.8) * 1000, () => this.register());
      return;
    }
    this.state = 'failed';
    this.expiresAt = undefined;
    this.lastError = error ?? (res ? `${res.status} ${res.reason}` : 'no answer');
    log.warn({ extension: this.extension, error: this.lastError, retryInMs: this.retryMs }, 'station registration failed');
    this.timer = this.ctx.clock.setTimer(this.retryMs, () => this.register());
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  /** Sends REGISTER, answering one digest challenge; `done` gets the final response, or an error text. */
  private send(expires: number, authorization: { header: string; value: string } | undefined, done: (res: SipResponse | undefined, error?: string) => void): void {
    const { pbx, domain } = this.ctx;
    const uri = `sip:${domain}`;
    const aor = `<sip:${this.extension}@${domain}>`;
    const h = new Headers();
    h.append('Via', this.ctx.via());
    h.append('Max-Forwards', '70');
    h.append('From', `${aor};tag=${this.fromTag}`);
    h.append('To', aor);
    h.append('Call-ID', this.callId);
    h.append('CSeq', `${this.cseq++} REGISTER`);
    h.append('Contact', `<${this.ctx.contactFor(this.extension)}>`);
    h.append('Expires', String(expires));
    h.append('User-Agent', this.ctx.userAgent);
    if (authorization) h.append(authorization.header, authorization.value);
    const req = new SipRequest('REGISTER', uri, h);
    this.ctx.tx.request(req, pbx, {
      onResponse: (res) => {
        if (res.status < 200) return;
        if ((res.status === 401 || res.status === 407) && !authorization) {
          const proxy = res.status === 407;
          const challenge = pickChallenge(res.headers.getAll(proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate'));
          if (!challenge) { done(res, `${res.status} without a usable digest challenge`); return; }
          const value = authorizationFor(challenge, { username: this.extension, password: this.secret }, 'REGISTER', uri);
          this.send(expires, { header: proxy ? 'Proxy-Authorization' : 'Authorization', value }, done);
          return;
        }
        const minExpires = res.status === 423 ? Number(res.headers.get('Min-Expires')) : NaN;
        if (minExpires > expires && minExpires <= 86_400 && !this.stopped) {
          // RFC 3261 §10.2.8: the registrar wants a longer interval; ask again (fresh challenge) with its minimum.
          this.askSec = minExpires;
          this.send(minExpires, undefined, done);
          return;
        }
        if (res.status === 401 || res.status === 407 || res.status === 403) {
          done(res, `${res.status} ${res.reason}: the PBX refused the credentials of extension ${this.extension} (check its secret)`);
          return;
        }
        done(res);
      },
      onTimeout: () => done(undefined, `no answer from the PBX at ${pbx.address}:${pbx.port}`),
    });
  }
}

/** The expiry granted for our contact: its expires param, else the Expires header, else what we asked (§10.2.4). */
function grantedExpires(res: SipResponse, contact: string, asked: number): number {
  let any: number | undefined;
  for (const c of res.contacts) {
    if (c.star) continue;
    const e = c.value.params.get('expires');
    if (e == null || !/^\d+$/.test(e)) continue;
    const uri = `sip:${c.value.uri.user ? `${c.value.uri.user}@` : ''}${c.value.uri.host}${c.value.uri.port !== undefined ? `:${c.value.uri.port}` : ''}`;
    if (uri === contact) return Number(e);
    any ??= Number(e);
  }
  return any ?? res.expires ?? asked;
}
