import type { RecordsDb } from './db.ts';

/** How a queue call ended for the queue: an agent answered, the caller hung up, it overflowed, or the caller asked to be called back. */
export type QueueCallOutcome = 'answered' | 'abandoned' | 'overflow' | 'callback';

/**
 * One call's passage through one queue (a call that overflows to a second queue has a row in
 * each). Times epoch ms; `endedAt` is when the caller left the queue without an agent, or when the
 * answered call ended. `account` is the account number keyed in the IVR, when one was.
 */
export interface QueueCallRow {
  callId: string;
  queue: string;
  caller: string;
  account: string | null;
  enteredAt: number;
  answeredAt: number | null;
  endedAt: number;
  waitMs: number;
  agent: string | null;
  talkMs: number;
  wrapUpMs: number;
  outcome: QueueCallOutcome;
}

/** A stored queue call. */
export type StoredQueueCall = QueueCallRow & { id: number };

/** `queue_calls` of records.db (migration 12): the PBX appends, reports and the screen pop's history read. */
export class QueueCallStore {
  private readonly insert;

  constructor(private readonly records: RecordsDb) {
    this.insert = records.db.prepare(`INSERT INTO queue_calls (call_id, queue, caller, account, entered_at, answered_at, ended_at, wait_ms, agent, talk_ms, wrap_up_ms, outcome)
      VALUES (@callId, @queue, @caller, @account, @enteredAt, @answeredAt, @endedAt, @waitMs, @agent, @talkMs, @wrapUpMs, @outcome)`);
  }

  /** Appends rows in one transaction (all or none: the writer keeps them on failure). */
  insertMany(rows: readonly QueueCallRow[]): void {
    this.records.db.transaction(() => {
      for (const r of rows) this.insert.run(r);
    })();
  }

  /** Queue calls from any of `callers` or for `account`, newest first. */
  forCaller(callers: readonly string[], account: string | undefined, limit: number): StoredQueueCall[] {
    const cond: string[] = [];
    const params: unknown[] = [];
    if (callers.length > 0) (cond.push(`caller IN (${callers.map(() => '?').join(',')})`), params.push(...callers));
    if (account) (cond.push('account = ?'), params.push(account));
    if (cond.length === 0) return [];
    return this.records.db.prepare(`SELECT ${COLUMNS} FROM queue_calls WHERE ${cond.join(' OR ')} ORDER BY entered_at DESC, id DESC LIMIT ?`).all(...params, limit) as StoredQueueCall[];
  }
}

const COLUMNS = 'id, call_id AS callId, queue, caller, account, entered_at AS enteredAt, answered_at AS answeredAt, ended_at AS endedAt, wait_ms AS waitMs, agent, talk_ms AS talkMs, wrap_up_ms AS wrapUpMs, outcome';
