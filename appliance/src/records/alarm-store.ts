import type { Statement } from 'better-sqlite3';
import type { AlarmSeverity } from '../alarms/index.ts';
import type { RecordsDb } from './db.ts';

/** One alarm occurrence as kept in records.db. Times are epoch ms. */
export interface AlarmOccurrence {
  /** Occurrence number, never reused: the MIB's hlAlarmIndex. */
  seq: number;
  /** The condition's stable id, e.g. `disk-usage:/`. */
  id: string;
  /** The probe that reports it (only that probe's poll can clear it). */
  scope: string;
  severity: AlarmSeverity;
  source: string;
  text: { en: string; zh: string };
  raisedAt: number;
  clearedAt?: number;
}

interface AlarmRow {
  seq: number;
  alarm_id: string;
  scope: string;
  severity: AlarmSeverity;
  source: string;
  text_en: string;
  text_zh: string;
  raised_at: number;
  cleared_at: number | null;
}

const fromRow = (r: AlarmRow): AlarmOccurrence => {
  const a: AlarmOccurrence = { seq: r.seq, id: r.alarm_id, scope: r.scope, severity: r.severity, source: r.source, text: { en: r.text_en, zh: r.text_zh }, raisedAt: r.raised_at };
  if (r.cleared_at !== null) a.clearedAt = r.cleared_at;
  return a;
};

/** Alarm history in records.db: insert at raise, set cleared_at at clear, never delete. */
export class AlarmStore {
  readonly #insert: Statement;
  readonly #clear: Statement;
  readonly #active: Statement;
  readonly #history: Statement;

  constructor(records: RecordsDb) {
    const db = records.db;
    this.#insert = db.prepare(
      `INSERT INTO alarm_history (alarm_id, scope, severity, source, text_en, text_zh, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#clear = db.prepare('UPDATE alarm_history SET cleared_at = ? WHERE seq = ? AND cleared_at IS NULL');
    this.#active = db.prepare('SELECT * FROM alarm_history WHERE cleared_at IS NULL ORDER BY seq');
    this.#history = db.prepare('SELECT * FROM alarm_history WHERE raised_at >= ? AND raised_at < ? ORDER BY seq DESC LIMIT ?');
  }

  /** Records a raise; returns the occurrence with its new seq. */
  raise(a: Omit<AlarmOccurrence, 'seq' | 'clearedAt'>): AlarmOccurrence {
    const r = this.#insert.run(a.id, a.scope, a.severity, a.source, a.text.en, a.text.zh, a.raisedAt);
    return { ...a, seq: Number(r.lastInsertRowid) };
  }

  /** Records the clear of an active occurrence; false when it was not active. */
  clear(seq: number, at: number): boolean {
    return this.#clear.run(at, seq).changes === 1;
  }

  /** Occurrences raised and not yet cleared, oldest first. */
  active(): AlarmOccurrence[] {
    return (this.#active.all() as AlarmRow[]).map(fromRow);
  }

  /** Occurrences raised in [from, to), newest first. */
  history(from = 0, to = Number.MAX_SAFE_INTEGER, limit = 1000): AlarmOccurrence[] {
    return (this.#history.all(from, to, limit) as AlarmRow[]).map(fromRow);
  }
}
