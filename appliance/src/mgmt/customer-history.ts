// The screen pop's "earlier calls": one line per call, from the call record (when, to whom, how
// long, how it ended) and the queue-call rows of the same call (which queue, which agent, how long
// the caller waited, outcome). A call known only from one of the two still gets its line.
import { normalizePhone, type Customer, type StoredCallRecord, type StoredQueueCall } from '../records/index.ts';

/** One earlier call of a caller or account. Times ISO; durations ms except the record's seconds. */
export interface HistoryCall {
  callId: string;
  startedAt: string;
  caller: string;
  callee: string | null;
  disposition: string | null;
  durationSec: number | null;
  queues: Array<{ queue: string; outcome: string; waitMs: number; agent: string | null; talkMs: number }>;
}

/** Every form of the numbers a caller may be stored under: as presented, normalised, and the customer's phones. */
export function callerForms(number: string | undefined, customers: readonly Customer[]): string[] {
  const forms = new Set<string>();
  if (number) {
    forms.add(number);
    const n = normalizePhone(number);
    if (n) forms.add(n);
  }
  for (const c of customers) for (const p of c.phones) forms.add(p);
  return [...forms];
}

/** Merges call records and queue calls by call id, newest first, at most `limit` calls. */
export function mergeHistory(cdr: readonly StoredCallRecord[], queue: readonly StoredQueueCall[], limit: number): HistoryCall[] {
  const byCall = new Map<string, HistoryCall & { t: number }>();
  for (const r of cdr) {
    byCall.set(r.callId, { callId: r.callId, t: r.startedAt, startedAt: new Date(r.startedAt).toISOString(), caller: r.caller, callee: r.callee, disposition: r.disposition, durationSec: r.durationSec, queues: [] });
  }
  // Oldest first, so an overflowed call lists its queues in the order it passed them.
  for (const q of [...queue].sort((a, b) => a.enteredAt - b.enteredAt || a.id - b.id)) {
    let h = byCall.get(q.callId);
    if (!h) byCall.set(q.callId, (h = { callId: q.callId, t: q.enteredAt, startedAt: new Date(q.enteredAt).toISOString(), caller: q.caller, callee: null, disposition: null, durationSec: null, queues: [] }));
    h.queues.push({ queue: q.queue, outcome: q.outcome, waitMs: q.waitMs, agent: q.agent, talkMs: q.talkMs });
  }
  return [...byCall.values()].sort((a, b) => b.t - a.t).slice(0, limit).map(({ t: _t, ...h }) => h);
}
