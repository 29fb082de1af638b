// The call the PBX places for a callback (issue 6): first the agent's phone, then the customer,
// bridged through the media relay. Unlike every other call there is no incoming INVITE: the PBX
// is the UAC of both legs (two TargetCalls, RFC 3261 §13.2), anchors the audio (leg a = agent,
// leg b = customer, as in a hosted call) and answers in-dialog requests itself.
import { createResponse, type SipRequest } from '../../sip/message/index.ts';
import type { ServerTransaction } from '../../sip/transaction/index.ts';
import type { Dialog } from '../../sip/dialog/index.ts';
import type { HangupSide } from '../../records/index.ts';
import { moduleLogger } from '../../log.ts';
import type { ForkTarget } from '../call.ts';
import type { CallOrigination } from '../call-host.ts';
import { CallMedia, type MediaLeg } from '../call-media.ts';
import type { LegStats, MediaAnchor } from '../media-anchor.ts';
import { TargetCall } from '../transfer/target-call.ts';

const log = moduleLogger('pbx.callback');

/** The SIP side a callback needs: transactions, our addresses, the B2BUA's dialog table, and the relay. */
export type CallbackCallSip = Pick<CallOrigination, 'tx' | 'local' | 'userAgent' | 'addDialog' | 'removeDialog'> & { media: MediaAnchor };

/** What a callback call reports; each at most once, `ended` last. */
export interface CallbackCallEvents {
  agentAnswered(): void;
  agentFailed(status: number): void;
  customerAnswered(): void;
  customerFailed(status: number): void;
  /** Both legs are gone (a BYE, or hangup()); `side` hung up first. */
  ended(side: HangupSide, quality: { a: LegStats; b: LegStats } | undefined): void;
}

/** One callback attempt: see the file comment. */
export class CallbackCall {
  readonly media: CallMedia;
  state: 'new' | 'agent-ringing' | 'customer-ringing' | 'bridged' | 'ended' = 'new';
  carrier: string | undefined;
  private agentAttempt: TargetCall | undefined;
  private customerAttempt: TargetCall | undefined;
  private readonly legs: Partial<Record<MediaLeg, Dialog>> = {};

  constructor(private readonly sip: CallbackCallSip, readonly id: string, private readonly events: CallbackCallEvents) {
    // No caller offer: the PBX offers on both legs and takes their answers (RFC 3264 §5).
    this.media = new CallMedia(sip.media, undefined);
  }

  /** Allocates the relay session and rings the agent's contacts; false when no media ports were free. */
  async ringAgent(targets: ForkTarget[]): Promise<boolean> {
    try {
      await this.media.allocate(this.id);
    } catch (err) {
      log.error({ err: (err as Error).message, callId: this.id }, 'no media ports for a callback');
      this.state = 'ended';
      return false;
    }
    if (this.state === 'ended') { void this.media.release(); return false; }
    this.state = 'agent-ringing';
    this.agentAttempt = this.attempt('a', (host) => this.media.reofferTo('a', host), {
      answered: (dialog, body) => {
        this.media.acceptReanswer('a', body);
        this.own('a', dialog);
        // The agent waits on music while the customer's phone rings.
        this.media.musicOnHold('a', true);
        this.state = 'customer-ringing';
        this.events.agentAnswered();
      },
      failed: (status) => { this.finish(); this.events.agentFailed(status); },
    });
    this.agentAttempt.start(targets, false);
    return true;
  }

  /** Calls the customer (an extension's contacts at once, or a route's carriers in turn). */
  callCustomer(targets: ForkTarget[], sequential: boolean): void {
    if (this.state !== 'customer-ringing') return;
    this.customerAttempt = this.attempt('b', (host) => this.media.offerToCallee(host), {
      answered: (dialog, body, target) => {
        this.media.acceptCalleeAnswer(body);
        this.own('b', dialog);
        this.carrier = target.carrier;
        this.media.musicOnHold('a', false);
        this.state = 'bridged';
        this.events.customerAnswered();
      },
      failed: (status) => this.events.customerFailed(status),
    });
    this.customerAttempt.start(targets, sequential);
  }

  /** Ends whatever is up: CANCEL what rings, BYE what answered. */
  hangup(side: HangupSide = 'system'): void {
    if (this.state === 'ended') return;
    this.agentAttempt?.cancel();
    this.customerAttempt?.cancel();
    for (const leg of ['a', 'b'] as const) this.bye(leg);
    void this.endWith(side);
  }

  /** The dialog of `leg` while it is up (mixing rooms ask, pbx/conference/call-rooms.ts). */
  dialogOf(leg: MediaLeg): Dialog | undefined {
    return this.legs[leg];
  }

  /**
   * Lets go of `leg`'s dialog without a BYE: an attended transfer moved its party into another
   * call (call-control/agent-dials.ts), which owns the dialog from now on. hangup() ends the rest.
   */
  handOver(leg: MediaLeg): void {
    const d = this.legs[leg];
    if (!d) return;
    delete this.legs[leg];
    this.sip.removeDialog(d.key);
  }

  /** Stops ringing the agent (the engine gave up on it); reports nothing more. */
  cancelAgent(): void {
    if (this.state !== 'agent-ringing') return;
    this.agentAttempt?.cancel();
    this.finish();
  }

  private attempt(leg: MediaLeg, offer: (host: string) => Buffer, on: { answered(d: Dialog, body: Buffer, t: ForkTarget): void; failed(status: number): void }): TargetCall {
    return new TargetCall({ tx: this.sip.tx, local: this.sip.local, userAgent: this.sip.userAgent() }, offer, {
      ringing: () => undefined,
      answered: (dialog, res, target) => {
        if (this.state === 'ended') return false;
        try {
          on.answered(dialog, res.body, target);
        } catch (err) {
          // RFC 3264 §5: an answer we cannot use ends that leg.
          log.warn({ callId: this.id, leg, err: (err as Error).message }, 'callback answer unusable');
          on.failed(488);
          return false;
        }
        return true;
      },
      failed: (status) => { if (this.state !== 'ended') on.failed(status); },
    });
  }

  private own(leg: MediaLeg, dialog: Dialog): void {
    this.legs[leg] = dialog;
    this.sip.addDialog(dialog.key, { onInDialogRequest: (request, tx) => this.onInDialogRequest(leg, request, tx) });
  }

  private onInDialogRequest(leg: MediaLeg, request: SipRequest, tx: ServerTransaction): void {
    const dialog = this.legs[leg];
    if (!dialog || this.state === 'ended') { tx.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist')); return; }
    switch (request.method) {
      case 'BYE': {
        tx.respond(createResponse(request, 200, 'OK'));
        delete this.legs[leg];
        this.sip.removeDialog(dialog.key);
        this.agentAttempt?.cancel();
        this.customerAttempt?.cancel();
        this.bye(leg === 'a' ? 'b' : 'a');
        void this.endWith(leg === 'a' ? 'caller' : 'callee');
        return;
      }
      case 'INVITE':
      case 'UPDATE': {
        // Hold, resume or a new address: the PBX answers, the other party never sees it (as in Call).
        try {
          const sdp = this.media.answerReoffer(leg, request.body, this.sip.local.hostFor(dialog.destination));
          const res = createResponse(request, 200, 'OK');
          res.headers.set('Contact', `<${this.sip.local.contactUri(dialog.destination)}>`);
          res.headers.set('Content-Type', 'application/sdp');
          res.body = sdp;
          tx.respond(res);
        } catch {
          tx.respond(createResponse(request, 488, 'Not Acceptable Here'));
        }
        return;
      }
      default:
        tx.respond(createResponse(request, 200, 'OK'));
    }
  }

  private bye(leg: MediaLeg): void {
    const d = this.legs[leg];
    if (!d) return;
    delete this.legs[leg];
    this.sip.removeDialog(d.key);
    this.sip.tx.request(d.createRequest('BYE', this.sip.local), d.destination, { onResponse() {}, onTimeout() {} });
  }

  /** Ends without an event (the attempt never got past the agent). */
  private finish(): void {
    this.state = 'ended';
    void this.media.release().catch(() => undefined);
  }

  private async endWith(side: HangupSide): Promise<void> {
    if (this.state === 'ended') return;
    this.state = 'ended';
    let quality;
    try {
      quality = await this.media.release();
    } catch (err) {
      log.error({ err: (err as Error).message, callId: this.id }, 'media session release failed');
    }
    this.events.ended(side, quality);
  }
}
