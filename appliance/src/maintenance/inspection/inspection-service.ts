import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MaintenanceError } from '../text.ts';
import { DEFAULT_TEMPLATE, DEFAULT_TEMPLATE_ID } from './default-template.ts';
import { InspectionStore, type Finding, type ItemResult, type RiskLevel, type Run, type RunSummary, type Signer } from './inspection-store.ts';
import { measureAll } from './measure.ts';
import { PROBES, type ProbeSources } from './probes.ts';
import type { AutomaticItem, ItemStatus, ManualItem, TemplateDefinition, TemplateVersion } from './template-types.ts';
import { templateItems, validateTemplate } from './template-validate.ts';

/** Largest photo accepted (a tablet camera JPEG, downscaled by the UI, is far below). */
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
/** Largest signature PNG (a 600×200 canvas stroke drawing is a few KB). */
export const MAX_SIGNATURE_BYTES = 512 * 1024;
/** Runs a trend chart looks back over (two years of quarterly visits). */
export const TREND_RUNS = 8;

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);

/** Image type by its magic bytes; the client's content type is not trusted. */
export function imageType(bytes: Buffer): 'png' | 'jpg' | undefined {
  if (bytes.subarray(0, 8).equals(PNG)) return 'png';
  if (bytes.subarray(0, 3).equals(JPEG)) return 'jpg';
  return undefined;
}

/** A trend: one numeric item's values over the last runs, oldest first. */
export interface TrendSeries {
  itemId: string;
  label: { zh: string; en: string };
  unit: string;
  points: Array<{ runId: number; startedAt: number; value: number | null }>;
}

/** What the service is built from. */
export interface InspectionServiceOptions {
  store: InspectionStore;
  probes: ProbeSources;
  now: () => number;
  /** `<data>/inspections`: photos go to `<dir>/<run>/`; empty: photos are refused. */
  dir: string;
}

/** Inspection templates and runs: the rules (states, what may change when) over the store. */
export class InspectionService {
  readonly store: InspectionStore;
  readonly #o: InspectionServiceOptions;

  constructor(o: InspectionServiceOptions) {
    this.#o = o;
    this.store = o.store;
  }

  /** Inserts the shipped quarterly template as version 1 when the box has none yet. */
  ensureDefaultTemplate(): void {
    if (!this.store.template(DEFAULT_TEMPLATE_ID)) this.store.addTemplateVersion(DEFAULT_TEMPLATE_ID, DEFAULT_TEMPLATE, this.#o.now(), 'system', 'shipped with the product');
  }

  /** Validates and stores a new version of a template (a new id starts at version 1). */
  saveTemplate(id: string, def: TemplateDefinition, by: string, comment: string): TemplateVersion {
    if (!/^[a-z0-9][a-z0-9-]{0,47}$/.test(id)) throw new MaintenanceError('invalid', 'template id must be lower-case letters, digits and dashes', '/id');
    validateTemplate(def);
    return this.store.addTemplateVersion(id, def, this.#o.now(), by, comment);
  }

  /** Starts a run on the newest version of the template; the automatic items are measured now. */
  async start(templateId: string, site: string, by: string): Promise<Run> {
    const t = this.store.template(templateId);
    if (!t) throw new MaintenanceError('not-found', `no template ${templateId}`);
    const results = await this.#measured(t.definition);
    const id = this.store.insertRun(t, site, this.#o.now(), by, results);
    return this.#run(id);
  }

  /** Measures the automatic items of a draft run again (after the engineer fixed something). */
  async remeasure(runId: number): Promise<Run> {
    const run = this.#draft(runId);
    const fresh = await this.#measured(run.template);
    const old = new Map(run.results.map((r) => [r.itemId, r]));
    for (const r of fresh) this.store.putResult(runId, { ...r, photos: old.get(r.itemId)?.photos ?? [] });
    return this.#run(runId);
  }

  /** Records a manual item; a numeric value is kept as a number so it gets a trend. */
  recordManual(runId: number, itemId: string, input: { value: string; status: ItemStatus; note?: string }): Run {
    const run = this.#draft(runId);
    this.#manualItem(run, itemId);
    const prev = run.results.find((r) => r.itemId === itemId);
    const v = input.value.trim();
    const num = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : null;
    this.store.putResult(runId, {
      itemId, valueNum: num, valueText: num === null ? v : null, status: input.status, note: input.note ?? '',
      photos: prev?.photos ?? [], measuredAt: this.#o.now(), detail: null,
    });
    return this.#run(runId);
  }

  /** Stores a photo of an item under `<dir>/<run>/`; returns its file name. */
  async addPhoto(runId: number, itemId: string, bytes: Buffer): Promise<string> {
    const run = this.#draft(runId);
    const result = run.results.find((r) => r.itemId === itemId);
    if (!result) throw new MaintenanceError('not-found', `no item ${itemId} in run ${runId}`);
    if (bytes.length === 0 || bytes.length > MAX_PHOTO_BYTES) throw new MaintenanceError('invalid', `a photo must be 1 byte to ${MAX_PHOTO_BYTES} bytes`);
    const type = imageType(bytes);
    if (!type) throw new MaintenanceError('invalid', 'a photo must be a JPEG or PNG image');
    if (!this.#o.dir) throw new MaintenanceError('conflict', 'no inspections folder is configured; photos cannot be stored');
    const dir = join(this.#o.dir, String(runId));
    await mkdir(dir, { recursive: true });
    const name = `${itemId}-${result.photos.length + 1}.${type}`;
    await writeFile(join(dir, name), bytes);
    this.store.putResult(runId, { ...result, photos: [...result.photos, name] });
    return name;
  }

  /** Absolute path of a stored photo, after checking the name belongs to the run. */
  photoPath(runId: number, name: string): string {
    const run = this.#run(runId);
    if (!run.results.some((r) => r.photos.includes(name))) throw new MaintenanceError('not-found', `no photo ${name} in run ${runId}`);
    return join(this.#o.dir, String(runId), name);
  }

  /** Adds a finding to a draft run. */
  addFinding(runId: number, f: { risk: RiskLevel; itemId?: string | null; description: string; remediation?: string }): Finding {
    const run = this.#draft(runId);
    if (f.itemId && !run.results.some((r) => r.itemId === f.itemId)) throw new MaintenanceError('invalid', `no item ${f.itemId} in this run`, '/itemId');
    if (!f.description.trim()) throw new MaintenanceError('invalid', 'a finding needs a description', '/description');
    const finding = { risk: f.risk, itemId: f.itemId ?? null, description: f.description.trim(), remediation: (f.remediation ?? '').trim() };
    return { id: this.store.addFinding(runId, finding), ...finding };
  }

  /** Removes a finding from a draft run. */
  deleteFinding(runId: number, findingId: number): void {
    this.#draft(runId);
    if (!this.store.deleteFinding(runId, findingId)) throw new MaintenanceError('not-found', `no finding ${findingId} in run ${runId}`);
  }

  /**
   * Records one party's signature. Every item must be recorded first (a signed report with
   * blanks would be worthless); the second signature moves the run to `signed`, which locks it.
   */
  sign(runId: number, signer: Signer, name: string, png: Buffer): Run {
    const run = this.#draft(runId);
    const pending = run.results.filter((r) => r.status === 'pending').map((r) => r.itemId);
    if (pending.length > 0) throw new MaintenanceError('conflict', `items not recorded yet: ${pending.join(', ')}`);
    if (!name.trim()) throw new MaintenanceError('invalid', 'the signer name is required', '/name');
    if (png.length > MAX_SIGNATURE_BYTES || imageType(png) !== 'png') throw new MaintenanceError('invalid', 'the signature must be a PNG image up to 512 KB', '/png');
    const at = this.#o.now();
    this.store.putSignature(runId, { signer, name: name.trim(), signedAt: at }, png);
    const signers = new Set([...run.signatures.map((s) => s.signer), signer]);
    if (signers.has('engineer') && signers.has('customer')) this.store.setState(runId, 'signed', at);
    return this.#run(runId);
  }

  /** Files a signed run (no further change). */
  close(runId: number): Run {
    const run = this.#run(runId);
    if (run.state !== 'signed') throw new MaintenanceError('conflict', `run ${runId} is ${run.state}; only a signed run can be closed`);
    this.store.setState(runId, 'closed', this.#o.now());
    return this.#run(runId);
  }

  /** The run or NOT_FOUND. */
  get(runId: number): Run {
    return this.#run(runId);
  }

  /** Run headers, newest first. */
  list(limit?: number, templateId?: string): RunSummary[] {
    return this.store.listRuns(limit, templateId);
  }

  /**
   * Trends of the run's numeric items (automatic numeric probes and manual items recorded as
   * numbers) over the last `TREND_RUNS` runs of the same template, up to this run.
   */
  trends(runId: number, limit = TREND_RUNS): TrendSeries[] {
    const run = this.#run(runId);
    const numeric = templateItems(run.template).map((x) => x.item).filter((i) => (i.kind === 'automatic' ? PROBES[i.probe]?.numeric === true : i.unit !== undefined));
    const rows = this.store.series(run.templateId, numeric.map((i) => i.id), limit, runId);
    return numeric
      .map((i) => ({ itemId: i.id, label: i.label, unit: i.unit ?? '', points: rows.map((r) => ({ runId: r.runId, startedAt: r.startedAt, value: r.values[i.id] ?? null })) }))
      .filter((s) => s.points.some((p) => p.value !== null));
  }

  async #measured(def: TemplateDefinition): Promise<ItemResult[]> {
    const items = templateItems(def).map((x) => x.item);
    const auto = items.filter((i): i is AutomaticItem => i.kind === 'automatic');
    const at = this.#o.now();
    const m = new Map((await measureAll(auto, this.#o.probes)).map((x) => [x.itemId, x]));
    return items.map((i) => {
      const r = m.get(i.id);
      return r
        ? { itemId: i.id, valueNum: r.valueNum, valueText: r.valueText, status: r.status, note: '', photos: [], measuredAt: at, detail: r.detail ?? null }
        : { itemId: i.id, valueNum: null, valueText: null, status: 'pending' as const, note: '', photos: [], measuredAt: null, detail: null };
    });
  }

  #manualItem(run: Run, itemId: string): ManualItem {
    const item = templateItems(run.template).map((x) => x.item).find((i) => i.id === itemId);
    if (!item) throw new MaintenanceError('not-found', `no item ${itemId} in run ${run.id}`);
    if (item.kind !== 'manual') throw new MaintenanceError('conflict', `item ${itemId} is measured by the box, not recorded by hand`);
    return item;
  }

  #run(runId: number): Run {
    const run = this.store.run(runId);
    if (!run) throw new MaintenanceError('not-found', `no inspection run ${runId}`);
    return run;
  }

  #draft(runId: number): Run {
    const run = this.#run(runId);
    if (run.state !== 'draft') throw new MaintenanceError('conflict', `run ${runId} is ${run.state} and can no longer be changed`);
    return run;
  }
}
