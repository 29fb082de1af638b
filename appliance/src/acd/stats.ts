/** Per-queue figures, as a supervisor's wallboard shows them. Times in ms unless named Sec. */
export interface QueueStats {
  /** Callers admitted to the queue. */
  offered: number;
  answered: number;
  abandoned: number;
  /** Total wait of the abandoned callers (mean = abandonedWaitMs / abandoned). */
  abandonedWaitMs: number;
  /** Answered within the queue's serviceLevelSec. */
  answeredWithinServiceLevel: number;
  /** answeredWithinServiceLevel / (answered + abandoned), 0..1; 1 when nothing happened yet. */
  serviceLevel: number;
  /** Average speed of answer: mean wait of answered calls, in seconds. */
  asaSec: number;
  /** Average handle time: mean talk + wrap-up of finished calls, in seconds. */
  ahtSec: number;
  /** Longest wait seen, answered or abandoned or still waiting. */
  longestWaitMs: number;
  /** Callers waiting now (with callbacks and those ringing an agent). */
  waiting: number;
  /** How long the oldest caller waiting now has waited. */
  oldestWaitingMs: number;
  overflowed: number;
  callbacks: number;
}

/** Running totals behind QueueStats. */
export class QueueTotals {
  offered = 0;
  answered = 0;
  abandoned = 0;
  abandonedWaitMs = 0;
  withinSl = 0;
  answeredWaitMs = 0;
  handled = 0;
  handleMs = 0;
  longestWaitMs = 0;
  overflowed = 0;
  callbacks = 0;

  /** The snapshot, given the live figures only the engine knows. */
  snapshot(waiting: number, oldestWaitingMs: number): QueueStats {
    const decided = this.answered + this.abandoned;
    return {
      offered: this.offered,
      answered: this.answered,
      abandoned: this.abandoned,
      abandonedWaitMs: this.abandonedWaitMs,
      answeredWithinServiceLevel: this.withinSl,
      serviceLevel: decided === 0 ? 1 : this.withinSl / decided,
      asaSec: this.answered === 0 ? 0 : this.answeredWaitMs / this.answered / 1000,
      ahtSec: this.handled === 0 ? 0 : this.handleMs / this.handled / 1000,
      longestWaitMs: Math.max(this.longestWaitMs, oldestWaitingMs),
      waiting,
      oldestWaitingMs,
      overflowed: this.overflowed,
      callbacks: this.callbacks,
    };
  }
}

/** Per-agent figures. */
export interface AgentStats {
  /** Calls answered. */
  calls: number;
  /** Offers the agent let ring out or could not take. */
  missed: number;
  talkMs: number;
  wrapUpMs: number;
  /** Time spent not ready, by reason code (the current spell included). */
  notReadyMs: Record<string, number>;
}

/** Running totals behind AgentStats. */
export class AgentTotals {
  calls = 0;
  missed = 0;
  talkMs = 0;
  wrapUpMs = 0;
  readonly notReadyMs = new Map<string, number>();

  /** Adds a finished not-ready spell. */
  addNotReady(reason: string, ms: number): void {
    this.notReadyMs.set(reason, (this.notReadyMs.get(reason) ?? 0) + ms);
  }

  /** The snapshot, counting an ongoing not-ready spell up to now. */
  snapshot(current?: { reason: string; ms: number }): AgentStats {
    const notReadyMs: Record<string, number> = {};
    for (const [k, v] of this.notReadyMs) notReadyMs[k] = v;
    if (current) notReadyMs[current.reason] = (notReadyMs[current.reason] ?? 0) + current.ms;
    return { calls: this.calls, missed: this.missed, talkMs: this.talkMs, wrapUpMs: this.wrapUpMs, notReadyMs };
  }
}
