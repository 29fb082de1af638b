import type { RecordsDb } from './db.ts';

/** An agent's chosen state, as restored after a restart. */
export interface SavedAgentState { agent: string; extension: string; state: 'ready' | 'not-ready'; reason: string | null; since: number }

/** One finished state spell (ready, not-ready with its reason, on-call, wrap-up…). */
export interface AgentStateSpell { agent: string; state: string; reason: string | null; startedAt: number; endedAt: number; durationMs: number }

/**
 * Agents' states in records.db (migration 11): the current chosen state per agent, kept across
 * restarts, and the log of every spell with its duration (not-ready time by reason).
 */
export class AgentStateStore {
  private readonly upsert;
  private readonly remove;
  private readonly insertLog;

  constructor(private readonly records: RecordsDb) {
    const db = records.db;
    this.upsert = db.prepare('INSERT INTO agent_state (agent, extension, state, reason, since) VALUES (?, ?, ?, ?, ?) ON CONFLICT(agent) DO UPDATE SET extension = excluded.extension, state = excluded.state, reason = excluded.reason, since = excluded.since');
    this.remove = db.prepare('DELETE FROM agent_state WHERE agent = ?');
    this.insertLog = db.prepare('INSERT INTO agent_state_log (agent, state, reason, started_at, ended_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?)');
  }

  /** Saves the state an agent chose (logged in on `extension`), replacing the previous one. */
  save(s: SavedAgentState): void {
    this.upsert.run(s.agent, s.extension, s.state, s.reason, s.since);
  }

  /** The agent logged out: nothing to restore. */
  clear(agent: string): void {
    this.remove.run(agent);
  }

  /** Appends finished spells, in one transaction. */
  log(spells: readonly AgentStateSpell[]): void {
    if (spells.length === 0) return;
    this.records.db.transaction(() => {
      for (const s of spells) this.insertLog.run(s.agent, s.state, s.reason, s.startedAt, s.endedAt, s.durationMs);
    })();
  }

  /** Every saved state (agents logged in when the PBX stopped). */
  all(): SavedAgentState[] {
    return this.records.db.prepare('SELECT agent, extension, state, reason, since FROM agent_state ORDER BY agent').all() as SavedAgentState[];
  }

  /** Logged spells of an agent, oldest first (reports, tests). */
  spells(agent: string): AgentStateSpell[] {
    return this.records.db.prepare('SELECT agent, state, reason, started_at AS startedAt, ended_at AS endedAt, duration_ms AS durationMs FROM agent_state_log WHERE agent = ? ORDER BY id').all(agent) as AgentStateSpell[];
  }
}
