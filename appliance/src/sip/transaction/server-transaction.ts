import type { SipRequest, SipResponse } from '../message/index.ts';
import type { Endpoint } from '../transport/index.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import { type TimerValues, transactionTimeout } from './timers.ts';
import { type MessageSender, type TransactionState, isReliable } from './types.ts';

/** Context a server transaction needs from its layer: sending, time, and a way to leave the table. */
export interface ServerTransactionContext {
  sender: MessageSender;
  clock: Clock;
  timers: TimerValues;
  onTerminated(tx: ServerTransaction): void;
}

/**
 * A server transaction, INVITE (RFC 3261 §17.2.1 with RFC 6026's Accepted state)
 * or non-INVITE (§17.2.2). It absorbs retransmitted requests by resending the last
 * response, retransmits non-2xx finals to INVITEs over UDP (Timer G) until the ACK,
 * and always terminates (Timers H, I, J, L).
 */
export class ServerTransaction {
  /** Current state; 'trying' for non-INVITE, 'proceeding' for INVITE at creation. */
  state: TransactionState;
  /** Called when a CANCEL matched this INVITE transaction (RFC 3261 §9.2); the layer has already answered the CANCEL 200. */
  onCancel: (() => void) | undefined;
  /** Called when Timer H fires: the ACK for our final response never came. */
  onAckTimeout: (() => void) | undefined;
  /** Whether a CANCEL arrived; the TU answers 487 if it has not sent a final response yet. */
  cancelled = false;

  /** The last response as sent: kept serialized, since retransmitting is all it is still needed for. */
  private lastBytes: Buffer | undefined;
  private lastStatus = 0;
  private retransmitTimer: TimerHandle | undefined;
  private endTimer: TimerHandle | undefined;
  private interval: number;
  private readonly isInvite: boolean;

  constructor(
    readonly key: string,
    // Not kept: the TU holds the request while it needs it, and a transaction lingering in
    // Completed or Accepted for 32 s only needs its response bytes (memory at 300 calls/s).
    request: SipRequest,
    readonly source: Endpoint,
    private readonly ctx: ServerTransactionContext,
  ) {
    this.isInvite = request.method === 'INVITE';
    this.state = this.isInvite ? 'proceeding' : 'trying';
    this.interval = ctx.timers.T1;
  }

  /** True once a final response has been sent. */
  get finalSent(): boolean { return this.lastStatus >= 200; }

  /** Sends a response through the transaction; a response after the final one is a programmer error and is ignored. */
  respond(response: SipResponse): void {
    if (this.state === 'terminated' || this.state === 'completed' || this.state === 'confirmed') return;
    if (this.state === 'accepted') {
      // RFC 6026 §8.5: 2xx retransmissions from the TU pass through the Accepted state.
      if (response.status >= 200 && response.status < 300) this.ctx.sender.send(response, this.source);
      return;
    }
    this.lastStatus = response.status;
    this.lastBytes = response.toBuffer();
    this.ctx.sender.sendBytes(this.lastBytes, this.source);
    if (response.status < 200) {
      if (!this.isInvite) this.state = 'proceeding';
      return;
    }
    const reliable = isReliable(this.source);
    const timeout = transactionTimeout(this.ctx.timers);
    if (this.isInvite && response.status < 300) {
      this.state = 'accepted';
      this.endTimer = this.ctx.clock.setTimer(timeout, () => this.terminate()); // Timer L
      return;
    }
    this.state = 'completed';
    if (this.isInvite) {
      if (!reliable) this.scheduleTimerG();
      this.endTimer = this.ctx.clock.setTimer(timeout, () => { // Timer H
        this.onAckTimeout?.();
        this.terminate();
      });
    } else {
      this.endTimer = this.ctx.clock.setTimer(reliable ? 0 : timeout, () => this.terminate()); // Timer J
    }
  }

  /** A retransmission of the request arrived: resend the last response (RFC 3261 §17.2.1, §17.2.2). */
  receiveRetransmission(): void {
    if (this.lastBytes && this.state !== 'accepted' && this.state !== 'confirmed') {
      this.ctx.sender.sendBytes(this.lastBytes, this.source);
    }
  }

  /** The ACK for a non-2xx final response (RFC 3261 §17.2.1): stop retransmitting, linger for Timer I. */
  receiveAck(): void {
    if (this.state !== 'completed' || !this.isInvite) return;
    this.state = 'confirmed';
    this.retransmitTimer?.cancel();
    this.endTimer?.cancel();
    this.endTimer = this.ctx.clock.setTimer(isReliable(this.source) ? 0 : this.ctx.timers.T4, () => this.terminate()); // Timer I
  }

  /** Ends the transaction now and releases its timers. */
  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.retransmitTimer?.cancel();
    this.endTimer?.cancel();
    this.ctx.onTerminated(this);
  }

  private scheduleTimerG(): void {
    this.retransmitTimer = this.ctx.clock.setTimer(this.interval, () => {
      if (this.state !== 'completed' || !this.lastBytes) return;
      this.ctx.sender.sendBytes(this.lastBytes, this.source);
      this.interval = Math.min(2 * this.interval, this.ctx.timers.T2);
      this.scheduleTimerG();
    });
  }
}
