import { Headers, SipRequest, type SipResponse } from '../message/index.ts';
import type { Endpoint } from '../transport/index.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import { type TimerValues, transactionTimeout } from './timers.ts';
import { type ClientTransactionHandler, type MessageSender, type TransactionState, isReliable } from './types.ts';

/** Context a client transaction needs from its layer. */
export interface ClientTransactionContext {
  sender: MessageSender;
  clock: Clock;
  timers: TimerValues;
  onTerminated(tx: ClientTransaction): void;
  /** Starts the CANCEL's own non-INVITE transaction (RFC 3261 §9.1). */
  sendCancel(cancel: SipRequest, to: Endpoint): void;
}

/**
 * A client transaction, INVITE (RFC 3261 §17.1.1 with RFC 6026's Accepted state)
 * or non-INVITE (§17.1.2). Retransmits over UDP (Timers A and E), times out
 * (Timers B and F), ACKs non-2xx finals itself, and always terminates (D, K, M).
 */
export class ClientTransaction {
  /** Current state. */
  state: TransactionState;
  private retransmitTimer: TimerHandle | undefined;
  private endTimer: TimerHandle | undefined;
  private interval: number;
  private ack: Buffer | undefined;
  /** The request as first sent; retransmissions resend these bytes (RFC 3261 §17.1.1.2). */
  private bytes: Buffer | undefined;
  private cancelWanted = false;
  private cancelSent = false;
  private readonly isInvite: boolean;

  constructor(
    readonly key: string,
    /** The request; dropped once a final response is in, since only its bytes or ACK are needed after. */
    private request: SipRequest | undefined,
    readonly destination: Endpoint,
    private readonly handler: ClientTransactionHandler,
    private readonly ctx: ClientTransactionContext,
  ) {
    this.isInvite = request!.method === 'INVITE';
    this.state = this.isInvite ? 'calling' : 'trying';
    this.interval = ctx.timers.T1;
  }

  /** Sends the request and arms the timers. Called once by the layer. */
  start(): void {
    this.bytes = this.request!.toBuffer();
    this.ctx.sender.sendBytes(this.bytes, this.destination);
    if (!isReliable(this.destination)) this.scheduleRetransmit();
    // Timer B (INVITE) or Timer F (non-INVITE).
    this.endTimer = this.ctx.clock.setTimer(transactionTimeout(this.ctx.timers), () => {
      if (this.state === 'calling' || this.state === 'trying' || this.state === 'proceeding') {
        this.terminate();
        this.handler.onTimeout();
      }
    });
  }

  /**
   * Asks to cancel this INVITE (RFC 3261 §9.1). The CANCEL goes out at once if a
   * provisional response has arrived, else as soon as one does; after a final
   * response there is nothing left to cancel.
   */
  cancel(): void {
    if (!this.isInvite || this.cancelSent) return;
    this.cancelWanted = true;
    if (this.state === 'proceeding') this.sendCancel();
  }

  /** A response matched this transaction. */
  receive(response: SipResponse): void {
    const status = response.status;
    switch (this.state) {
      case 'calling':
      case 'trying':
      case 'proceeding':
        if (status < 200) {
          if (this.isInvite) this.retransmitTimer?.cancel(); // Timer A stops at the first provisional.
          else if (this.state === 'trying') this.interval = this.ctx.timers.T2; // §17.1.2.2: E continues at T2.
          this.state = 'proceeding';
          if (this.cancelWanted) this.sendCancel();
          this.handler.onResponse(response);
          return;
        }
        this.retransmitTimer?.cancel();
        this.endTimer?.cancel();
        this.bytes = undefined;
        if (this.isInvite && status < 300) {
          this.state = 'accepted';
          this.endTimer = this.ctx.clock.setTimer(transactionTimeout(this.ctx.timers), () => this.terminate()); // Timer M
        } else if (this.isInvite) {
          this.state = 'completed';
          this.ack = buildNon2xxAck(this.request!, response).toBuffer();
          this.ctx.sender.sendBytes(this.ack, this.destination);
          this.endTimer = this.ctx.clock.setTimer(isReliable(this.destination) ? 0 : 32_000, () => this.terminate()); // Timer D
        } else {
          this.state = 'completed';
          this.endTimer = this.ctx.clock.setTimer(isReliable(this.destination) ? 0 : this.ctx.timers.T4, () => this.terminate()); // Timer K
        }
        this.request = undefined;
        this.handler.onResponse(response);
        return;
      case 'accepted':
        // RFC 6026 §8.4: retransmitted (or forked) 2xx go to the TU, which re-ACKs.
        if (status >= 200 && status < 300) this.handler.onResponse(response);
        return;
      case 'completed':
        // A retransmitted final: resend the ACK (§17.1.1.2); non-INVITE just absorbs it.
        if (this.ack && status >= 300) this.ctx.sender.sendBytes(this.ack, this.destination);
        return;
      default:
        return;
    }
  }

  /** Ends the transaction now and releases its timers. */
  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.retransmitTimer?.cancel();
    this.endTimer?.cancel();
    this.ctx.onTerminated(this);
  }

  private sendCancel(): void {
    this.cancelSent = true;
    this.cancelWanted = false;
    if (this.request) this.ctx.sendCancel(buildCancel(this.request), this.destination);
  }

  private scheduleRetransmit(): void {
    this.retransmitTimer = this.ctx.clock.setTimer(this.interval, () => {
      if (this.state !== 'calling' && this.state !== 'trying' && this.state !== 'proceeding') return;
      if (this.isInvite && this.state !== 'calling') return;
      this.ctx.sender.sendBytes(this.bytes!, this.destination);
      // Timer A doubles without cap (§17.1.1.2); Timer E doubles up to T2 (§17.1.2.2).
      this.interval = this.isInvite ? 2 * this.interval : Math.min(2 * this.interval, this.ctx.timers.T2);
      this.scheduleRetransmit();
    });
  }
}

/** Copies the headers RFC 3261 §9.1 and §17.1.1.3 say a CANCEL or ACK repeats from its INVITE. */
function copyCore(invite: SipRequest, method: string, to: string): SipRequest {
  const h = new Headers();
  h.append('Via', invite.headers.getAll('Via')[0]);
  for (const r of invite.headers.getAll('Route')) h.append('Route', r);
  h.append('Max-Forwards', '70');
  h.append('From', invite.headers.get('From')!);
  h.append('To', to);
  h.append('Call-ID', invite.callId);
  h.append('CSeq', `${invite.cseq.seq} ${method}`);
  return new SipRequest(method, invite.uri, h);
}

/** RFC 3261 §9.1: the CANCEL for an INVITE, same branch, same To (no tag). */
export function buildCancel(invite: SipRequest): SipRequest {
  return copyCore(invite, 'CANCEL', invite.headers.get('To')!);
}

/** RFC 3261 §17.1.1.3: the ACK for a non-2xx final, part of the INVITE's transaction; To from the response (with its tag). */
export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  return copyCore(invite, 'ACK', response.headers.get('To')!);
}
