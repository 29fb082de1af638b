import { Headers, SipRequest, type SipResponse, newBranch, newCallId, newTag } from '../../sip/message/index.ts';
import type { ClientTransaction, TransactionLayer } from '../../sip/transaction/index.ts';
import { Dialog } from '../../sip/dialog/index.ts';
import type { LocalIdentity } from '../../sip/local-address.ts';
import { authorizationFor, pickChallenge } from '../../sip/auth/index.ts';
import { chooseFinal } from '../final-response.ts';
import { failsOver } from '../carrier-failover.ts';
import { ALLOWED_METHODS } from '../request-guard.ts';
import type { ForkTarget } from '../call.ts';

/** What a {@link TargetCall} reports. `answered` returns false when the answer cannot be used (the PBX then hangs up that dialog). */
export interface TargetCallEvents {
  ringing(): void;
  answered(dialog: Dialog, response: SipResponse, target: ForkTarget): boolean;
  failed(status: number): void;
}

/** What a {@link TargetCall} needs from the PBX. */
export interface TargetCallDeps { tx: TransactionLayer; local: LocalIdentity; userAgent: string }

/**
 * The new call a blind transfer places on behalf of the transferor (RFC 5589 §6): one
 * INVITE per target, all at once (an extension's contacts) or one after another while a
 * carrier fails over (an outbound route), answering one digest challenge per carrier with
 * its credentials. The SDP offer is built per destination by `offer` (the PBX's relay port
 * of the leg the transferor leaves). The first 2xx wins; the others are cancelled.
 */
export class TargetCall {
  private callId = '';
  private readonly fromTag = newTag();
  private cseq = 1;
  private readonly live = new Set<ClientTransaction>();
  private readonly statuses: number[] = [];
  private done = false;
  private rang = false;
  private remaining: ForkTarget[] = [];
  /** The dialog of the 2xx that won, so its retransmissions are only acknowledged again. */
  private winner: Dialog | undefined;

  constructor(private readonly deps: TargetCallDeps, private readonly offer: (host: string) => Buffer, private readonly events: TargetCallEvents) {}

  /** Places the call: every target at once, or `sequential` one by one while carriers fail over. */
  start(targets: ForkTarget[], sequential: boolean): void {
    if (targets.length === 0) { this.finish(503); return; }
    this.callId = newCallId(this.deps.local.hostFor(targets[0]!.dest));
    if (!sequential) { for (const t of targets) this.send(t); return; }
    this.remaining = targets.slice(1);
    this.send(targets[0]!);
  }

  /** Gives up (the transfer was abandoned): CANCEL whatever still rings. */
  cancel(): void {
    this.done = true;
    for (const t of this.live) t.cancel();
    this.live.clear();
  }

  private send(target: ForkTarget, authorization?: { header: string; value: string }): void {
    const host = this.deps.local.hostFor(target.dest);
    const h = new Headers();
    h.append('Via', this.deps.local.via(target.dest, newBranch()));
    h.append('Max-Forwards', '70');
    h.append('From', `${target.fromName ? `"${target.fromName.replace(/["\\]/g, '')}" ` : ''}<sip:${target.fromUser}@${host}>;tag=${this.fromTag}`);
    h.append('To', `<sip:${target.toUser}@${target.toHost ?? host}>`);
    h.append('Call-ID', this.callId);
    h.append('CSeq', `${this.cseq++} INVITE`);
    if (authorization) h.append(authorization.header, authorization.value);
    h.append('Contact', `<${this.deps.local.contactUri(target.dest)}>`);
    h.append('Allow', ALLOWED_METHODS);
    h.append('User-Agent', this.deps.userAgent);
    h.append('Content-Type', 'application/sdp');
    const invite = new SipRequest('INVITE', target.requestUri, h, this.offer(host));
    let challenged = authorization !== undefined;
    const tx: ClientTransaction = this.deps.tx.request(invite, target.dest, {
      onResponse: (res) => {
        if (res.status < 200) {
          if (res.status !== 100 && !this.rang && !this.done) { this.rang = true; this.events.ringing(); }
          return;
        }
        this.live.delete(tx);
        if (res.status < 300) { this.on2xx(invite, res, target); return; }
        if ((res.status === 401 || res.status === 407) && !challenged && target.credentials && !this.done) {
          const challenge = pickChallenge(res.headers.getAll(res.status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate'));
          if (challenge) {
            challenged = true;
            const value = authorizationFor(challenge, target.credentials, 'INVITE', target.requestUri);
            this.send(target, { header: res.status === 407 ? 'Proxy-Authorization' : 'Authorization', value });
            return;
          }
        }
        this.onFinal(res.status);
      },
      onTimeout: () => { this.live.delete(tx); this.onFinal(408); },
    });
    this.live.add(tx);
  }

  private on2xx(invite: SipRequest, res: SipResponse, target: ForkTarget): void {
    if (this.winner && this.winner.remoteTag === res.to.params.get('tag')) {
      // A retransmitted 2xx: our ACK was lost (RFC 3261 §13.2.2.4).
      this.deps.tx.sendStateless(this.winner.createRequest('ACK', this.deps.local, { seq: invite.cseq.seq }), this.winner.destination);
      return;
    }
    const dialog = Dialog.asUac(invite, res, target.dest);
    this.deps.tx.sendStateless(dialog.createRequest('ACK', this.deps.local, { seq: invite.cseq.seq }), dialog.destination);
    const bye = () => this.deps.tx.request(dialog.createRequest('BYE', this.deps.local), dialog.destination, { onResponse() {}, onTimeout() {} });
    // A second contact answering, or an answer after the transfer was abandoned: hang it up (RFC 3261 §16.7).
    if (this.done) { bye(); return; }
    this.done = true;
    this.winner = dialog;
    for (const t of this.live) t.cancel();
    this.live.clear();
    if (!this.events.answered(dialog, res, target)) bye();
  }

  private onFinal(status: number): void {
    if (this.done) return;
    this.statuses.push(status === 401 || status === 407 ? 503 : status);
    const next = failsOver(status) ? this.remaining.shift() : undefined;
    if (next) { this.send(next); return; }
    this.remaining = [];
    if (this.live.size > 0) return;
    this.finish(chooseFinal(this.statuses).status);
  }

  private finish(status: number): void {
    if (this.done) return;
    this.done = true;
    this.events.failed(status);
  }
}
