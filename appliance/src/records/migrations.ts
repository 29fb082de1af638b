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
  {
    id: 2,
    name: 'create_users',
    // password_history: JSON array of the previous scrypt hashes (newest first) for the
    // "not one of the last 3" rule; never the passwords themselves.
    up: `
      CREATE TABLE users (
        username              TEXT    PRIMARY KEY,
        role                  TEXT    NOT NULL CHECK (role IN ('admin', 'supervisor', 'engineer', 'auditor', 'agent')),
        display_name          TEXT    NOT NULL DEFAULT '',
        password_hash         TEXT    NOT NULL,
        password_history      TEXT    NOT NULL DEFAULT '[]',
        must_change_password  INTEGER NOT NULL DEFAULT 1,
        created_at            INTEGER NOT NULL,
        last_login_at         INTEGER,
        password_changed_at   INTEGER NOT NULL
      );
    `,
  },
  {
    id: 3,
    name: 'create_audit_log',
    up: `
      CREATE TABLE audit_log (
        id              INTEGER PRIMARY KEY,
        at              INTEGER NOT NULL,
        actor           TEXT    NOT NULL,
        role            TEXT    NOT NULL,
        source_address  TEXT    NOT NULL,
        action          TEXT    NOT NULL,
        target          TEXT    NOT NULL,
        outcome         TEXT    NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
        before_json     TEXT,
        after_json      TEXT
      );
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE INDEX audit_log_actor ON audit_log (actor, at);
    `,
  },
  {
    id: 4,
    name: 'create_login_failures',
    // kind 'user' keys on the username, kind 'address' on the client address; a lock row says
    // until when logins for that key are refused.
    up: `
      CREATE TABLE login_failures (
        kind  TEXT    NOT NULL CHECK (kind IN ('user', 'address')),
        key   TEXT    NOT NULL,
        at    INTEGER NOT NULL
      );
      CREATE INDEX login_failures_key ON login_failures (kind, key, at);
      CREATE TABLE login_locks (
        kind          TEXT    NOT NULL CHECK (kind IN ('user', 'address')),
        key           TEXT    NOT NULL,
        locked_until  INTEGER NOT NULL,
        PRIMARY KEY (kind, key)
      );
    `,
  },
  {
    id: 5,
    name: 'cdr_media_quality',
    // Issue 4: why the PBX ended a call (media timeout, no ACK, shutdown) and per-leg media
    // figures; leg a faces the caller, leg b the callee. NULL for calls without media.
    up: `
      ALTER TABLE cdr ADD COLUMN end_cause TEXT;
      ALTER TABLE cdr ADD COLUMN a_packets_in INTEGER;
      ALTER TABLE cdr ADD COLUMN a_packets_out INTEGER;
      ALTER TABLE cdr ADD COLUMN a_lost INTEGER;
      ALTER TABLE cdr ADD COLUMN a_jitter_ms REAL;
      ALTER TABLE cdr ADD COLUMN b_packets_in INTEGER;
      ALTER TABLE cdr ADD COLUMN b_packets_out INTEGER;
      ALTER TABLE cdr ADD COLUMN b_lost INTEGER;
      ALTER TABLE cdr ADD COLUMN b_jitter_ms REAL;
    `,
  },
  {
    id: 6,
    name: 'cdr_trunk',
    // Issue 5: which carrier (SIP trunk or `analog:<group>`) carried a call to or from outside; NULL between extensions.
    up: `
      ALTER TABLE cdr ADD COLUMN trunk TEXT;
    `,
  },
  {
    id: 7,
    name: 'agent_state',
    // Issue 6: each agent's chosen state (ready / not ready with reason) and the extension it is
    // logged in on, restored when the PBX restarts; and every finished state spell with its duration.
    up: `
      CREATE TABLE agent_state (
        agent      TEXT    PRIMARY KEY,
        extension  TEXT    NOT NULL,
        state      TEXT    NOT NULL CHECK (state IN ('ready', 'not-ready')),
        reason     TEXT,
        since      INTEGER NOT NULL
      );
      CREATE TABLE agent_state_log (
        id          INTEGER PRIMARY KEY,
        agent       TEXT    NOT NULL,
        state       TEXT    NOT NULL,
        reason      TEXT,
        started_at  INTEGER NOT NULL,
        ended_at    INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0)
      );
      CREATE INDEX agent_state_log_agent ON agent_state_log (agent, started_at);
      CREATE INDEX agent_state_log_started ON agent_state_log (started_at);
    `,
  },
];
