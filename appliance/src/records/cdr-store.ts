import type { Statement } from 'better-sqlite3';
import type { RecordsDb } from './db.ts';

/** How a call ended, from the caller's point of view. */
export type CallDisposition = 'answered' | 'busy' | 'no-answer' | 'cancelled' | 'failed';

/** Which party (or the PBX itself) ended the call. */
export type HangupSide = 'caller' | 'callee' | 'system';

/** One call detail record, written by the PBX when a call ends. Times are epoch milliseconds. */
export interface CallRecord {
  callId: string;
  caller: string;
  callee: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number;
  disposition: CallDisposition;
  /** Whole seconds from start to end. */
  durationSec: number;
  /** Whole seconds from answer to end; 0 when unanswered. */
  billableSec: number;
  /** Final SIP status of the call (200 when answered). */
  sipCode: number;
  sipReason: string;
  hangupSide: HangupSide | null;
  /** Why the PBX ended the call itself ('media-timeout', 'no-ack', 'pbx', ...); null for a normal end. */
  endCause?: string | null;
  /** Media figures per leg; null when the call carried no media. */
  quality?: CallQuality | null;
  /** The carrier of a call to or from outside (issue 5): trunk name or `analog:<group>`; absent or null between extensions. */
  trunk?: string | null;
}

/** Media figures of one leg of a call, from the relay (RFC 3550 loss and interarrival jitter). */
export interface LegQuality { packetsIn: number; packetsOut: number; lost: number; jitterMs: number }

/** Per-call quality: leg a faces the caller, leg b the callee. */
export interface CallQuality { a: LegQuality; b: LegQuality }

/** A stored call record with its row id. */
export type StoredCallRecord = CallRecord & { id: number };

/** Filter of `CdrStore.list`; times are epoch ms on `startedAt`, `since` inclusive, `until` exclusive. */
export interface CdrQuery {
  since?: number;
  until?: number;
  /** Default 100, capped at 10,000. */
  limit?: number;
  caller?: string;
  callee?: string;
}

/** durationSec and billableSec from the three timestamps, rounded down to whole seconds. */
export function callDurations(startedAt: number, answeredAt: number | null, endedAt: number): { durationSec: number; billableSec: number } {
  return {
    durationSec: Math.max(0, Math.floor((endedAt - startedAt) / 1000)),
    billableSec: answeredAt === null ? 0 : Math.max(0, Math.floor((endedAt - answeredAt) / 1000)),
  };
}

/** A cdr table row as SQLite returns it. */
export interface CdrRow {
  id: number;
  call_id: string;
  caller: string;
  callee: string;
  started_at: number;
  answered_at: number | null;
  ended_at: number;
  disposition: CallDisposition;
  duration_sec: number;
  billable_sec: number;
  sip_code: number;
  sip_reason: string;
  hangup_side: HangupSide | null;
  end_cause: string | null;
  trunk?: string | null;
  a_packets_in: number | null; a_packets_out: number | null; a_lost: number | null; a_jitter_ms: number | null;
  b_packets_in: number | null; b_packets_out: number | null; b_lost: number | null; b_jitter_ms: number | null;
}

/** A cdr row as a call record (shared by every reader of the table). */
export const rowToRecord = (r: CdrRow): StoredCallRecord => ({
  id: r.id,
  callId: r.call_id,
  caller: r.caller,
  callee: r.callee,
  startedAt: r.started_at,
  answeredAt: r.answered_at,
  endedAt: r.ended_at,
  disposition: r.disposition,
  durationSec: r.duration_sec,
  billableSec: r.billable_sec,
  sipCode: r.sip_code,
  sipReason: r.sip_reason,
  hangupSide: r.hangup_side,
  endCause: r.end_cause ?? null,
  // Only set for calls through a carrier, so records between extensions read as before migration 6.
  ...(r.trunk ? { trunk: r.trunk } : {}),
  quality: r.a_packets_in === null || r.a_packets_in === undefined ? null : {
    a: { packetsIn: r.a_packets_in, packetsOut: r.a_packets_out ?? 0, lost: r.a_lost ?? 0, jitterMs: r.a_jitter_ms ?? 0 },
    b: { packetsIn: r.b_packets_in ?? 0, packetsOut: r.b_packets_out ?? 0, lost: r.b_lost ?? 0, jitterMs: r.b_jitter_ms ?? 0 },
  },
});

/** Call detail records in records.db. The insert statement is prepared once and reused per call. */
export class CdrStore {
  readonly #records: RecordsDb;
  readonly #insert: Statement;
  readonly #count: Statement;
  readonly #listStatements = new Map<string, Statement>();

  constructor(records: RecordsDb) {
    this.#records = records;
    this.#insert = records.db.prepare(
      `INSERT INTO cdr (call_id, caller, callee, started_at, answered_at, ended_at, disposition, duration_sec, billable_sec, sip_code, sip_reason, hangup_side,
         end_cause, a_packets_in, a_packets_out, a_lost, a_jitter_ms, b_packets_in, b_packets_out, b_lost, b_jitter_ms, trunk)
       VALUES (@callId, @caller, @callee, @startedAt, @answeredAt, @endedAt, @disposition, @durationSec, @billableSec, @sipCode, @sipReason, @hangupSide,
         @endCause, @aIn, @aOut, @aLost, @aJitter, @bIn, @bOut, @bLost, @bJitter, @trunk)`,
    );
    this.#count = records.db.prepare('SELECT COUNT(*) AS n FROM cdr');
  }

  /** Stores one record and returns its row id. */
  insert(record: CallRecord): number {
    const r = this.#insert.run({
      callId: record.callId,
      caller: record.caller,
      callee: record.callee,
      startedAt: record.startedAt,
      answeredAt: record.answeredAt,
      endedAt: record.endedAt,
      disposition: record.disposition,
      durationSec: record.durationSec,
      billableSec: record.billableSec,
      sipCode: record.sipCode,
      sipReason: record.sipReason,
      hangupSide: record.hangupSide,
      endCause: record.endCause ?? null,
      trunk: record.trunk ?? null,
      aIn: record.quality?.a.packetsIn ?? null, aOut: record.quality?.a.packetsOut ?? null, aLost: record.quality?.a.lost ?? null, aJitter: record.quality?.a.jitterMs ?? null,
      bIn: record.quality?.b.packetsIn ?? null, bOut: record.quality?.b.packetsOut ?? null, bLost: record.quality?.b.lost ?? null, bJitter: record.quality?.b.jitterMs ?? null,
    });
    return Number(r.lastInsertRowid);
  }

  /** Stores several records in one transaction (all or none); one commit makes bulk import fast. */
  insertMany(records: readonly CallRecord[]): number[] {
    return this.#records.db.transaction((batch: readonly CallRecord[]) => batch.map((r) => this.insert(r)))(records);
  }

  /** Records matching the query, newest first. */
  list(query: CdrQuery = {}): StoredCallRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (query.since !== undefined) (where.push('started_at >= @since'), (params.since = query.since));
    if (query.until !== undefined) (where.push('started_at < @until'), (params.until = query.until));
    if (query.caller !== undefined) (where.push('caller = @caller'), (params.caller = query.caller));
    if (query.callee !== undefined) (where.push('callee = @callee'), (params.callee = query.callee));
    params.limit = Math.min(Math.max(Math.trunc(query.limit ?? 100), 1), 10_000);
    const sql = `SELECT * FROM cdr ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY started_at DESC, id DESC LIMIT @limit`;
    // At most 16 filter shapes exist, so each prepared statement is kept for reuse.
    let stmt = this.#listStatements.get(sql);
    if (!stmt) this.#listStatements.set(sql, (stmt = this.#records.db.prepare(sql)));
    return (stmt.all(params) as CdrRow[]).map(rowToRecord);
  }

  /** Number of stored records. */
  count(): number {
    return (this.#count.get() as { n: number }).n;
  }
}
