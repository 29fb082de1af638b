import type { Clock, TimerHandle } from '../sip/clock.ts';
import type { TimerValues } from '../sip/transaction/index.ts';

/**
 * RFC 3261 §13.3.1.4: the UAS core (not the transaction) retransmits its 2xx to an INVITE
 * over unreliable transports, at T1 doubling up to T2, until the ACK arrives; if none
 * comes within 64*T1 it gives up and the dialog should be ended.
 */
export class Reliable2xx {
  private timer: TimerHandle | undefined;
  private interval: number;
  private elapsed = 0;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerValues,
    private readonly resend: () => void,
    private readonly onNoAck: () => void,
  ) {
    this.interval = timers.T1;
    this.schedule();
  }

  /** The ACK arrived (or the call ended): stop retransmitting. */
  stop(): void { this.stopped = true; this.timer?.cancel(); }

  private schedule(): void {
    this.timer = this.clock.setTimer(this.interval, () => {
      if (this.stopped) return;
      this.elapsed += this.interval;
      if (this.elapsed >= 64 * this.timers.T1) { this.stopped = true; this.onNoAck(); return; }
      this.resend();
      this.interval = Math.min(2 * this.interval, this.timers.T2);
      this.schedule();
    });
  }
}
