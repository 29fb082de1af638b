// Call-center reports (issue 6): the store adds up queue calls per quarter hour, queue or agent in
// SQL; this module folds quarter hours into the local hours or days of the site's time zone (with
// the empty ones, so charts have no gaps) and derives the ratios from the totals. Pure.
import type { NotReadyTime, QueueCallSums } from '../records/index.ts';
import { localHourStart } from './hourly.ts';

/** The four reports. */
export type ReportKind = 'hour' | 'day' | 'agent' | 'queue';
export const REPORT_KINDS: readonly ReportKind[] = ['hour', 'day', 'agent', 'queue'];

/** One line of a report. Times in ms; ratios 0–1, null when there is nothing to divide by. */
export interface ReportRow {
  /** ISO instant the local hour/day starts, or the queue name, or the agent number; 'total' for the total line. */
  key: string;
  /** The agent's configured name (agent report). */
  name?: string;
  offered: number;
  answered: number;
  abandoned: number;
  overflowed: number;
  callbacks: number;
  answeredWithinSl: number;
  /** answered within the threshold ÷ (answered + abandoned), as the ACD engine's live figure. */
  serviceLevel: number | null;
  /** Average speed of answer: mean wait of answered calls. */
  asaMs: number | null;
  /** Average handling time: mean talk + wrap-up of answered calls. */
  ahtMs: number | null;
  longestWaitMs: number;
  talkMs: number;
  wrapUpMs: number;
  /** Not-ready time by reason code (agent report). */
  notReadyMs?: Record<string, number>;
}

/** Sums with nothing in them. */
export function emptySums(): QueueCallSums {
  return { offered: 0, answered: 0, abandoned: 0, overflowed: 0, callbacks: 0, withinSl: 0, answerWaitMs: 0, handleMs: 0, talkMs: 0, wrapUpMs: 0, longestWaitMs: 0 };
}

/** Adds `b` into `a` (maxima take the larger). */
export function addSums(a: QueueCallSums, b: QueueCallSums): QueueCallSums {
  for (const k of Object.keys(a) as Array<keyof QueueCallSums>) a[k] = k === 'longestWaitMs' ? Math.max(a[k], b[k]) : a[k] + b[k];
  return a;
}

/** A report line from its sums. */
export function reportRow(key: string, s: QueueCallSums): ReportRow {
  const offeredToAgents = s.answered + s.abandoned;
  return {
    key, offered: s.offered, answered: s.answered, abandoned: s.abandoned, overflowed: s.overflowed, callbacks: s.callbacks,
    answeredWithinSl: s.withinSl,
    serviceLevel: offeredToAgents > 0 ? s.withinSl / offeredToAgents : null,
    asaMs: s.answered > 0 ? Math.round(s.answerWaitMs / s.answered) : null,
    ahtMs: s.answered > 0 ? Math.round(s.handleMs / s.answered) : null,
    longestWaitMs: s.longestWaitMs, talkMs: s.talkMs, wrapUpMs: s.wrapUpMs,
  };
}

const HOUR = 3_600_000;

/** Start (epoch ms) of the local day containing `t`, from the local clock time at `t`. */
export function localDayStart(t: number, clockFormat: Intl.DateTimeFormat): number {
  const parts = clockFormat.formatToParts(t);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  // Some ICU versions write midnight as 24 even with h23.
  return t - (t % 60_000) - ((n('hour') % 24) * 60 + n('minute')) * 60_000;
}

/**
 * Folds quarter-hour sums into the local hours or days of `timeZone` in [from, to), every bucket
 * present (empty ones too). Keys are the ISO instants the local hour or day starts.
 */
export function foldQuarters(quarters: ReadonlyArray<QueueCallSums & { start: number }>, from: number, to: number, timeZone: string, unit: 'hour' | 'day'): ReportRow[] {
  const minute = new Intl.DateTimeFormat('en-GB', { timeZone, minute: '2-digit' });
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const startOf = unit === 'hour' ? (t: number) => localHourStart(t, minute) : (t: number) => localDayStart(t, clock);
  // A local day is 23 to 25 hours long, so 25 h after a day's start always lands in the next one.
  const next = unit === 'hour' ? (t: number) => t + HOUR : (t: number) => startOf(t + 25 * HOUR);
  const buckets = new Map<number, QueueCallSums>();
  for (let b = startOf(from); b < to; b = next(b)) buckets.set(b, emptySums());
  for (const q of quarters) {
    const b = startOf(q.start);
    const sums = buckets.get(b) ?? emptySums();
    buckets.set(b, addSums(sums, q));
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([t, s]) => reportRow(new Date(t).toISOString(), s));
}

/** Per-agent lines: the agents' call sums merged with their not-ready time by reason (an agent with only one of them still appears). */
export function agentRows(sums: ReadonlyArray<QueueCallSums & { agent: string }>, notReady: readonly NotReadyTime[], names: ReadonlyMap<string, string>): ReportRow[] {
  const byAgent = new Map<string, ReportRow>();
  for (const s of sums) byAgent.set(s.agent, reportRow(s.agent, s));
  for (const n of notReady) {
    let row = byAgent.get(n.agent);
    if (!row) byAgent.set(n.agent, (row = reportRow(n.agent, emptySums())));
    row.notReadyMs = { ...row.notReadyMs, [n.reason]: (row.notReadyMs?.[n.reason] ?? 0) + n.ms };
  }
  for (const row of byAgent.values()) {
    row.notReadyMs ??= {};
    const name = names.get(row.key);
    if (name) row.name = name;
  }
  return [...byAgent.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** The total line of a report from the same sums its lines came from. */
export function totalRow(sums: ReadonlyArray<QueueCallSums>, notReady: readonly NotReadyTime[] = []): ReportRow {
  const row = reportRow('total', sums.reduce((acc, s) => addSums(acc, s), emptySums()));
  if (notReady.length > 0) {
    row.notReadyMs = {};
    for (const n of notReady) row.notReadyMs[n.reason] = (row.notReadyMs[n.reason] ?? 0) + n.ms;
  }
  return row;
}
