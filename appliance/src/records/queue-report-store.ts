import type { RecordsDb } from './db.ts';

/**
 * Additive sums over queue calls: what SQL adds up so that quarter hours can be folded into local
 * hours and days (sums add, maxima take the max) and the ratios (service level, ASA, AHT) are
 * derived last, from the totals (mgmt/reports.ts).
 */
export interface QueueCallSums {
  offered: number;
  answered: number;
  abandoned: number;
  overflowed: number;
  callbacks: number;
  /** Answered within the queue's service-level threshold. */
  withinSl: number;
  /** Sum of the waits of answered calls (ASA = answerWaitMs / answered). */
  answerWaitMs: number;
  /** Sum of talk + wrap-up of answered calls (AHT = handleMs / answered). */
  handleMs: number;
  talkMs: number;
  wrapUpMs: number;
  /** Longest wait of any call, answered or not. */
  longestWaitMs: number;
}

/** Which calls a report covers: entered the queue in [from, to) (epoch ms), optionally one queue or agent. */
export interface QueueReportRange { from: number; to: number; queue?: string; agent?: string }

/** Service-level thresholds: seconds per queue name, and the one for queues no longer configured. */
export interface ServiceLevels { perQueue: Record<string, number>; defaultSec: number }

/** Not-ready time of one agent with one reason, clipped to the report's range. */
export interface NotReadyTime { agent: string; reason: string; ms: number }

const QUARTER_MS = 15 * 60_000;

// The threshold of each row's queue comes from the configuration (a CASE over the configured queues,
// bound as parameters), so a changed threshold applies to the whole history the way the report's
// reader expects. A CASE costs a few comparisons per row; a join with json_each scanned the JSON for every row.
const sums = (threshold: string) => `
  COUNT(*) AS offered,
  COALESCE(SUM(outcome = 'answered'), 0) AS answered,
  COALESCE(SUM(outcome = 'abandoned'), 0) AS abandoned,
  COALESCE(SUM(outcome = 'overflow'), 0) AS overflowed,
  COALESCE(SUM(outcome = 'callback'), 0) AS callbacks,
  COALESCE(SUM(outcome = 'answered' AND wait_ms <= ${threshold} * 1000), 0) AS withinSl,
  COALESCE(SUM(CASE WHEN outcome = 'answered' THEN wait_ms ELSE 0 END), 0) AS answerWaitMs,
  COALESCE(SUM(CASE WHEN outcome = 'answered' THEN talk_ms + wrap_up_ms ELSE 0 END), 0) AS handleMs,
  COALESCE(SUM(talk_ms), 0) AS talkMs,
  COALESCE(SUM(wrap_up_ms), 0) AS wrapUpMs,
  COALESCE(MAX(wait_ms), 0) AS longestWaitMs`;

/** Aggregations over queue_calls and agent_state_log for the reports (read only, indexed ranges). */
export class QueueReportStore {
  constructor(private readonly records: RecordsDb) {}

  /** Sums per UTC-aligned quarter hour (every real zone offset falls on one), for hour and day reports. */
  quarters(r: QueueReportRange, sl: ServiceLevels): Array<QueueCallSums & { start: number }> {
    return this.sums<{ start: number }>(`(q.entered_at / ${QUARTER_MS}) * ${QUARTER_MS}`, 'start', r, sl);
  }

  /** Sums per queue. */
  byQueue(r: QueueReportRange, sl: ServiceLevels): Array<QueueCallSums & { queue: string }> {
    return this.sums<{ queue: string }>('q.queue', 'queue', r, sl);
  }

  /** Sums per agent, over the calls an agent answered. */
  byAgent(r: QueueReportRange, sl: ServiceLevels): Array<QueueCallSums & { agent: string }> {
    return this.sums<{ agent: string }>('q.agent', 'agent', r, sl, 'q.agent IS NOT NULL');
  }

  /** Finished not-ready spells overlapping the range, clipped to it, per agent and reason. */
  notReady(r: Pick<QueueReportRange, 'from' | 'to' | 'agent'>): NotReadyTime[] {
    return this.records.db.prepare(`
      SELECT agent, COALESCE(reason, '') AS reason, SUM(MIN(ended_at, @to) - MAX(started_at, @from)) AS ms
      FROM agent_state_log
      WHERE ended_at > @from AND started_at < @to AND state = 'not-ready'${r.agent ? ' AND agent = @agent' : ''}
      GROUP BY agent, reason ORDER BY agent, reason`).all({ from: r.from, to: r.to, ...(r.agent ? { agent: r.agent } : {}) }) as NotReadyTime[];
  }

  private sums<K>(key: string, as: string, r: QueueReportRange, sl: ServiceLevels, extra?: string): Array<QueueCallSums & K> {
    const where = ['q.entered_at >= @from', 'q.entered_at < @to'];
    const params: Record<string, unknown> = { from: r.from, to: r.to, defaultSl: sl.defaultSec };
    const queues = Object.entries(sl.perQueue);
    queues.forEach(([name, sec], i) => { params[`q${i}`] = name; params[`s${i}`] = sec; });
    const threshold = queues.length > 0 ? `(CASE q.queue ${queues.map((_, i) => `WHEN @q${i} THEN @s${i}`).join(' ')} ELSE @defaultSl END)` : '@defaultSl';
    if (r.queue !== undefined) (where.push('q.queue = @queue'), (params.queue = r.queue));
    if (r.agent !== undefined) (where.push('q.agent = @agent'), (params.agent = r.agent));
    if (extra) where.push(extra);
    // The index that bounds the range: without it the planner may walk the whole (queue, …) or
    // (agent, …) index to save the GROUP BY sort, reading every call ever made for a one-day report.
    const index = r.agent !== undefined ? 'queue_calls_agent' : r.queue !== undefined ? 'queue_calls_queue' : 'queue_calls_entered';
    return this.records.db.prepare(`
      SELECT ${key} AS ${as}, ${sums(threshold)}
      FROM queue_calls q INDEXED BY ${index}
      WHERE ${where.join(' AND ')}
      GROUP BY ${as} ORDER BY ${as}`).all(params) as Array<QueueCallSums & K>;
  }
}
