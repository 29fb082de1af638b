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
    name: 'create_alarm_history',
    // Issue 8: every alarm occurrence, raised and (later) cleared; seq is the hlAlarmIndex of the
    // MIB and of both traps. Active alarms are the rows with cleared_at NULL; `scope` is the probe
    // that reports the condition (pbx, analog, host, services), so only that probe can clear it.
    up: `
      CREATE TABLE alarm_history (
        seq         INTEGER PRIMARY KEY,
        alarm_id    TEXT    NOT NULL,
        scope       TEXT    NOT NULL,
        severity    TEXT    NOT NULL CHECK (severity IN ('critical', 'major', 'minor', 'warning')),
        source      TEXT    NOT NULL,
        text_en     TEXT    NOT NULL,
        text_zh     TEXT    NOT NULL,
        raised_at   INTEGER NOT NULL,
        cleared_at  INTEGER
      );
      CREATE UNIQUE INDEX alarm_history_active ON alarm_history (alarm_id) WHERE cleared_at IS NULL;
      CREATE INDEX alarm_history_raised_at ON alarm_history (raised_at);
    `,
  },
  {
    id: 8,
    name: 'create_inspections_and_fault_reports',
    // Issue 9. Templates are versioned: an edit inserts (id, version+1), never updates, so a run
    // always points at the exact checklist it was done against. A run's template is copied into
    // the run (template_json) for the same reason and so the PDF can be rebuilt years later.
    // Signatures keep the drawn PNG as a BLOB (a few KB); photos live as files under
    // <data>/inspections/<run>/ and only their names are here.
    up: `
      CREATE TABLE inspection_templates (
        id          TEXT    NOT NULL,
        version     INTEGER NOT NULL,
        definition  TEXT    NOT NULL,
        created_at  INTEGER NOT NULL,
        created_by  TEXT    NOT NULL,
        comment     TEXT    NOT NULL DEFAULT '',
        PRIMARY KEY (id, version)
      );
      CREATE TABLE inspection_runs (
        id                INTEGER PRIMARY KEY,
        template_id       TEXT    NOT NULL,
        template_version  INTEGER NOT NULL,
        template_json     TEXT    NOT NULL,
        state             TEXT    NOT NULL CHECK (state IN ('draft', 'signed', 'closed')),
        site              TEXT    NOT NULL DEFAULT '',
        started_at        INTEGER NOT NULL,
        started_by        TEXT    NOT NULL,
        signed_at         INTEGER,
        closed_at         INTEGER
      );
      CREATE INDEX inspection_runs_started ON inspection_runs (started_at);
      CREATE TABLE inspection_results (
        run_id       INTEGER NOT NULL REFERENCES inspection_runs (id) ON DELETE CASCADE,
        item_id      TEXT    NOT NULL,
        value_num    REAL,
        value_text   TEXT,
        status       TEXT    NOT NULL CHECK (status IN ('pass', 'warn', 'fail', 'na', 'pending')),
        note         TEXT    NOT NULL DEFAULT '',
        detail       TEXT,
        photos       TEXT    NOT NULL DEFAULT '[]',
        measured_at  INTEGER,
        PRIMARY KEY (run_id, item_id)
      );
      CREATE TABLE inspection_findings (
        id           INTEGER PRIMARY KEY,
        run_id       INTEGER NOT NULL REFERENCES inspection_runs (id) ON DELETE CASCADE,
        risk         TEXT    NOT NULL CHECK (risk IN ('low', 'medium', 'high', 'critical')),
        item_id      TEXT,
        description  TEXT    NOT NULL,
        remediation  TEXT    NOT NULL DEFAULT ''
      );
      CREATE TABLE inspection_signatures (
        run_id     INTEGER NOT NULL REFERENCES inspection_runs (id) ON DELETE CASCADE,
        signer     TEXT    NOT NULL CHECK (signer IN ('engineer', 'customer')),
        name       TEXT    NOT NULL,
        signed_at  INTEGER NOT NULL,
        png        BLOB    NOT NULL,
        PRIMARY KEY (run_id, signer)
      );
      CREATE TABLE fault_reports (
        id                INTEGER PRIMARY KEY,
        number            TEXT    NOT NULL UNIQUE,
        level             INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
        state             TEXT    NOT NULL CHECK (state IN ('reported', 'responding', 'on-site', 'resolved', 'closed')),
        title             TEXT    NOT NULL,
        contact_name      TEXT    NOT NULL DEFAULT '',
        contact_phone     TEXT    NOT NULL DEFAULT '',
        occurred_at       INTEGER NOT NULL,
        reported_at       INTEGER NOT NULL,
        responded_at      INTEGER,
        on_site_at        INTEGER,
        diagnosed_at      INTEGER,
        resolved_at       INTEGER,
        closed_at         INTEGER,
        location          TEXT    NOT NULL DEFAULT '',
        method            TEXT    NOT NULL DEFAULT '',
        steps             TEXT    NOT NULL DEFAULT '',
        result            TEXT    NOT NULL DEFAULT '',
        prevention        TEXT    NOT NULL DEFAULT '',
        created_by        TEXT    NOT NULL,
        updated_at        INTEGER NOT NULL
      );
      CREATE INDEX fault_reports_reported ON fault_reports (reported_at);
      CREATE TABLE maintenance_settings (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      );
    `,
  },
  {
    id: 9,
    name: 'create_backup_runs',
    // Issue 9: one row per backup run (scheduled, manual, test restore). A row is inserted as
    // 'running' when the run starts, so a run killed mid-way stays visible (and is marked
    // 'interrupted' at the next start) instead of vanishing.
    up: `
      CREATE TABLE backup_runs (
        id           INTEGER PRIMARY KEY,
        kind         TEXT    NOT NULL CHECK (kind IN ('backup', 'test-restore')),
        trigger      TEXT    NOT NULL CHECK (trigger IN ('schedule', 'manual')),
        target       TEXT    NOT NULL,
        started_at   INTEGER NOT NULL,
        finished_at  INTEGER,
        status       TEXT    NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
        archive      TEXT,
        bytes        INTEGER,
        error        TEXT,
        detail_json  TEXT
      );
      CREATE INDEX backup_runs_started ON backup_runs (started_at);
    `,
  },
  {
    id: 10,
    name: 'create_recordings',
    // Issue 7: the recorder's index. One row per recording file (a transferred call has one per
    // segment, linked by previous_id). state: 'active' while the SRS writes it (a row left
    // 'active' after a crash is repaired and indexed at the next start), 'closed', 'recovered',
    // then 'archived' or 'deleted' by retention. parties: JSON array, one entry per channel.
    up: `
      CREATE TABLE recordings (
        id               TEXT    PRIMARY KEY,
        call_id          TEXT    NOT NULL DEFAULT '',
        session_call_id  TEXT    NOT NULL,
        started_at       INTEGER NOT NULL,
        ended_at         INTEGER,
        duration_ms      INTEGER,
        parties          TEXT    NOT NULL DEFAULT '[]',
        agent            TEXT,
        queue            TEXT,
        direction        TEXT    CHECK (direction IN ('inbound', 'outbound', 'internal')),
        codec            TEXT    NOT NULL,
        channels         INTEGER NOT NULL,
        sha256           TEXT,
        size_bytes       INTEGER,
        path             TEXT    NOT NULL,
        encrypted        INTEGER NOT NULL DEFAULT 0,
        retention_class  TEXT    NOT NULL DEFAULT 'standard',
        segment          INTEGER NOT NULL DEFAULT 1,
        previous_id      TEXT,
        state            TEXT    NOT NULL CHECK (state IN ('active', 'closed', 'recovered', 'archived', 'deleted', 'lost')),
        packets_lost     INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX recordings_started_at ON recordings (started_at);
      CREATE INDEX recordings_call_id ON recordings (call_id);
      CREATE INDEX recordings_agent ON recordings (agent, started_at);
      CREATE INDEX recordings_queue ON recordings (queue, started_at);
      CREATE INDEX recordings_state ON recordings (state, ended_at);
    `,
  },
  {
    id: 11,
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
  {
    id: 12,
    name: 'customers_and_queue_calls',
    // Issue 6: the utility's customers for the agent desktop's screen pop (looked up by caller
    // number through customer_phones, or by the account digits keyed in the IVR), the notes agents
    // add to them, and one row per queue call for the reports. Phones are stored normalised
    // (customer-phone.ts) so a lookup is one indexed equality. queue_calls.ended_at is when the
    // caller left the queue without an agent (abandoned, overflow, callback) or when the answered
    // call ended; wait_ms runs from entering the queue to the answer or to leaving it. The index
    // on agent_state_log.ended_at lets a report find the spells overlapping its range.
    // queue_calls_entered covers every column a report adds up, so a report over a date range reads
    // that stretch of the index in order and never the table (measured: docs/reports.md).
    up: `
      CREATE TABLE customers (
        account     TEXT    PRIMARY KEY,
        name        TEXT    NOT NULL,
        address     TEXT    NOT NULL DEFAULT '',
        service     TEXT    NOT NULL CHECK (service IN ('water', 'power', 'gas')),
        notes       TEXT    NOT NULL DEFAULT '',
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      );
      CREATE INDEX customers_name ON customers (name);
      CREATE TABLE customer_phones (
        account  TEXT NOT NULL REFERENCES customers (account) ON DELETE CASCADE ON UPDATE CASCADE,
        phone    TEXT NOT NULL,
        PRIMARY KEY (account, phone)
      );
      CREATE INDEX customer_phones_phone ON customer_phones (phone);
      CREATE TABLE customer_notes (
        id       INTEGER PRIMARY KEY,
        account  TEXT    NOT NULL REFERENCES customers (account) ON DELETE CASCADE ON UPDATE CASCADE,
        at       INTEGER NOT NULL,
        author   TEXT    NOT NULL,
        call_id  TEXT,
        text     TEXT    NOT NULL
      );
      CREATE INDEX customer_notes_account ON customer_notes (account, at);
      CREATE TABLE queue_calls (
        id           INTEGER PRIMARY KEY,
        call_id      TEXT    NOT NULL,
        queue        TEXT    NOT NULL,
        caller       TEXT    NOT NULL,
        account      TEXT,
        entered_at   INTEGER NOT NULL,
        answered_at  INTEGER,
        ended_at     INTEGER NOT NULL,
        wait_ms      INTEGER NOT NULL CHECK (wait_ms >= 0),
        agent        TEXT,
        talk_ms      INTEGER NOT NULL DEFAULT 0 CHECK (talk_ms >= 0),
        wrap_up_ms   INTEGER NOT NULL DEFAULT 0 CHECK (wrap_up_ms >= 0),
        outcome      TEXT    NOT NULL CHECK (outcome IN ('answered', 'abandoned', 'overflow', 'callback'))
      );
      CREATE INDEX queue_calls_entered ON queue_calls (entered_at, queue, agent, outcome, wait_ms, talk_ms, wrap_up_ms);
      CREATE INDEX queue_calls_queue ON queue_calls (queue, entered_at);
      CREATE INDEX queue_calls_agent ON queue_calls (agent, entered_at);
      CREATE INDEX queue_calls_caller ON queue_calls (caller, entered_at);
      CREATE INDEX queue_calls_account ON queue_calls (account, entered_at);
      CREATE INDEX agent_state_log_ended ON agent_state_log (ended_at);
    `,
  },
  {
    id: 13,
    name: 'recordings_trunk_pauses',
    // Issue 7 (PBX side): the carrier of a recorded call from or to outside (SIP trunk name or
    // analog:<group>), and the pauses of the recording (card numbers): JSON array of
    // {"fromMs", "toMs"} offsets into the file, toMs null while a pause is still open.
    up: `
      ALTER TABLE recordings ADD COLUMN trunk TEXT;
      ALTER TABLE recordings ADD COLUMN pauses TEXT NOT NULL DEFAULT '[]';
      CREATE INDEX recordings_trunk ON recordings (trunk, started_at);
    `,
  },
  {
    id: 14,
    name: 'users_phone_extension',
    // Issue 6: the desk phone of a management user (a supervisor's extension): listen / whisper /
    // barge started from the wallboard ring this phone. NULL: none.
    up: `
      ALTER TABLE users ADD COLUMN phone_extension TEXT;
    `,
  },
  {
    id: 15,
    name: 'voicemail_messages',
    // Issue 6: messages left in voicemail boxes. `path` is relative to the data folder's
    // voicemail/; `digits` the IVR keys that led there (menu:digit, comma-separated).
    up: `
      CREATE TABLE voicemail_messages (
        id           INTEGER PRIMARY KEY,
        box          TEXT    NOT NULL,
        caller       TEXT    NOT NULL,
        digits       TEXT    NOT NULL DEFAULT '',
        call_id      TEXT    NOT NULL,
        received_at  INTEGER NOT NULL,
        duration_ms  INTEGER NOT NULL CHECK (duration_ms >= 0),
        heard        INTEGER NOT NULL DEFAULT 0 CHECK (heard IN (0, 1)),
        path         TEXT    NOT NULL
      );
      CREATE INDEX voicemail_messages_box ON voicemail_messages (box, received_at);
    `,
  },
];
