/** A cancellable timer handle, opaque to callers. */
export interface TimerHandle { cancel(): void }

/**
 * Time as the SIP layers see it. Injected so tests can drive RFC 3261 timers
 * with a fake clock instead of waiting 32 s for Timer B (STYLE.md habit 5).
 */
export interface Clock {
  now(): number;
  setTimer(ms: number, fn: () => void): TimerHandle;
}

/** The real clock: wall time and Node timers, unref'd so a timer never keeps a process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/** A clock for tests: time moves only when `advance` is called; timers fire in deadline order. */
export class FakeClock implements Clock {
  private time = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 1_700_000_000_000) { this.time = start; }

  /** Current fake time in ms. */
  now(): number { return this.time; }

  /** Schedules `fn` at now + ms. */
  setTimer(ms: number, fn: () => void): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return { cancel: () => { this.timers.delete(id); } };
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let nextId = -1;
      let nextAt = Infinity;
      for (const [id, t] of this.timers) {
        if (t.at <= end && (t.at < nextAt || (t.at === nextAt && id < nextId))) { nextAt = t.at; nextId = id; }
      }
      if (nextId < 0) break;
      const t = this.timers.get(nextId)!;
      this.timers.delete(nextId);
      this.time = Math.max(this.time, t.at);
      t.fn();
    }
    this.time = end;
  }

  /** Number of timers still pending (tests use it to prove transactions clean up). */
  get pending(): number { return this.timers.size; }
}
