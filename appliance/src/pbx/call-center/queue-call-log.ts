// Builds the queue-call history rows (reports, the screen pop's earlier calls) from what the call
// center does: told when a caller enters a queue (the one hook in call-center.ts), it learns the
// rest from the CTI events the call center publishes anyway — answer, end, overflow, and the
// agent's wrap-up. Pure: rows go to `write`; time comes with the events.
import type { QueueCallRow } from '../../records/index.ts';
import type { CtiEvent } from './cti-events.ts';

/** A caller entering a queue. `account` is the account number keyed in the IVR, if any. */
export interface QueueEntry { callId: string; queue: string; caller: string; account?: string; at: number }

/** What the call center tells the history besides its CTI events. */
export interface QueueCallHook {
  entered(e: QueueEntry): void;
  /** The caller accepted a callback: when it leaves the queue the outcome is `callback`. */
  callbackRequested(callId: string): void;
}

interface Open { row: QueueCallRow; callback: boolean }

/** See the file comment. Rows of answered calls are written when the agent's wrap-up ends. */
export class QueueCallLog implements QueueCallHook {
  private readonly open = new Map<string, Open>();
  /** Each agent's current state and since when (wrap-up length). */
  private readonly agents = new Map<string, { state: string; since: number }>();
  /** Answered calls whose agent is still in wrap-up, by agent. */
  private readonly wrapping = new Map<string, QueueCallRow>();

  constructor(private readonly write: (row: QueueCallRow) => void) {}

  entered(e: QueueEntry): void {
    this.open.set(e.callId, {
      callback: false,
      row: { callId: e.callId, queue: e.queue, caller: e.caller, account: e.account ?? null, enteredAt: e.at, answeredAt: null, endedAt: e.at, waitMs: 0, agent: null, talkMs: 0, wrapUpMs: 0, outcome: 'abandoned' },
    });
  }

  callbackRequested(callId: string): void {
    const o = this.open.get(callId);
    if (o) o.callback = true;
  }

  /** Feeds one CTI event (every event the call center publishes may be passed; the rest are ignored). */
  cti(e: CtiEvent): void {
    switch (e.type) {
      case 'CallAnswered': {
        const o = this.open.get(e.callId);
        if (!o) return;
        o.row.answeredAt = e.at;
        o.row.agent = e.agent;
        o.row.waitMs = Math.max(0, e.at - o.row.enteredAt);
        return;
      }
      case 'CallEnded': {
        const o = this.open.get(e.callId);
        if (!o) return;
        this.open.delete(e.callId);
        const row = o.row;
        row.endedAt = e.at;
        if (row.answeredAt !== null) {
          row.outcome = 'answered';
          row.talkMs = Math.max(0, e.at - row.answeredAt);
          // The engine puts the agent in wrap-up before the call's end is published.
          const a = row.agent !== null ? this.agents.get(row.agent) : undefined;
          if (a?.state === 'wrap-up' && row.agent !== null) {
            this.finishWrapUp(row.agent, a.since);
            this.wrapping.set(row.agent, row);
            return;
          }
        } else {
          row.waitMs = Math.max(0, e.at - row.enteredAt);
          row.outcome = e.outcome === 'overflowed' ? 'overflow' : o.callback ? 'callback' : 'abandoned';
        }
        this.write(row);
        return;
      }
      case 'AgentStateChanged': {
        const before = this.agents.get(e.agent);
        if (before?.state === 'wrap-up' && e.state !== 'wrap-up') this.finishWrapUp(e.agent, before.since, e.at);
        if (e.state === 'logged-out') this.agents.delete(e.agent);
        else this.agents.set(e.agent, { state: e.state, since: e.at });
        return;
      }
      default:
    }
  }

  /** Writes the rows still waiting for a wrap-up to end, with the wrap-up so far (PBX stopping). */
  close(at: number): void {
    for (const agent of [...this.wrapping.keys()]) this.finishWrapUp(agent, this.agents.get(agent)?.since ?? at, at);
  }

  /** Writes the row waiting for this agent's wrap-up (if any), with the wrap-up from `since` to `at`. */
  private finishWrapUp(agent: string, since: number, at?: number): void {
    const row = this.wrapping.get(agent);
    if (!row) return;
    this.wrapping.delete(agent);
    row.wrapUpMs = at === undefined ? 0 : Math.max(0, at - since);
    this.write(row);
  }
}
