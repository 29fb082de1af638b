import type { RecordsDb } from './db.ts';

/** Lifecycle of a recording row (see migration 10). */
export type RecordingState = 'active' | 'closed' | 'recovered' | 'archived' | 'deleted' | 'lost';

/** One party of a recording, in channel order. */
export interface RecordingParty {
  /** WAV channel (0-based). */
  channel: number;
  /** SDP label of the stream the channel was recorded from. */
  label: string;
  /** Participant AOR (sip:/tel: URI) when the metadata named one. */
  aor?: string;
  /** Display name or number. */
  name?: string;
  /** Hotline role (caller, agent ...). */
  role?: string;
}

/** What the recorder writes when a recording starts. */
export interface RecordingStart {
  id: string;
  /** The recorded call's id (from the metadata), '' when unknown. */
  callId: string;
  /** Call-ID of the SIPREC recording session. */
  sessionCallId: string;
  startedAt: number;
  parties: RecordingParty[];
  agent?: string;
  queue?: string;
  direction?: 'inbound' | 'outbound' | 'internal';
  /** The carrier of a call from or to outside (SIP trunk name or `analog:<group>`). */
  trunk?: string;
  codec: 'PCMU' | 'PCMA';
  channels: number;
  /** Path relative to the recordings root. */
  path: string;
  retentionClass: string;
  segment: number;
  previousId?: string;
}

/** What the recorder writes when a file is closed (or repaired) and checksummed. */
export interface RecordingEnd {
  endedAt: number;
  durationMs: number;
  sha256: string;
  sizeBytes: number;
  /** Final path relative to the recordings root (changes when the file is encrypted). */
  path: string;
  encrypted: boolean;
  state: 'closed' | 'recovered';
  packetsLost: number;
}

/** A pause of a recording (RFC 7866 §8.1.3: every stream inactive), as offsets into the file; `toMs` null while open. */
export interface RecordingPause { fromMs: number; toMs: number | null }

/** A stored recording row. */
export interface StoredRecording extends RecordingStart {
  /** Pauses in file order (migration 13). */
  pauses: RecordingPause[];
  endedAt: number | null;
  durationMs: number | null;
  sha256: string | null;
  sizeBytes: number | null;
  encrypted: boolean;
  state: RecordingState;
  packetsLost: number;
}

/** Search filter of {@link RecordingStore.search}. */
export interface RecordingQuery {
  from?: number;
  to?: number;
  callId?: string;
  agent?: string;
  queue?: string;
  trunk?: string;
  /** Matches a party's AOR or name (substring). */
  party?: string;
  minDurationMs?: number;
  maxDurationMs?: number;
  state?: RecordingState;
  limit?: number;
  /** Rows skipped before the first one returned (paging). */
  offset?: number;
}

interface Row {
  id: string; call_id: string; session_call_id: string; started_at: number; ended_at: number | null; duration_ms: number | null;
  parties: string; agent: string | null; queue: string | null; direction: RecordingStart['direction'] | null; codec: 'PCMU' | 'PCMA';
  channels: number; sha256: string | null; size_bytes: number | null; path: string; encrypted: number; retention_class: string;
  segment: number; previous_id: string | null; state: RecordingState; packets_lost: number; trunk: string | null; pauses: string;
}

function fromRow(r: Row): StoredRecording {
  return {
    id: r.id, callId: r.call_id, sessionCallId: r.session_call_id, startedAt: r.started_at, endedAt: r.ended_at, durationMs: r.duration_ms,
    parties: JSON.parse(r.parties) as RecordingParty[], codec: r.codec, channels: r.channels, sha256: r.sha256, sizeBytes: r.size_bytes,
    path: r.path, encrypted: r.encrypted === 1, retentionClass: r.retention_class, segment: r.segment, state: r.state, packetsLost: r.packets_lost,
    ...(r.agent !== null ? { agent: r.agent } : {}), ...(r.queue !== null ? { queue: r.queue } : {}),
    ...(r.direction !== null ? { direction: r.direction } : {}), ...(r.previous_id !== null ? { previousId: r.previous_id } : {}),
    ...(r.trunk !== null ? { trunk: r.trunk } : {}), pauses: JSON.parse(r.pauses) as RecordingPause[],
  };
}

/**
 * The recordings index in records.db (issue 7): the recorder inserts a row when a recording
 * starts and completes it when the file is closed, so a crash leaves an 'active' row that
 * the next start finds and repairs. The management UI searches it.
 */
export class RecordingStore {
  private readonly insertStmt;
  private readonly endStmt;
  private readonly metaStmt;
  private readonly stateStmt;
  private readonly getStmt;
  private readonly pausesStmt;

  /** Prepares the statements on an open records.db. */
  constructor(private readonly records: RecordsDb) {
    const db = records.db;
    this.insertStmt = db.prepare(`INSERT INTO recordings (id, call_id, session_call_id, started_at, parties, agent, queue, direction, trunk, codec, channels, path, retention_class, segment, previous_id, state)
      VALUES (@id, @callId, @sessionCallId, @startedAt, @parties, @agent, @queue, @direction, @trunk, @codec, @channels, @path, @retentionClass, @segment, @previousId, 'active')`);
    this.endStmt = db.prepare(`UPDATE recordings SET ended_at = @endedAt, duration_ms = @durationMs, sha256 = @sha256, size_bytes = @sizeBytes, path = @path,
      encrypted = @encrypted, state = @state, packets_lost = @packetsLost WHERE id = @id`);
    this.metaStmt = db.prepare('UPDATE recordings SET call_id = @callId, parties = @parties, agent = @agent, queue = @queue, direction = @direction, trunk = @trunk, retention_class = @retentionClass WHERE id = @id');
    this.pausesStmt = db.prepare('UPDATE recordings SET pauses = ? WHERE id = ?');
    this.stateStmt = db.prepare('UPDATE recordings SET state = ?, path = ? WHERE id = ?');
    this.getStmt = db.prepare('SELECT * FROM recordings WHERE id = ?');
  }

  /** Records the start of a recording (state 'active'). */
  start(r: RecordingStart): void {
    this.insertStmt.run({
      ...r, parties: JSON.stringify(r.parties), agent: r.agent ?? null, queue: r.queue ?? null, direction: r.direction ?? null, trunk: r.trunk ?? null, previousId: r.previousId ?? null,
    });
  }

  /** Updates what the metadata says (a re-INVITE changed parties, agent or queue). */
  updateMetadata(id: string, m: Pick<RecordingStart, 'callId' | 'parties' | 'agent' | 'queue' | 'direction' | 'trunk' | 'retentionClass'>): void {
    this.metaStmt.run({ id, callId: m.callId, parties: JSON.stringify(m.parties), agent: m.agent ?? null, queue: m.queue ?? null, direction: m.direction ?? null, trunk: m.trunk ?? null, retentionClass: m.retentionClass });
  }

  /** Replaces the pauses of a recording (the SRC paused or resumed it). */
  setPauses(id: string, pauses: RecordingPause[]): void {
    this.pausesStmt.run(JSON.stringify(pauses), id);
  }

  /** Completes a row when its file is closed or repaired. */
  end(id: string, e: RecordingEnd): void {
    this.endStmt.run({ id, ...e, encrypted: e.encrypted ? 1 : 0 });
  }

  /** Moves a row to another state (archived, deleted, lost) with its new path. */
  setState(id: string, state: RecordingState, path: string): void {
    this.stateStmt.run(state, path, id);
  }

  /** One recording by id. */
  get(id: string): StoredRecording | undefined {
    const r = this.getStmt.get(id) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** Rows still 'active': recordings whose writer died (crash) or is still writing. */
  active(): StoredRecording[] {
    return (this.records.db.prepare("SELECT * FROM recordings WHERE state = 'active' ORDER BY started_at").all() as Row[]).map(fromRow);
  }

  /** Closed or recovered recordings of `retentionClass` that ended before `before`, oldest first. */
  expired(retentionClass: string, before: number, limit = 500): StoredRecording[] {
    return (this.records.db.prepare("SELECT * FROM recordings WHERE state IN ('closed', 'recovered') AND retention_class = ? AND ended_at < ? ORDER BY ended_at LIMIT ?")
      .all(retentionClass, before, limit) as Row[]).map(fromRow);
  }

  /** Retention classes present among live recordings. */
  classes(): string[] {
    return (this.records.db.prepare("SELECT DISTINCT retention_class AS c FROM recordings WHERE state IN ('closed', 'recovered')").all() as Array<{ c: string }>).map((r) => r.c);
  }

  /** Searches by time, call id, agent, queue, party and duration; newest first. */
  search(q: RecordingQuery = {}): StoredRecording[] {
    const { where, args } = filterSql(q);
    const sql = `SELECT * FROM recordings ${where} ORDER BY started_at DESC LIMIT ? OFFSET ?`;
    args.push(Math.min(Math.max(q.limit ?? 100, 1), 10_000), Math.max(q.offset ?? 0, 0));
    return (this.records.db.prepare(sql).all(...args) as Row[]).map(fromRow);
  }

  /** How many rows {@link search} would find without limit and offset (for paging). */
  count(q: RecordingQuery = {}): number {
    const { where, args } = filterSql(q);
    return (this.records.db.prepare(`SELECT COUNT(*) AS n FROM recordings ${where}`).get(...args) as { n: number }).n;
  }

  /** Removes a row (a recording deleted by hand: its audit entry keeps what the row said). True when it existed. */
  remove(id: string): boolean {
    return this.records.db.prepare('DELETE FROM recordings WHERE id = ?').run(id).changes > 0;
  }
}

/** The WHERE clause of a search. */
function filterSql(q: RecordingQuery): { where: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.from !== undefined) { where.push('started_at >= ?'); args.push(q.from); }
  if (q.to !== undefined) { where.push('started_at < ?'); args.push(q.to); }
  if (q.callId) { where.push('call_id = ?'); args.push(q.callId); }
  if (q.agent) { where.push('agent = ?'); args.push(q.agent); }
  if (q.queue) { where.push('queue = ?'); args.push(q.queue); }
  if (q.trunk) { where.push('trunk = ?'); args.push(q.trunk); }
  if (q.party) { where.push("parties LIKE ? ESCAPE '\\'"); args.push(`%${q.party.replace(/[\\%_]/g, (c) => `\\${c}`)}%`); }
  if (q.minDurationMs !== undefined) { where.push('duration_ms >= ?'); args.push(q.minDurationMs); }
  if (q.maxDurationMs !== undefined) { where.push('duration_ms <= ?'); args.push(q.maxDurationMs); }
  if (q.state) { where.push('state = ?'); args.push(q.state); }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}
