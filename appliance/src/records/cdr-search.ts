import { type CallDisposition, type CdrRow, type StoredCallRecord, rowToRecord } from './cdr-store.ts';
import type { RecordsDb } from './db.ts';

/** Filter of the management API's call-record search; times are epoch ms on `startedAt` (`from` inclusive, `to` exclusive). */
export interface CdrSearch {
  from?: number;
  to?: number;
  /** Matches the caller or the callee exactly. */
  number?: string;
  disposition?: CallDisposition;
  offset?: number;
  limit?: number;
}

/** Calls started in one quarter hour, by disposition; the API folds these into local hours. */
export interface CdrQuarterCount {
  /** Epoch ms of the quarter-hour start (UTC-aligned, so every real time-zone offset falls on one). */
  start: number;
  disposition: CallDisposition;
  n: number;
}

const QUARTER_MS = 15 * 60_000;

/** Read-only queries over `cdr` for the management API: paged search with totals, bulk pages, counts for charts. */
export class CdrSearchStore {
  readonly #records: RecordsDb;

  constructor(records: RecordsDb) {
    this.#records = records;
  }

  #where(q: CdrSearch): { sql: string; params: Record<string, unknown> } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (q.from !== undefined) (where.push('started_at >= @from'), (params.from = q.from));
    if (q.to !== undefined) (where.push('started_at < @to'), (params.to = q.to));
    if (q.number !== undefined) (where.push('(caller = @number OR callee = @number)'), (params.number = q.number));
    if (q.disposition !== undefined) (where.push('disposition = @disposition'), (params.disposition = q.disposition));
    return { sql: where.length ? 'WHERE ' + where.join(' AND ') : '', params };
  }

  /** One page of matches, newest first, and the total number of matches. */
  search(q: CdrSearch = {}): { items: StoredCallRecord[]; total: number } {
    const { sql, params } = this.#where(q);
    const db = this.#records.db;
    const total = (db.prepare(`SELECT COUNT(*) AS n FROM cdr ${sql}`).get(params) as { n: number }).n;
    const rows = db
      .prepare(`SELECT * FROM cdr ${sql} ORDER BY started_at DESC, id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: Math.min(Math.max(q.limit ?? 100, 1), 10_000), offset: Math.max(q.offset ?? 0, 0) }) as CdrRow[];
    return { items: rows.map(rowToRecord), total };
  }

  /**
   * Every match in pages (newest id first) by keyset, so a streamed export never keeps a statement
   * open on the shared connection while the client reads slowly.
   */
  *pages(q: CdrSearch = {}, pageSize = 1000): Generator<StoredCallRecord[]> {
    const { sql, params } = this.#where(q);
    const cond = sql ? `${sql} AND id < @before` : 'WHERE id < @before';
    const stmt = this.#records.db.prepare(`SELECT * FROM cdr ${cond} ORDER BY id DESC LIMIT @limit`);
    let before = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = stmt.all({ ...params, before, limit: pageSize }) as CdrRow[];
      if (rows.length === 0) return;
      yield rows.map(rowToRecord);
      before = rows[rows.length - 1].id;
    }
  }

  /** The newest calls from any of `callers` (exact numbers; the caller index), newest first. */
  byCallers(callers: readonly string[], limit: number): StoredCallRecord[] {
    if (callers.length === 0) return [];
    const rows = this.#records.db
      .prepare(`SELECT * FROM cdr WHERE caller IN (${callers.map(() => '?').join(',')}) ORDER BY started_at DESC, id DESC LIMIT ?`)
      .all(...callers, limit) as CdrRow[];
    return rows.map(rowToRecord);
  }

  /** Counts per quarter hour and disposition in [from, to). */
  quarterCounts(from: number, to: number): CdrQuarterCount[] {
    return this.#records.db
      .prepare(
        `SELECT (started_at / ${QUARTER_MS}) * ${QUARTER_MS} AS start, disposition, COUNT(*) AS n
         FROM cdr WHERE started_at >= ? AND started_at < ? GROUP BY start, disposition ORDER BY start`,
      )
      .all(from, to) as CdrQuarterCount[];
  }
}
