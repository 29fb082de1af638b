import { MaintenanceError } from '../text.ts';
import { FaultStore } from './fault-store.ts';
import { faultTiming, type FaultTiming } from './fault-timing.ts';
import { DEFAULT_TARGETS, type FaultFields, type FaultReport, type FaultState, type ResponseTargets } from './fault-types.ts';

/** A report with its timing against the targets, as lists and the PDF show it. */
export interface FaultReportView extends FaultReport {
  timing: FaultTiming;
}

/** Which state each state may move to (forward only; a remote fix skips on-site). */
const NEXT: Record<FaultState, readonly FaultState[]> = {
  reported: ['responding'],
  responding: ['on-site', 'resolved'],
  'on-site': ['resolved'],
  resolved: ['closed'],
  closed: [],
};

/** Field stamped when a state is entered. */
const STAMP: Partial<Record<FaultState, 'respondedAt' | 'onSiteAt' | 'resolvedAt' | 'closedAt'>> = {
  responding: 'respondedAt', 'on-site': 'onSiteAt', resolved: 'resolvedAt', closed: 'closedAt',
};

/** What a new report needs; the rest starts empty. */
export type NewFault = Pick<FaultFields, 'title' | 'level' | 'occurredAt'> & Partial<FaultFields>;

/** Fault reports: numbering, the state machine, timing against targets. */
export class FaultService {
  constructor(
    readonly store: FaultStore,
    readonly now: () => number,
    /** Calendar year of an instant in the site's time zone (numbers restart each year). */
    readonly yearOf: (ms: number) => number = (ms) => new Date(ms).getUTCFullYear(),
  ) {}

  /** The targets in force. */
  targets(): ResponseTargets {
    return this.store.targets() ?? DEFAULT_TARGETS;
  }

  /** Replaces the targets (every level; each target positive, respond ≤ the others). */
  setTargets(t: ResponseTargets): ResponseTargets {
    for (const level of ['1', '2', '3', '4'] as const) {
      const x = t[level];
      if (!x) throw new MaintenanceError('invalid', `targets for level ${level} missing`, `/${level}`);
      for (const [k, v] of Object.entries(x)) {
        if (v !== undefined && !(typeof v === 'number' && v > 0 && v <= 24 * 365)) throw new MaintenanceError('invalid', `level ${level} ${k} must be a positive number of hours`, `/${level}/${k}`);
      }
    }
    this.store.setTargets(t);
    return t;
  }

  /** Records a new fault; reported now unless the caller says when it was reported. */
  create(input: NewFault, by: string): FaultReportView {
    const now = this.now();
    const reportedAt = input.reportedAt ?? now;
    const f: FaultFields = {
      title: input.title, level: input.level, contactName: input.contactName ?? '', contactPhone: input.contactPhone ?? '',
      occurredAt: input.occurredAt, reportedAt, diagnosedAt: input.diagnosedAt ?? null, location: input.location ?? '',
      method: input.method ?? '', steps: input.steps ?? '', result: input.result ?? '', prevention: input.prevention ?? '',
    };
    this.#check(f);
    const r = this.store.insert(this.yearOf(reportedAt), {
      ...f, state: 'reported', respondedAt: null, onSiteAt: null, resolvedAt: null, closedAt: null, createdBy: by, updatedAt: now,
    });
    return this.view(r);
  }

  /** Changes fields of an open report. */
  update(id: number, patch: Partial<FaultFields>): FaultReportView {
    const r = this.#get(id);
    if (r.state === 'closed') throw new MaintenanceError('conflict', `${r.number} is closed and can no longer be changed`);
    const next: FaultReport = { ...r, ...stripUndefined(patch), updatedAt: this.now() };
    this.#check(next);
    this.store.update(next);
    return this.view(next);
  }

  /**
   * Moves a report to `to`, stamping the milestone time (`at`, default now: an engineer may
   * enter the real arrival time afterwards, but never one in the future or before the previous step).
   */
  transition(id: number, to: FaultState, at?: number): FaultReportView {
    const r = this.#get(id);
    if (!NEXT[r.state].includes(to)) throw new MaintenanceError('conflict', `${r.number} cannot go from ${r.state} to ${to}`);
    const now = this.now();
    const when = at ?? now;
    if (when > now) throw new MaintenanceError('invalid', 'a state change cannot be dated in the future', '/at');
    const previous = [r.reportedAt, r.respondedAt, r.onSiteAt, r.resolvedAt].filter((x): x is number => x !== null);
    if (when < Math.max(...previous)) throw new MaintenanceError('invalid', 'a state change cannot be dated before the previous step', '/at');
    if (to === 'closed' && !r.result.trim()) throw new MaintenanceError('conflict', `${r.number} needs a result before it is closed`);
    const next: FaultReport = { ...r, state: to, updatedAt: now, [STAMP[to]!]: when };
    if (to === 'resolved' && next.diagnosedAt === null) next.diagnosedAt = when;
    this.store.update(next);
    return this.view(next);
  }

  /** One report with timing, or not-found. */
  get(id: number): FaultReportView {
    return this.view(this.#get(id));
  }

  /** Reports newest first, with timing. */
  list(opts: { open?: boolean; limit?: number } = {}): FaultReportView[] {
    const targets = this.targets();
    const now = this.now();
    return this.store.list(opts).map((r) => ({ ...r, timing: faultTiming(r, targets, now) }));
  }

  /** A report with its timing at now. */
  view(r: FaultReport): FaultReportView {
    return { ...r, timing: faultTiming(r, this.targets(), this.now()) };
  }

  #get(id: number): FaultReport {
    const r = this.store.get(id);
    if (!r) throw new MaintenanceError('not-found', `no fault report ${id}`);
    return r;
  }

  #check(f: FaultFields): void {
    if (!f.title.trim()) throw new MaintenanceError('invalid', 'a fault report needs a title', '/title');
    if (![1, 2, 3, 4].includes(f.level)) throw new MaintenanceError('invalid', 'level must be 1 to 4', '/level');
    if (f.occurredAt > f.reportedAt) throw new MaintenanceError('invalid', 'the fault cannot occur after it was reported', '/occurredAt');
    if (f.reportedAt > this.now()) throw new MaintenanceError('invalid', 'the report time cannot be in the future', '/reportedAt');
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
