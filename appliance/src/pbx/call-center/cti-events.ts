import type { AgentStateName, QueueStats } from '../../acd/index.ts';
import type { IvrChoice } from '../../ivr/index.ts';
import type { SupervisionCtiEvent } from '../supervision/cti-events.ts';
import type { ConferenceCtiEvent } from '../conference/cti-events.ts';
import type { CallControlCtiEvent } from '../call-control/cti-events.ts';

/**
 * Events of the CTI stream (issue 6) for agent desktops and wallboards, Noun+Verb (STYLE.md 15).
 * `at` is epoch ms. The PBX publishes them on its control socket (`GET /v1/cti/events`, one JSON
 * object per line); the management service relays them to authenticated WebSocket clients.
 * `CallOffered` is published before the agent's phone is rung (screen pop first).
 */
export type CtiEvent =
  | {
    type: 'CallOffered'; at: number; callId: string; agent: string; extension: string;
    callerNumber: string; callerName?: string; queue: string; waitMs: number;
    ivr: { choices: IvrChoice[]; digits: Record<string, string> };
    /** Set for a callback: the PBX calls the agent, then `callerNumber`; `attempt` counts from 1. */
    callback?: { attempt: number };
  }
  | { type: 'CallAnswered'; at: number; callId: string; agent: string; queue: string; waitMs: number }
  | { type: 'CallEnded'; at: number; callId: string; queue?: string; agent?: string; outcome: 'completed' | 'abandoned' | 'overflowed' | 'hung-up' | 'transferred' | 'callback-retry' | 'callback-failed' }
  /** A blind transfer put the caller into a queue or IVR menu; `by` is the transferor's number, `agent` set when it was a queue call's agent. */
  | { type: 'CallTransferred'; at: number; callId: string; by: string; agent?: string; fromQueue?: string; to: { queue: string } | { menu: string } | { agent: string } }
  | { type: 'AgentStateChanged'; at: number; agent: string; state: AgentStateName; reason?: string; extension?: string }
  | { type: 'QueueStatsUpdated'; at: number; queue: string; stats: QueueStats }
  | SupervisionCtiEvent
  | ConferenceCtiEvent
  | CallControlCtiEvent;

/** Names of the event types, for filters. */
export type CtiEventType = CtiEvent['type'];

/** Fan-out of CTI events to whoever listens (the control socket's streams); a failing listener is dropped, never the PBX. */
export class CtiBus {
  private readonly listeners = new Set<(e: CtiEvent) => void>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: (e: CtiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers `e` to every listener, synchronously and in order. */
  publish(e: CtiEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        this.listeners.delete(l);
      }
    }
  }

  /** Listeners now (status page). */
  get size(): number { return this.listeners.size; }
}
