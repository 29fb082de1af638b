import type { RecordsDb } from '../../records/index.ts';
import type { Bilingual } from '../text.ts';
import type { ItemStatus, TemplateDefinition, TemplateVersion } from './template-types.ts';

/** Life of a run: recorded while draft, locked once both parties signed, closed when filed. */
export type RunState = 'draft' | 'signed' | 'closed';
/** Risk of a finding. */
export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';
/** Who signs a run. */
export type Signer = 'engineer' | 'customer';

/** One item's result in a run; `pending` until a manual item is recorded. */
export interface ItemResult {
  itemId: string;
  valueNum: number | null;
  valueText: string | null;
  status: ItemStatus | 'pending';
  note: string;
  /** File names below `<data>/inspections/<run>/`. */
  photos: string[];
  measuredAt: number | null;
  detail: Bilingual | null;
}

/** A problem found during the inspection and what to do about it. */
export interface Finding {
  id: number;
  risk: RiskLevel;
  itemId: string | null;
  description: string;
  remediation: string;
}

/** A signature without its image. */
export interface SignatureInfo {
  signer: Signer;
  name: string;
  signedAt: number;
}

/** A run's header. */
export interface RunSummary {
  id: number;
  templateId: string;
  templateVersion: number;
  templateName: Bilingual;
  state: RunState;
  site: string;
  startedAt: number;
  startedBy: string;
  signedAt: number | null;
  closedAt: number | null;
  counts: Record<ItemStatus | 'pending', number>;
}

/** A run with everything recorded in it. */
export interface Run extends RunSummary {
  template: TemplateDefinition;
  results: ItemResult[];
  findings: Finding[];
  signatures: SignatureInfo[];
}

interface RunRow {
  id: number; template_id: string; template_version: number; template_json: string; state: RunState; site: string;
  started_at: number; started_by: string; signed_at: number | null; closed_at: number | null;
}
interface ResultRow {
  item_id: string; value_num: number | null; value_text: string | null; status: ItemResult['status']; note: string;
  photos: string; measured_at: number | null; detail: string | null;
}

const emptyCounts = (): RunSummary['counts'] => ({ pass: 0, warn: 0, fail: 0, na: 0, pending: 0 });

/** Inspection templates (every version kept) and runs in records.db. Storage only; rules live in inspection-service.ts. */
export class InspectionStore {
  readonly #db: RecordsDb['db'];

  constructor(records: RecordsDb) {
    this.#db = records.db;
  }

  /** Newest version of every template. */
  latestTemplates(): TemplateVersion[] {
    const rows = this.#db.prepare(`SELECT * FROM inspection_templates t WHERE version = (SELECT MAX(version) FROM inspection_templates WHERE id = t.id) ORDER BY id`).all() as TemplateRow[];
    return rows.map(templateFromRow);
  }

  /** One version, or the newest when `version` is omitted. */
  template(id: string, version?: number): TemplateVersion | undefined {
    const row = (version === undefined
      ? this.#db.prepare('SELECT * FROM inspection_templates WHERE id = ? ORDER BY version DESC LIMIT 1').get(id)
      : this.#db.prepare('SELECT * FROM inspection_templates WHERE id = ? AND version = ?').get(id, version)) as TemplateRow | undefined;
    return row && templateFromRow(row);
  }

  /** Every version of a template, newest first. */
  templateVersions(id: string): TemplateVersion[] {
    return (this.#db.prepare('SELECT * FROM inspection_templates WHERE id = ? ORDER BY version DESC').all(id) as TemplateRow[]).map(templateFromRow);
  }

  /** Stores the next version of `id` (1 for a new template) and returns it; one transaction, so two editors never share a number. */
  addTemplateVersion(id: string, def: TemplateDefinition, at: number, by: string, comment: string): TemplateVersion {
    return this.#db.transaction(() => {
      const { v } = this.#db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM inspection_templates WHERE id = ?').get(id) as { v: number };
      this.#db.prepare('INSERT INTO inspection_templates (id, version, definition, created_at, created_by, comment) VALUES (?, ?, ?, ?, ?, ?)').run(id, v + 1, JSON.stringify(def), at, by, comment);
      return { id, version: v + 1, definition: def, createdAt: at, createdBy: by, comment };
    })();
  }

  /** Creates a run with one result row per item (automatic ones already measured). */
  insertRun(t: TemplateVersion, site: string, at: number, by: string, results: ItemResult[]): number {
    return this.#db.transaction(() => {
      const id = Number(this.#db.prepare('INSERT INTO inspection_runs (template_id, template_version, template_json, state, site, started_at, started_by) VALUES (?, ?, ?, \'draft\', ?, ?, ?)')
        .run(t.id, t.version, JSON.stringify(t.definition), site, at, by).lastInsertRowid);
      for (const r of results) this.putResult(id, r);
      return id;
    })();
  }

  /** Writes one item's result. */
  putResult(runId: number, r: ItemResult): void {
    this.#db.prepare(`INSERT INTO inspection_results (run_id, item_id, value_num, value_text, status, note, photos, measured_at, detail)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, item_id) DO UPDATE SET value_num = excluded.value_num, value_text = excluded.value_text,
      status = excluded.status, note = excluded.note, photos = excluded.photos, measured_at = excluded.measured_at, detail = excluded.detail`)
      .run(runId, r.itemId, r.valueNum, r.valueText, r.status, r.note, JSON.stringify(r.photos), r.measuredAt, r.detail ? JSON.stringify(r.detail) : null);
  }

  /** Run headers, newest first. */
  listRuns(limit = 100, templateId?: string): RunSummary[] {
    const rows = (templateId
      ? this.#db.prepare('SELECT * FROM inspection_runs WHERE template_id = ? ORDER BY started_at DESC, id DESC LIMIT ?').all(templateId, limit)
      : this.#db.prepare('SELECT * FROM inspection_runs ORDER BY started_at DESC, id DESC LIMIT ?').all(limit)) as RunRow[];
    const counts = this.#db.prepare('SELECT status, COUNT(*) AS n FROM inspection_results WHERE run_id = ? GROUP BY status');
    return rows.map((r) => {
      const c = emptyCounts();
      for (const x of counts.all(r.id) as Array<{ status: ItemResult['status']; n: number }>) c[x.status] = x.n;
      return summaryFromRow(r, c);
    });
  }

  /** A run with results, findings and signatures, or undefined. */
  run(id: number): Run | undefined {
    const row = this.#db.prepare('SELECT * FROM inspection_runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) return undefined;
    const results = (this.#db.prepare('SELECT * FROM inspection_results WHERE run_id = ?').all(id) as ResultRow[]).map(resultFromRow);
    const c = emptyCounts();
    for (const r of results) c[r.status]++;
    const findings = (this.#db.prepare('SELECT id, risk, item_id, description, remediation FROM inspection_findings WHERE run_id = ? ORDER BY id').all(id) as Array<{ id: number; risk: RiskLevel; item_id: string | null; description: string; remediation: string }>)
      .map((f) => ({ id: f.id, risk: f.risk, itemId: f.item_id, description: f.description, remediation: f.remediation }));
    const signatures = (this.#db.prepare('SELECT signer, name, signed_at FROM inspection_signatures WHERE run_id = ? ORDER BY signed_at').all(id) as Array<{ signer: Signer; name: string; signed_at: number }>)
      .map((s) => ({ signer: s.signer, name: s.name, signedAt: s.signed_at }));
    return { ...summaryFromRow(row, c), template: JSON.parse(row.template_json) as TemplateDefinition, results, findings, signatures };
  }

  /** Adds a finding; returns its id. */
  addFinding(runId: number, f: Omit<Finding, 'id'>): number {
    return Number(this.#db.prepare('INSERT INTO inspection_findings (run_id, risk, item_id, description, remediation) VALUES (?, ?, ?, ?, ?)').run(runId, f.risk, f.itemId, f.description, f.remediation).lastInsertRowid);
  }

  /** Removes a finding of the run; true when it existed. */
  deleteFinding(runId: number, findingId: number): boolean {
    return this.#db.prepare('DELETE FROM inspection_findings WHERE run_id = ? AND id = ?').run(runId, findingId).changes > 0;
  }

  /** Stores (or replaces) a signature. */
  putSignature(runId: number, s: SignatureInfo, png: Buffer): void {
    this.#db.prepare('INSERT INTO inspection_signatures (run_id, signer, name, signed_at, png) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, signer) DO UPDATE SET name = excluded.name, signed_at = excluded.signed_at, png = excluded.png')
      .run(runId, s.signer, s.name, s.signedAt, png);
  }

  /** A signature's PNG. */
  signaturePng(runId: number, signer: Signer): Buffer | undefined {
    return (this.#db.prepare('SELECT png FROM inspection_signatures WHERE run_id = ? AND signer = ?').get(runId, signer) as { png: Buffer } | undefined)?.png;
  }

  /** Moves the run to `state`, stamping the matching time. */
  setState(runId: number, state: RunState, at: number): void {
    const col = state === 'signed' ? 'signed_at' : state === 'closed' ? 'closed_at' : undefined;
    if (col) this.#db.prepare(`UPDATE inspection_runs SET state = ?, ${col} = ? WHERE id = ?`).run(state, at, runId);
    else this.#db.prepare('UPDATE inspection_runs SET state = ? WHERE id = ?').run(state, runId);
  }

  /**
   * Numeric values of the given items over the newest `limit` runs of a template up to and
   * including run `upTo` (all runs when omitted), oldest first: the trend series.
   */
  series(templateId: string, itemIds: readonly string[], limit: number, upTo?: number): Array<{ runId: number; startedAt: number; values: Record<string, number | null> }> {
    const runs = (this.#db.prepare('SELECT id, started_at FROM inspection_runs WHERE template_id = ? AND id <= ? ORDER BY started_at DESC, id DESC LIMIT ?')
      .all(templateId, upTo ?? Number.MAX_SAFE_INTEGER, limit) as Array<{ id: number; started_at: number }>).reverse();
    const get = this.#db.prepare('SELECT item_id, value_num FROM inspection_results WHERE run_id = ?');
    const wanted = new Set(itemIds);
    return runs.map((r) => {
      const values: Record<string, number | null> = {};
      for (const id of itemIds) values[id] = null;
      for (const x of get.all(r.id) as Array<{ item_id: string; value_num: number | null }>) if (wanted.has(x.item_id)) values[x.item_id] = x.value_num;
      return { runId: r.id, startedAt: r.started_at, values };
    });
  }
}

interface TemplateRow { id: string; version: number; definition: string; created_at: number; created_by: string; comment: string }
const templateFromRow = (r: TemplateRow): TemplateVersion => ({ id: r.id, version: r.version, definition: JSON.parse(r.definition) as TemplateDefinition, createdAt: r.created_at, createdBy: r.created_by, comment: r.comment });

function summaryFromRow(r: RunRow, counts: RunSummary['counts']): RunSummary {
  const t = JSON.parse(r.template_json) as TemplateDefinition;
  return {
    id: r.id, templateId: r.template_id, templateVersion: r.template_version, templateName: t.name, state: r.state, site: r.site,
    startedAt: r.started_at, startedBy: r.started_by, signedAt: r.signed_at, closedAt: r.closed_at, counts,
  };
}

const resultFromRow = (r: ResultRow): ItemResult => ({
  itemId: r.item_id, valueNum: r.value_num, valueText: r.value_text, status: r.status, note: r.note,
  photos: JSON.parse(r.photos) as string[], measuredAt: r.measured_at, detail: r.detail ? (JSON.parse(r.detail) as Bilingual) : null,
});
