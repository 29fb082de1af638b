import type { Database } from 'better-sqlite3';

/** One numbered schema step of records.db. Applied once, in its own transaction, in id order. */
export interface RecordsMigration {
  id: number;
  name: string;
  /** SQL run with `exec`, or a function for steps SQL alone cannot express. */
  up: string | ((db: Database) => void);
}

/**
 * The records.db schema history. Append only: never edit a step that has shipped, add a new one.
 * Integers for times (epoch ms) because SQLite has no date type and ranges on integers use the index.
 */
export const recordsMigrations: readonly RecordsMigration[] = [
  {
    id: 1,
    name: 'create_cdr',
    up: `
      CREATE TABLE cdr (
        id            INTEGER PRIMARY KEY,
        call_id       TEXT    NOT NULL,
        caller        TEXT    NOT NULL,
        callee        TEXT    NOT NULL,
        started_at    INTEGER NOT NULL,
        answered_at   INTEGER,
        ended_at      INTEGER NOT NULL,
        disposition   TEXT    NOT NULL CHECK (disposition IN ('answered', 'busy', 'no-answer', 'cancelled', 'failed')),
        duration_sec  INTEGER NOT NULL CHECK (duration_sec >= 0),
        billable_sec  INTEGER NOT NULL CHECK (billable_sec >= 0),
        sip_code      INTEGER NOT NULL,
        sip_reason    TEXT    NOT NULL,
        hangup_side   TEXT    CHECK (hangup_side IN ('caller', 'callee', 'system'))
      );
      CREATE INDEX cdr_started_at ON cdr (started_at);
      CREATE INDEX cdr_caller ON cdr (caller, started_at);
      CREATE INDEX cdr_callee ON cdr (callee, started_at);
    `,
  },
];
