import type { RecordsDb } from '../../records/index.ts';
import type { FaultLevel, FaultReport, FaultState, ResponseTargets } from './fault-types.ts';

interface Row {
  id: number; number: string; level: FaultLevel; state: FaultState; title: string; contact_name: string; contact_phone: string;
  occurred_at: number; reported_at: number; responded_at: number | null; on_site_at: number | null; diagnosed_at: number | null;
  resolved_at: number | null; closed_at: number | null; location: string; method: string; steps: string; result: string;
  prevention: string; created_by: string; updated_at: number;
}

const fromRow = (r: Row): FaultReport => ({
  id: r.id, number: r.number, level: r.level, state: r.state, title: r.title, contactName: r.contact_name, contactPhone: r.contact_phone,
  occurredAt: r.occurred_at, reportedAt: r.reported_at, respondedAt: r.responded_at, onSiteAt: r.on_site_at, diagnosedAt: r.diagnosed_at,
  resolvedAt: r.resolved_at, closedAt: r.closed_at, location: r.location, method: r.method, steps: r.steps, result: r.result,
  prevention: r.prevention, createdBy: r.created_by, updatedAt: r.updated_at,
});

const TARGETS_KEY = 'fault.targets';

/** Fault reports and their response targets in records.db. Storage only; rules live in fault-service.ts. */
export class FaultStore {
  readonly #db: RecordsDb['db'];

  constructor(records: RecordsDb) {
    this.#db = records.db;
  }

  /** Inserts a report numbered FR-<year>-NNNN (next in that year) in one transaction; returns it. */
  insert(year: number, r: Omit<FaultReport, 'id' | 'number'>): FaultReport {
    return this.#db.transaction(() => {
      const prefix = `FR-${year}-`;
      const last = this.#db.prepare('SELECT number FROM fault_reports WHERE number LIKE ? ORDER BY number DESC LIMIT 1').get(`${prefix}%`) as { number: string } | undefined;
      const next = last ? Number(last.number.slice(prefix.length)) + 1 : 1;
      const number = `${prefix}${String(next).padStart(4, '0')}`;
      const id = Number(this.#db.prepare(`INSERT INTO fault_reports (number, level, state, title, contact_name, contact_phone, occurred_at, reported_at, responded_at,
        on_site_at, diagnosed_at, resolved_at, closed_at, location, method, steps, result, prevention, created_by, updated_at)
        VALUES (@number, @level, @state, @title, @contactName, @contactPhone, @occurredAt, @reportedAt, @respondedAt, @onSiteAt, @diagnosedAt,
        @resolvedAt, @closedAt, @location, @method, @steps, @result, @prevention, @createdBy, @updatedAt)`).run({ ...r, number }).lastInsertRowid);
      return { ...r, id, number };
    })();
  }

  /** Writes every field of an existing report. */
  update(r: FaultReport): void {
    this.#db.prepare(`UPDATE fault_reports SET level = @level, state = @state, title = @title, contact_name = @contactName, contact_phone = @contactPhone,
      occurred_at = @occurredAt, reported_at = @reportedAt, responded_at = @respondedAt, on_site_at = @onSiteAt, diagnosed_at = @diagnosedAt,
      resolved_at = @resolvedAt, closed_at = @closedAt, location = @location, method = @method, steps = @steps, result = @result,
      prevention = @prevention, updated_at = @updatedAt WHERE id = @id`).run(r);
  }

  /** One report by id. */
  get(id: number): FaultReport | undefined {
    const row = this.#db.prepare('SELECT * FROM fault_reports WHERE id = ?').get(id) as Row | undefined;
    return row && fromRow(row);
  }

  /** Reports newest first; `open` leaves closed ones out. */
  list(opts: { open?: boolean; limit?: number } = {}): FaultReport[] {
    const where = opts.open ? "WHERE state != 'closed'" : '';
    return (this.#db.prepare(`SELECT * FROM fault_reports ${where} ORDER BY reported_at DESC, id DESC LIMIT ?`).all(opts.limit ?? 500) as Row[]).map(fromRow);
  }

  /** The stored targets, or undefined when the defaults apply. */
  targets(): ResponseTargets | undefined {
    const row = this.#db.prepare('SELECT value FROM maintenance_settings WHERE key = ?').get(TARGETS_KEY) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as ResponseTargets) : undefined;
  }

  /** Stores the targets. */
  setTargets(t: ResponseTargets): void {
    this.#db.prepare('INSERT INTO maintenance_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(TARGETS_KEY, JSON.stringify(t));
  }
}
