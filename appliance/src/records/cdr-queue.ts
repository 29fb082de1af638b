import type { CallRecord } from './cdr-store.ts';

/** Where a batch of records is stored; throws when the store cannot take them (full disk, locked file). */
export interface RecordSink<T = CallRecord> { insertMany(records: readonly T[]): unknown }

/** Counters of a CdrQueue, for the status page. */
export interface CdrQueueCounters { queued: number; written: number; writeErrors: number; dropped: number; pending: number }

/**
 * Batches call records into one transaction per flush and keeps them when the store
 * fails, retrying on the next flush, so a full disk or a locked database loses nothing
 * while memory lasts. Beyond `maxPending` the oldest records are dropped and counted:
 * the PBX must go on taking calls whatever happens to the disk. Generic over the row type, so the
 * queue-call history (queue-call-writer.ts) batches the same way.
 */
export class CdrQueue<T = CallRecord> {
  private pending: T[] = [];
  readonly counters: CdrQueueCounters = { queued: 0, written: 0, writeErrors: 0, dropped: 0, pending: 0 };
  /** The last write error, for logs and status. */
  lastError: string | undefined;

  constructor(private readonly sink: RecordSink<T>, private readonly maxPending = 200_000) {}

  /** Adds one record to the next batch. */
  push(record: T): void {
    this.pending.push(record);
    this.counters.queued++;
    if (this.pending.length > this.maxPending) {
      const over = this.pending.length - this.maxPending;
      this.pending.splice(0, over);
      this.counters.dropped += over;
    }
    this.counters.pending = this.pending.length;
  }

  /** Writes everything pending in one transaction; on failure keeps it for the next flush. Returns true when nothing is left. */
  flush(): boolean {
    if (this.pending.length === 0) return true;
    const batch = this.pending;
    try {
      this.sink.insertMany(batch);
      this.counters.written += batch.length;
      this.pending = [];
      this.lastError = undefined;
    } catch (err) {
      this.counters.writeErrors++;
      this.lastError = (err as Error).message;
    }
    this.counters.pending = this.pending.length;
    return this.pending.length === 0;
  }
}
