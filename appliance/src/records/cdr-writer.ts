import { Worker } from 'node:worker_threads';
import type { CallRecord } from './cdr-store.ts';
import type { CdrQueueCounters } from './cdr-queue.ts';
import { moduleLogger } from '../log.ts';

const log = moduleLogger('cdr-writer');

/**
 * The PBX's side of the call-record writer: `write` posts a record to the worker thread
 * that owns the database (cdr-writer-worker.ts) and returns at once. `close` waits until
 * everything posted is stored, or reports what could not be.
 */
export class CdrWriter {
  /** Latest counters reported by the worker. */
  counters: CdrQueueCounters = { queued: 0, written: 0, writeErrors: 0, dropped: 0, pending: 0 };
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, (done: boolean) => void>();
  private lastLoggedError: string | undefined;

  private constructor(path: string, retryMs: number) {
    this.worker = new Worker(new URL('./cdr-writer-worker.mjs', import.meta.url), { workerData: { path, retryMs } });
    this.worker.on('message', (msg: { type: string; counters?: CdrQueueCounters; lastError?: string; id?: number; done?: boolean }) => {
      if (msg.type === 'counters') {
        this.counters = msg.counters!;
        if (msg.lastError && msg.lastError !== this.lastLoggedError) {
          log.error({ err: msg.lastError, pending: this.counters.pending }, 'call records not written yet; retrying');
        }
        this.lastLoggedError = msg.lastError;
      } else if (msg.type === 'flushed') {
        this.waiting.get(msg.id!)?.(msg.done!);
        this.waiting.delete(msg.id!);
      }
    });
    this.worker.on('error', (err) => log.error({ err }, 'call record writer crashed'));
  }

  /** Starts the writer thread for the records database at `path`. */
  static start(path: string, opts: { retryMs?: number } = {}): CdrWriter {
    return new CdrWriter(path, opts.retryMs ?? 5000);
  }

  /** Queues one record; never blocks and never throws. */
  write(record: CallRecord): void {
    this.worker.postMessage({ type: 'record', record });
  }

  /** Resolves true once everything queued so far is stored, false if the store refused it. */
  flush(): Promise<boolean> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ type: 'flush', id });
    });
  }

  /** Flushes and stops the thread. */
  async close(): Promise<boolean> {
    const done = await this.flush();
    await this.worker.terminate();
    return done;
  }
}
