import type { Statement } from 'better-sqlite3';
import type { RecordsDb } from './db.ts';

/** Result of an audited action. */
export type AuditOutcome = 'ok' | 'denied' | 'failed';

/** One audit entry to store. `before`/`after` must already have their secrets masked. */
export interface AuditEntry {
  /** Epoch ms. */
  at: number;
  actor: string;
  role: string;
  sourceAddress: string;
  /** Stable action string, e.g. `extension.updated`. */
  action: string;
  target: string;
  outcome: AuditOutcome;
  before?: object;
  after?: object;
}

/** A stored audit entry with its id. */
export type StoredAuditEntry = AuditEntry & { id: number };

/** Filter of `AuditStore.search`; `from` inclusive, `to` exclusive (epoch ms); `q` matches actor, action or target. */
export interface AuditQuery {
  from?: number;
  to?: number;
  actor?: string;
  action?: string;
  q?: string;
  offset?: number;
  limit?: number;
}

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  role: string;
  source_address: string;
  action: string;
  target: string;
  outcome: AuditOutcome;
  before_json: string | null;
  after_json: string | null;
}

const fromRow = (r: AuditRow): StoredAuditEntry => {
  const e: StoredAuditEntry = { id: r.id, at: r.at, actor: r.actor, role: r.role, sourceAddress: r.source_address, action: r.action, target: r.target, outcome: r.outcome };
  if (r.before_json !== null) e.before = JSON.parse(r.before_json) as object;
  if (r.after_json !== null) e.after = JSON.parse(r.after_json) as object;
  return e;
};

/** Escapes LIKE wildcards so a search for `50%` means the characters, not a pattern. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

/** The audit log in records.db: append and search, never update or delete. */
export class AuditStore {
  readonly #records: RecordsDb;
  readonly #insert: Statement;

  constructor(records: RecordsDb) {
    this.#records = records;
    this.#insert = records.db.prepare(
      `INSERT INTO audit_log (at, actor, role, source_address, action, target, outcome, before_json, after_json)
       VALUES (@at, @actor, @role, @sourceAddress, @action, @target, @outcome, @before, @after)`,
    );
  }

  /** Appends one entry; returns its id. */
  append(e: AuditEntry): number {
    const r = this.#insert.run({
      at: e.at,
      actor: e.actor,
      role: e.role,
      sourceAddress: e.sourceAddress,
      action: e.action,
      target: e.target,
      outcome: e.outcome,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
    });
    return Number(r.lastInsertRowid);
  }

  #where(q: AuditQuery): { sql: string; params: Record<string, unknown> } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (q.from !== undefined) (where.push('at >= @from'), (params.from = q.from));
    if (q.to !== undefined) (where.push('at < @to'), (params.to = q.to));
    if (q.actor !== undefined) (where.push('actor = @actor'), (params.actor = q.actor));
    if (q.action !== undefined) (where.push('action = @action'), (params.action = q.action));
    if (q.q !== undefined && q.q !== '') {
      where.push("(actor LIKE @q ESCAPE '\\' OR action LIKE @q ESCAPE '\\' OR target LIKE @q ESCAPE '\\')");
      params.q = `%${likeEscape(q.q)}%`;
    }
    return { sql: where.length ? 'WHERE ' + where.join(' AND ') : '', params };
  }

  /** Matching entries newest first, one page, plus the total number of matches. */
  search(q: AuditQuery = {}): { items: StoredAuditEntry[]; total: number } {
    const { sql, params } = this.#where(q);
    const total = (this.#records.db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${sql}`).get(params) as { n: number }).n;
    const rows = this.#records.db
      .prepare(`SELECT * FROM audit_log ${sql} ORDER BY at DESC, id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: Math.min(Math.max(q.limit ?? 100, 1), 10_000), offset: Math.max(q.offset ?? 0, 0) }) as AuditRow[];
    return { items: rows.map(fromRow), total };
  }

  /**
   * Every match, newest first, read in pages of `pageSize` by keyset (id) so that a slow consumer
   * (a CSV download) never keeps a statement open across awaits on the shared connection.
   */
  *pages(q: AuditQuery = {}, pageSize = 1000): Generator<StoredAuditEntry[]> {
    const { sql, params } = this.#where(q);
    const cond = sql ? `${sql} AND id < @before` : 'WHERE id < @before';
    const stmt = this.#records.db.prepare(`SELECT * FROM audit_log ${cond} ORDER BY id DESC LIMIT @limit`);
    let before = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = stmt.all({ ...params, before, limit: pageSize }) as AuditRow[];
      if (rows.length === 0) return;
      yield rows.map(fromRow);
      before = rows[rows.length - 1].id;
    }
  }
}
