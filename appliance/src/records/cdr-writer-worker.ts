/**
 * Worker thread that owns the PBX's connection to records.db for call records. SQLite
 * writes, WAL checkpoints and fsyncs happen here, so a slow or full disk never delays
 * SIP handling on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openRecords } from './db.ts';
import { CdrStore, type CallRecord } from './cdr-store.ts';
import { CdrQueue } from './cdr-queue.ts';

type Inbound = { type: 'record'; record: CallRecord } | { type: 'flush'; id: number };

const { path, retryMs } = workerData as { path: string; retryMs: number };
const db = openRecords(path);
const queue = new CdrQueue(new CdrStore(db));
let scheduled = false;

function report(): void {
  parentPort!.postMessage({ type: 'counters', counters: { ...queue.counters }, lastError: queue.lastError });
}

function flushSoon(): void {
  if (scheduled) return;
  scheduled = true;
  // Records arriving in the same tick share one transaction.
  setImmediate(() => {
    scheduled = false;
    if (!queue.flush()) setTimeout(flushSoon, retryMs).unref();
    report();
  });
}

parentPort!.on('message', (msg: Inbound) => {
  if (msg.type === 'record') {
    queue.push(msg.record);
    flushSoon();
  } else {
    const done = queue.flush();
    report();
    parentPort!.postMessage({ type: 'flushed', id: msg.id, done });
  }
});
parentPort!.on('close', () => db.close());
