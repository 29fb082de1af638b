// A call the PBX offers to a port (RFC 3261 §13.3, the UAS side): to an FXS station at its
// registered contact, or out through a line group (`;group=` in the Request-URI). The port
// side rings or seizes and answers through the IncomingCall methods.
import { createResponse, newTag, type SipRequest, type SipResponse } from '../../sip/message/index.ts';
import type { Endpoint } from '../../sip/transport/index.ts';
import type { ServerTransaction } from '../../sip/transaction/index.ts';
import { Dialog } from '../../sip/dialog/index.ts';
import { moduleLogger } from '../../log.ts';
import type { CallerIdentity, IncomingCall } from '../call-legs.ts';
import { GATEWAY_ALLOW, GatewayCall, type GatewayCallContext } from './gateway-call.ts';
import { type AudioDescription, answerOffer } from './call-sdp.ts';

const log = moduleLogger('analog.sip.in');

/** One call offered by the PBX. */
export class IncomingGatewayCall extends GatewayCall implements IncomingCall {
  onCancelled?: () => void;
  onEnded?: () => void;
  private readonly localTag = newTag();
  private answered = false;
  private byeDone: Promise<void> | undefined;

  constructor(
    ctx: GatewayCallContext,
    port: number,
    number: string,
    readonly caller: CallerIdentity,
    private readonly invite: SipRequest,
    private readonly stx: ServerTransaction,
    private readonly source: Endpoint,
    /** The PBX's offer; undefined for a delayed offer (we offer in the 200, the answer comes in the ACK). */
    private readonly offer: AudioDescription | undefined,
  ) {
    super(ctx, 'in', port, number);
    this.state = 'offered';
    stx.onCancel = () => this.onCancel();
    stx.onAckTimeout = undefined;
  }

  /** The Call-ID of the PBX's INVITE. */
  get callId(): string { return this.invite.callId; }

  ringing(): void {
    if (this.ended || this.answered || this.stx.finalSent) return;
    this.state = 'ringing';
    this.stx.respond(this.response(180));
  }

  answer(): void {
    if (this.ended || this.answered || this.stx.finalSent) return;
    const dialog = Dialog.asUas(this.invite, this.localTag, this.source);
    let body: Buffer;
    if (this.offer) {
      const n = answerOffer(this.offer, this.ctx.law); // checked when the INVITE arrived
      this.applyRemote(n);
      body = this.answerSdp(n);
    } else {
      body = this.offerSdp('sendrecv');
    }
    this.answered = true;
    this.dialog = dialog;
    this.ctx.addDialog(dialog.key, this);
    this.state = 'connected';
    const ok = this.response(200, body);
    this.stx.respond(ok);
    this.await2xxAck(this.invite.cseq.seq, () => this.stx.respond(ok), this.offer === undefined);
  }

  reject(status: 480 | 486 | 503): void {
    if (this.ended || this.answered || this.stx.finalSent) return;
    this.stx.respond(this.response(status));
    this.finish();
  }

  hangup(): void {
    if (this.ended) return;
    if (this.answered) {
      this.byeDone = this.sendBye();
      this.finish();
      return;
    }
    // The port gave up before answering (phone stuck, line lost): a final response ends the INVITE.
    if (!this.stx.finalSent) this.stx.respond(this.response(480));
    this.finish();
  }

  shutdown(): Promise<void> {
    this.hangup();
    return this.byeDone ?? Promise.resolve();
  }

  protected remoteEnded(): void {
    this.callPort(this.onEnded, 'onEnded');
  }

  private onCancel(): void {
    if (this.ended || this.answered) return;
    // RFC 3261 §9.2: the INVITE gets 487 after the CANCEL's 200 (sent by the transaction layer).
    this.stx.respond(this.response(487));
    this.finish();
    this.callPort(this.onCancelled, 'onCancelled');
  }

  private callPort(fn: (() => void) | undefined, name: string): void {
    try {
      fn?.();
    } catch (err) {
      log.error({ err, callId: this.callId }, `port side ${name} threw`);
    }
  }

  private response(status: number, sdp?: Buffer): SipResponse {
    const res = createResponse(this.invite, status, undefined, this.localTag);
    if (status < 300) {
      res.headers.set('Contact', `<${this.ctx.local.contactUri(this.source)}>`);
      res.headers.set('Allow', GATEWAY_ALLOW);
    }
    res.headers.set('User-Agent', this.ctx.userAgent);
    if (sdp) { res.headers.set('Content-Type', 'application/sdp'); res.body = sdp; }
    return res;
  }
}
