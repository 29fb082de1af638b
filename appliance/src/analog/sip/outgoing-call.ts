// A call a port places through the PBX (RFC 3261 §13.2, the UAC side): an FXS phone
// dialled, or a PSTN call arrived on an FXO line. INVITE with the card's law offered,
// one digest retry when challenged, provisional and final responses turned into the
// port's OutgoingCallEvents, CANCEL before the answer and BYE after.
import { Headers, SipRequest, type SipResponse, newBranch, newCallId, newTag } from '../../sip/message/index.ts';
import type { ClientTransaction } from '../../sip/transaction/index.ts';
import { Dialog } from '../../sip/dialog/index.ts';
import { authorizationFor, pickChallenge } from '../../sip/auth/index.ts';
import { moduleLogger } from '../../log.ts';
import type { OutgoingCall, OutgoingCallEvents } from '../call-legs.ts';
import { GATEWAY_ALLOW, GatewayCall, type GatewayCallContext, escapeUser, quoteDisplayName } from './gateway-call.ts';
import { parseAudio, readAnswer } from './call-sdp.ts';

const log = moduleLogger('analog.sip.out');

/** Who the INVITE says is calling, and how to authenticate if the PBX challenges. */
export interface CallingParty {
  /** From user: the FXS extension, or the caller ID number on an FXO line (`anonymous` when withheld). */
  user: string;
  displayName?: string;
  /** FXS: the extension's digest credentials. */
  credentials?: { username: string; password: string };
  /** FXO: the line group the call arrived on, sent as `;group=` in the Request-URI. */
  group?: string;
}

/** One call placed from a port. */
export class OutgoingGatewayCall extends GatewayCall implements OutgoingCall {
  private readonly callId: string;
  private readonly fromTag = newTag();
  private readonly requestUri: string;
  private cseq = 1;
  private invite: SipRequest | undefined;
  private inviteTx: ClientTransaction | undefined;
  private authTried = false;
  private hungUp = false;
  private ringingSent = false;
  private answered = false;
  private failedSent = false;
  private byeDone: Promise<void> | undefined;

  constructor(
    ctx: GatewayCallContext,
    port: number,
    private readonly party: CallingParty,
    dialled: string,
    private readonly events: OutgoingCallEvents,
  ) {
    super(ctx, 'out', port, dialled);
    this.callId = newCallId(ctx.bindAddress);
    const { pbx } = ctx;
    this.requestUri = `sip:${escapeUser(dialled)}@${pbx.address}:${pbx.port}${party.group ? `;group=${party.group}` : ''}`;
    this.state = 'dialing';
  }

  /** Binds the RTP endpoint and sends the INVITE. Never rejects: a failure becomes `failed('congestion')`. */
  async start(): Promise<void> {
    try {
      this.rtp = await this.ctx.openRtp();
    } catch (err) {
      log.error({ err, port: this.port }, 'no RTP port for the call');
      this.fail(503);
      return;
    }
    if (this.hungUp) { this.finish(); return; }
    this.sendInvite(undefined);
  }

  hangup(): void {
    if (this.hungUp || this.ended) return;
    this.hungUp = true;
    if (this.answered) {
      this.byeDone = this.sendBye();
      this.finish();
      return;
    }
    if (!this.inviteTx) { if (this.rtp) this.finish(); return; } // start() finishes once the port is bound
    // RFC 3261 §9.1: CANCEL goes out once a provisional arrived (the transaction waits for one).
    this.inviteTx.cancel();
    this.state = 'cancelling';
  }

  shutdown(): Promise<void> {
    this.hangup();
    // Answered: wait for the BYE's answer; still ringing: for the 487 after our CANCEL.
    return this.byeDone ?? this.over;
  }

  protected remoteEnded(): void {
    if (this.answered) this.notify(() => this.events.ended());
  }

  private sendInvite(authorization: { header: string; value: string } | undefined): void {
    const { ctx, party } = this;
    const domain = ctx.domain;
    const h = new Headers();
    h.append('Via', ctx.local.via(ctx.pbx, newBranch()));
    h.append('Max-Forwards', '70');
    const display = party.displayName ? `${quoteDisplayName(party.displayName)} ` : '';
    h.append('From', `${display}<sip:${escapeUser(party.user)}@${domain}>;tag=${this.fromTag}`);
    h.append('To', `<sip:${escapeUser(this.number)}@${domain}>`);
    h.append('Call-ID', this.callId);
    h.append('CSeq', `${this.cseq} INVITE`);
    h.append('Contact', `<${ctx.local.contactUri(ctx.pbx, escapeUser(party.user))}>`);
    h.append('Allow', GATEWAY_ALLOW);
    h.append('User-Agent', ctx.userAgent);
    if (authorization) h.append(authorization.header, authorization.value);
    h.append('Content-Type', 'application/sdp');
    const invite = new SipRequest('INVITE', this.requestUri, h, this.offerSdp('sendrecv'));
    this.invite = invite;
    this.inviteTx = ctx.tx.request(invite, ctx.pbx, {
      onResponse: (res) => { if (invite === this.invite) this.onResponse(res); },
      onTimeout: () => { if (invite === this.invite) this.onFinalFailure(408); },
    });
  }

  private onResponse(res: SipResponse): void {
    const status = res.status;
    if (status < 200) {
      if (status === 100 || this.ended) return;
      // Early audio only when the SDP is usable: otherwise the port plays its own ringback.
      let early = false;
      if (res.body.length > 0) {
        try {
          this.applyRemote(readAnswer(parseAudio(res.body)));
          this.state = 'early-media';
          early = true;
        } catch (err) {
          log.debug({ err: (err as Error).message }, 'early media SDP ignored');
        }
      }
      if (!early && this.state === 'dialing') {
        this.state = 'ringing';
      }
      if (!this.ringingSent && !this.hungUp) {
        this.ringingSent = true;
        this.notify(() => this.events.ringing(early));
      }
      return;
    }
    if (status < 300) { this.on2xx(res); return; }
    if ((status === 401 || status === 407) && !this.authTried && this.party.credentials && !this.hungUp) {
      const proxy = status === 407;
      const challenge = pickChallenge(res.headers.getAll(proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate'));
      if (challenge) {
        this.authTried = true;
        this.cseq++;
        const value = authorizationFor(challenge, this.party.credentials, 'INVITE', this.requestUri);
        this.sendInvite({ header: proxy ? 'Proxy-Authorization' : 'Authorization', value });
        return;
      }
    }
    this.onFinalFailure(status);
  }

  private on2xx(res: SipResponse): void {
    const invite = this.invite!;
    if (this.dialog) {
      // A retransmitted 2xx: our ACK was lost (RFC 3261 §13.2.2.4).
      this.ctx.tx.sendStateless(this.dialog.createRequest('ACK', this.ctx.local, { seq: invite.cseq.seq }), this.dialog.destination);
      return;
    }
    const dialog = Dialog.asUac(invite, res, this.ctx.pbx);
    this.dialog = dialog;
    this.ctx.addDialog(dialog.key, this);
    this.ctx.tx.sendStateless(dialog.createRequest('ACK', this.ctx.local, { seq: invite.cseq.seq }), dialog.destination);
    if (this.hungUp || this.ended) {
      // Answered while our CANCEL crossed it (RFC 3261 §9.1): the call exists, end it.
      this.byeDone = this.sendBye();
      this.finish();
      return;
    }
    try {
      if (res.body.length > 0) this.applyRemote(readAnswer(parseAudio(res.body)));
      else if (!this.negotiated) throw new Error('the 2xx carries no SDP answer');
    } catch (err) {
      log.warn({ err: (err as Error).message, callId: this.callId }, 'unusable SDP answer; hanging up');
      this.byeDone = this.sendBye();
      this.finish();
      this.fail(488);
      return;
    }
    this.answered = true;
    this.state = 'connected';
    this.notify(() => this.events.answered());
  }

  private onFinalFailure(status: number): void {
    if (this.hungUp) { this.finish(); return; } // 487 to our CANCEL, or a race with it: the port already hung up
    this.finish();
    this.fail(status);
  }

  private fail(status: number): void {
    if (this.failedSent || this.answered) return;
    this.failedSent = true;
    this.finish();
    // The seam's rule: 486 Busy Here and 600 Busy Everywhere are busy, the rest congestion.
    this.notify(() => this.events.failed(status === 486 || status === 600 ? 'busy' : 'congestion', status));
  }

  /** Calls the port side; an exception there is logged, never thrown into the SIP stack or a timer. */
  private notify(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      log.error({ err, port: this.port }, 'port side threw on a call event');
    }
  }
}
