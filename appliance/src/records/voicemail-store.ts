import type { RecordsDb } from './db.ts';

/** A message as the PBX stores it. Times epoch ms; `path` relative to the data folder's voicemail/. */
export interface VoicemailMessageRow {
  box: string;
  caller: string;
  /** IVR keys that led to the box (`menu:digit`, comma-separated); '' when none. */
  digits: string;
  callId: string;
  receivedAt: number;
  durationMs: number;
  path: string;
}

/** A stored message. */
export type StoredVoicemailMessage = VoicemailMessageRow & { id: number; heard: boolean };

/** `voicemail_messages` of records.db (migration 15): the PBX appends, the management service lists, marks and deletes. */
export class VoicemailStore {
  constructor(private readonly records: RecordsDb) {}

  /** Appends one message; returns its id. */
  insert(m: VoicemailMessageRow): number {
    return Number(this.records.db.prepare(`INSERT INTO voicemail_messages (box, caller, digits, call_id, received_at, duration_ms, path)
      VALUES (@box, @caller, @digits, @callId, @receivedAt, @durationMs, @path)`).run(m).lastInsertRowid);
  }

  /** The messages of a box, newest first. */
  list(box: string, limit = 500): StoredVoicemailMessage[] {
    return (this.records.db.prepare(`SELECT ${COLUMNS} FROM voicemail_messages WHERE box = ? ORDER BY received_at DESC, id DESC LIMIT ?`).all(box, limit) as RawRow[]).map(fromRaw);
  }

  /** Unheard and total counts per box. */
  counts(): Array<{ box: string; total: number; unheard: number }> {
    return this.records.db.prepare('SELECT box, COUNT(*) AS total, SUM(1 - heard) AS unheard FROM voicemail_messages GROUP BY box').all() as Array<{ box: string; total: number; unheard: number }>;
  }

  /** One message, or undefined. */
  get(id: number): StoredVoicemailMessage | undefined {
    const r = this.records.db.prepare(`SELECT ${COLUMNS} FROM voicemail_messages WHERE id = ?`).get(id) as RawRow | undefined;
    return r && fromRaw(r);
  }

  /** Marks a message heard (or new again); false when there is no such message. */
  setHeard(id: number, heard: boolean): boolean {
    return this.records.db.prepare('UPDATE voicemail_messages SET heard = ? WHERE id = ?').run(heard ? 1 : 0, id).changes === 1;
  }

  /** Removes a message row; false when there is no such message. */
  delete(id: number): boolean {
    return this.records.db.prepare('DELETE FROM voicemail_messages WHERE id = ?').run(id).changes === 1;
  }
}

type RawRow = Omit<StoredVoicemailMessage, 'heard'> & { heard: number };
const fromRaw = (r: RawRow): StoredVoicemailMessage => ({ ...r, heard: r.heard === 1 });
const COLUMNS = 'id, box, caller, digits, call_id AS callId, received_at AS receivedAt, duration_ms AS durationMs, heard, path';
