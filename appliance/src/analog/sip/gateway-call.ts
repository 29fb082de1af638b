// What calls placed and taken by the gateway share: the dialog with the PBX (RFC 3261 §12),
// the RTP stream, hold by re-INVITE (RFC 3264 §8.4), and requests inside the dialog.
import { randomInt } from 'node:crypto';
import { createResponse, methodNotAllowed, type SipRequest, type SipResponse } from '../../sip/message/index.ts';
import type { Endpoint } from '../../sip/transport/index.ts';
import type { ServerTransaction, TimerValues, TransactionLayer } from '../../sip/transaction/index.ts';
import type { Dialog } from '../../sip/dialog/index.ts';
import type { Clock } from '../../sip/clock.ts';
import type { LocalIdentity } from '../../sip/local-address.ts';
import { Reliable2xx } from '../../pbx/reliable-2xx.ts';
import { moduleLogger } from '../../log.ts';
import type { CallAudio, PortCall } from '../call-legs.ts';
import {
  type CardLaw, type Direction, type NegotiatedAudio, SdpError, answerOffer, gatewaySdp, offerParams, parseAudio, readAnswer,
} from './call-sdp.ts';
import type { RtpStream } from './rtp-stream.ts';
import { sipfragStatus, transferCall } from './call-transfer.ts';

const log = moduleLogger('analog.sip.call');

/** Methods the gateway handles, for Allow headers (RFC 3261 §20.5). */
export const GATEWAY_ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE';

/** What a call needs from the user agent that owns it. */
export interface GatewayCallContext {
  tx: TransactionLayer;
  clock: Clock;
  timers: TimerValues;
  local: LocalIdentity;
  pbx: Endpoint;
  domain: string;
  law: CardLaw;
  bindAddress: string;
  userAgent: string;
  /** Opens the call's RTP endpoint. */
  openRtp(): Promise<RtpStream>;
  /** Files the dialog so requests inside it reach this call. */
  addDialog(key: string, call: GatewayCall): void;
  /** The call is over: drop it from every table. */
  removed(call: GatewayCall): void;
}

/** A call's line in AnalogStatus['calls']. */
export interface CallStatus { port: number; direction: 'in' | 'out'; state: string; number?: string }

/** Our 2xx awaiting its ACK, with a delayed-offer answer to read from the ACK (RFC 3264 §4). */
interface Pending2xx { seq: number; retransmit?: Reliable2xx; answerInAck: boolean }

/** The common half of {@link OutgoingGatewayCall} and {@link IncomingGatewayCall}. */
export abstract class GatewayCall {
  /** What the status page shows: dialing, ringing, early-media, connected, held, ended... */
  state = 'setup';
  /** The call's RTP endpoint, once bound. */
  rtp: RtpStream | undefined;
  /** The dialog with the PBX, once confirmed. */
  dialog: Dialog | undefined;
  /** Audio as the port sees it; silent until the RTP endpoint is bound and the far end known. */
  readonly audio: CallAudio;
  /** True once the call is over; nothing is sent after that. */
  ended = false;
  /** What the far end agreed last (law, address, direction). */
  protected negotiated: NegotiatedAudio | undefined;
  /** Settles when the call is over (finish ran). */
  readonly over: Promise<void>;
  private settleOver!: () => void;
  private readonly sessionId = randomInt(1, 2 ** 31);
  private sdpVersion = 0;
  private holding = false;
  private wantHold = false;
  private reinviteInFlight = false;
  private pending2xx: Pending2xx | undefined;

  constructor(
    protected readonly ctx: GatewayCallContext,
    readonly direction: 'in' | 'out',
    /** The card port (FXS station or FXO line); 0 when a line group call is not yet on a line. */
    public port: number,
    /** Dialled digits (out) or the number called (in). */
    readonly number: string,
  ) {
    this.over = new Promise<void>((resolve) => { this.settleOver = resolve; });
    this.audio = {
      send: (frame) => this.rtp?.send(frame),
      next: () => this.rtp?.next(),
    };
  }

  /** The call's line in the status page. */
  status(): CallStatus {
    return { port: this.port, direction: this.direction, state: this.state, number: this.number };
  }

  /** Hook flash: hold (a=sendonly) or resume (a=sendrecv) by re-INVITE (RFC 3264 §8.4). */
  hold(on: boolean): void {
    this.wantHold = on;
    if (this.ended || !this.dialog || this.reinviteInFlight || this.pending2xx) return;
    if (on === this.holding) return;
    this.sendReinvite(on);
  }

  /** Set while a REFER this call sent awaits its outcome: gets each NOTIFY's sipfrag status (RFC 3515 §2.4.5). */
  onReferOutcome: ((status: number) => void) | undefined;

  /** Transfers this call's far end to `consult`'s (call-transfer.ts; the seam in call-legs.ts). */
  transfer(consult: PortCall): void {
    if (!(consult instanceof GatewayCall)) throw new Error('a consult call must be one of the gateway\'s calls');
    transferCall(this.ctx, this, consult);
  }

  /** Ends the call from the gateway's side (port hangup, shutdown); resolves once the PBX answered what was sent. */
  abstract hangup(): void;

  /** Shutdown: hang up and resolve when the final exchange is done (or gave up). */
  abstract shutdown(): Promise<void>;

  /** A request inside this call's dialog. Always answers through `stx`. */
  onInDialogRequest(request: SipRequest, stx: ServerTransaction): void {
    const dialog = this.dialog;
    if (this.ended || !dialog) { stx.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist')); return; }
    if (!dialog.acceptRemoteSeq(request)) { stx.respond(createResponse(request, 500, 'Out Of Order')); return; }
    switch (request.method) {
      case 'BYE':
        stx.respond(createResponse(request, 200, 'OK'));
        this.pending2xx?.retransmit?.stop();
        this.finish();
        this.remoteEnded();
        return;
      case 'INVITE':
      case 'UPDATE':
        this.answerReoffer(request, stx, dialog);
        return;
      case 'NOTIFY': {
        stx.respond(createResponse(request, 200, 'OK'));
        const status = (request.headers.get('Event') ?? '').trim().toLowerCase().startsWith('refer') ? sipfragStatus(request.body) : undefined;
        if (status !== undefined) this.onReferOutcome?.(status);
        return;
      }
      case 'OPTIONS':
      case 'INFO':
        stx.respond(createResponse(request, 200, 'OK'));
        return;
      default: {
        stx.respond(methodNotAllowed(request, GATEWAY_ALLOW));
      }
    }
  }

  /** An ACK for a 2xx of ours (answer or re-INVITE answer). */
  onAck(ack: SipRequest): void {
    const p = this.pending2xx;
    if (!p || ack.cseq.seq !== p.seq) return;
    p.retransmit?.stop();
    this.pending2xx = undefined;
    if (p.answerInAck) {
      try {
        if (ack.body.length === 0) throw new SdpError('the ACK carries no SDP answer');
        this.applyRemote(readAnswer(parseAudio(ack.body)));
      } catch (err) {
        log.warn({ err: (err as Error).message, callId: this.dialog?.callId }, 'no usable SDP answer in the ACK; hanging up');
        this.hangup();
        return;
      }
    }
    this.resumeHoldWish();
  }

  /** A 2xx that matched no transaction (a retransmission after Timer M): ACK it again (RFC 3261 §13.2.2.4). */
  onLate2xx(response: SipResponse): void {
    const d = this.dialog;
    if (d && response.cseq.method === 'INVITE') this.ctx.tx.sendStateless(d.createRequest('ACK', this.ctx.local, { seq: response.cseq.seq }), d.destination);
  }

  /** The far end hung up (BYE): tell the port. */
  protected abstract remoteEnded(): void;

  /** Points the RTP stream at what the far end agreed and keeps the status in step with hold. */
  protected applyRemote(n: NegotiatedAudio): void {
    this.negotiated = n;
    this.rtp?.setRemote(n);
    if (this.state === 'connected' || this.state === 'held') this.state = this.holding ? 'held' : 'connected';
  }

  /** Our SDP offer: the card's law, telephone-event, in `direction`. */
  protected offerSdp(direction: Direction): Buffer {
    const p = offerParams(this.ctx.law);
    return gatewaySdp({ address: this.ctx.local.hostFor(this.ctx.pbx), rtpPort: this.rtp!.port, ...p, direction, sessionId: this.sessionId, version: ++this.sdpVersion });
  }

  /** Our SDP answer for what was negotiated. */
  protected answerSdp(n: NegotiatedAudio): Buffer {
    return gatewaySdp({
      address: this.ctx.local.hostFor(this.ctx.pbx), rtpPort: this.rtp!.port, law: n.law, payloadType: n.payloadType,
      telephoneEventPt: n.telephoneEventPt, direction: n.direction, sessionId: this.sessionId, version: ++this.sdpVersion,
    });
  }

  /** Retransmits our 2xx to an INVITE until its ACK (RFC 3261 §13.3.1.4); no ACK in 64*T1 ends the call. */
  protected await2xxAck(seq: number, resend: () => void, answerInAck: boolean): void {
    const entry: Pending2xx = { seq, answerInAck };
    if (this.ctx.pbx.transport === 'udp') {
      entry.retransmit = new Reliable2xx(this.ctx.clock, this.ctx.timers, resend, () => {
        log.warn({ callId: this.dialog?.callId }, 'no ACK for our 2xx; ending the call');
        this.pending2xx = undefined;
        if (!this.ended) { this.sendBye(); this.finish(); this.remoteEnded(); }
      });
    }
    this.pending2xx = entry;
  }

  /** Sends BYE in the dialog; resolves on its final response or timeout. */
  protected sendBye(): Promise<void> {
    const d = this.dialog;
    if (!d) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.ctx.tx.request(d.createRequest('BYE', this.ctx.local, { extraHeaders: [['User-Agent', this.ctx.userAgent]] }), d.destination, {
        onResponse: (res) => { if (res.status >= 200) resolve(); },
        onTimeout: () => resolve(),
      });
    });
  }

  /** Releases the call's resources; safe to call twice. */
  protected finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.state = 'ended';
    this.pending2xx?.retransmit?.stop();
    this.pending2xx = undefined;
    this.rtp?.close();
    this.ctx.removed(this);
    this.settleOver();
  }

  private answerReoffer(request: SipRequest, stx: ServerTransaction, dialog: Dialog): void {
    if (request.method === 'INVITE' && (this.pending2xx || this.reinviteInFlight)) {
      // RFC 3261 §14.2: one INVITE transaction at a time per dialog; glare gets 491.
      stx.respond(createResponse(request, 491, 'Request Pending'));
      return;
    }
    let body: Buffer | undefined;
    let answerInAck = false;
    try {
      if (request.body.length > 0) {
        const n = answerOffer(parseAudio(request.body), this.ctx.law);
        this.applyRemote(n);
        body = this.answerSdp(n);
      } else if (request.method === 'INVITE') {
        // RFC 3261 §14.2: a re-INVITE without SDP asks us to offer; the answer comes in the ACK.
        body = this.offerSdp(this.holding ? 'sendonly' : 'sendrecv');
        answerInAck = true;
      }
    } catch (err) {
      stx.respond(createResponse(request, 488, 'Not Acceptable Here'));
      log.info({ err: (err as Error).message, callId: dialog.callId }, 're-offer refused');
      return;
    }
    dialog.refreshTarget(request);
    const ok = createResponse(request, 200, 'OK');
    ok.headers.set('Contact', `<${this.ctx.local.contactUri(dialog.destination)}>`);
    if (body) { ok.headers.set('Content-Type', 'application/sdp'); ok.body = body; }
    stx.respond(ok);
    if (request.method === 'INVITE') this.await2xxAck(request.cseq.seq, () => stx.respond(ok), answerInAck);
  }

  private sendReinvite(on: boolean): void {
    const d = this.dialog!;
    this.reinviteInFlight = true;
    const body = this.offerSdp(on ? 'sendonly' : 'sendrecv');
    const req = d.createRequest('INVITE', this.ctx.local, { body, extraHeaders: [['Allow', GATEWAY_ALLOW], ['User-Agent', this.ctx.userAgent]] });
    let acked = false;
    this.ctx.tx.request(req, d.destination, {
      onResponse: (res) => {
        if (res.status < 200) return;
        if (res.status < 300) {
          this.ctx.tx.sendStateless(d.createRequest('ACK', this.ctx.local, { seq: req.cseq.seq }), d.destination);
          if (acked) return; // a retransmitted 2xx: the ACK above was for it
          acked = true;
          this.reinviteInFlight = false;
          if (this.ended) return;
          this.holding = on;
          this.state = on ? 'held' : 'connected';
          try {
            if (res.body.length > 0) this.applyRemote(readAnswer(parseAudio(res.body)));
          } catch (err) {
            log.info({ err: (err as Error).message, callId: d.callId }, 'unusable SDP in the answer to our re-INVITE; keeping the old media');
          }
          this.resumeHoldWish();
          return;
        }
        this.reinviteInFlight = false;
        // 491 glare (RFC 3261 §14.1): try again after a short random wait; other refusals leave hold as it was.
        log.info({ status: res.status, callId: d.callId, hold: on }, 're-INVITE refused');
        if (res.status === 491 && !this.ended) this.ctx.clock.setTimer(randomInt(100, 2000), () => this.resumeHoldWish());
      },
      onTimeout: () => {
        this.reinviteInFlight = false;
        log.warn({ callId: d.callId }, 'no answer to our re-INVITE');
      },
    });
  }

  /** The port flashed again while a re-INVITE was under way: catch up with its last wish. */
  private resumeHoldWish(): void {
    if (!this.ended && this.wantHold !== this.holding) this.hold(this.wantHold);
  }
}

/** Percent-escapes what may not appear in a SIP URI user part (RFC 3261 §25.1), e.g. '#' of dialled digits. */
export function escapeUser(user: string): string {
  let out = '';
  for (const ch of user) {
    if (/^[A-Za-z0-9\-_.!~*'()&=+$,;?/]$/.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Undoes URI escapes in a user part; a broken escape is kept as written. */
export function unescapeUser(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

/** A display name as a quoted-string (RFC 3261 §25.1): quotes and backslashes escaped, line breaks dropped. */
export function quoteDisplayName(name: string): string {
  return `"${name.replace(/[\r\n]/g, ' ').replace(/["\\]/g, '\\$&')}"`;
}
