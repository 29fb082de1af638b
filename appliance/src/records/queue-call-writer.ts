import { moduleLogger } from '../log.ts';
import { CdrQueue, type CdrQueueCounters, type RecordSink } from './cdr-queue.ts';
import type { QueueCallRow } from './queue-call-store.ts';

const log = moduleLogger('queue-call-writer');

/** How the writer waits; tests pass a fake. Returns a cancel function. */
export type Scheduler = (ms: number, fn: () => void) => () => void;

const realScheduler: Scheduler = (ms, fn) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

/**
 * The PBX's writer of queue-call rows (reports): rows are batched and written in one transaction
 * every `batchMs` on the PBX's own connection (a few rows a second even at 100 calls/s, so no worker
 * thread like the CDR's). A failed write keeps the rows and retries after `retryMs`: a locked or full
 * database delays the history, it does not lose it (up to CdrQueue's cap, which counts what it drops).
 */
export class QueueCallWriter {
  private readonly queue: CdrQueue<QueueCallRow>;
  private cancel: (() => void) | undefined;
  private lastLoggedError: string | undefined;

  /** `store` is a QueueCallStore (tests pass one that fails). */
  constructor(store: RecordSink<QueueCallRow>, private readonly opts: { batchMs?: number; retryMs?: number; schedule?: Scheduler } = {}) {
    this.queue = new CdrQueue<QueueCallRow>(store);
  }

  /** Counters for the PBX status (queued, written, write errors, dropped, pending). */
  get counters(): CdrQueueCounters { return this.queue.counters; }

  /** Queues one row; never throws. */
  write(row: QueueCallRow): void {
    this.queue.push(row);
    this.later(this.opts.batchMs ?? 250);
  }

  /** Writes everything pending now; true when nothing is left. */
  flush(): boolean {
    this.cancel?.();
    this.cancel = undefined;
    const done = this.queue.flush();
    if (!done) {
      if (this.queue.lastError !== this.lastLoggedError) log.error({ err: this.queue.lastError, pending: this.queue.counters.pending }, 'queue calls not written yet; retrying');
      this.lastLoggedError = this.queue.lastError;
      this.later(this.opts.retryMs ?? 5000);
    } else this.lastLoggedError = undefined;
    return done;
  }

  private later(ms: number): void {
    if (this.cancel) return;
    this.cancel = (this.opts.schedule ?? realScheduler)(ms, () => { this.cancel = undefined; this.flush(); });
  }
}
