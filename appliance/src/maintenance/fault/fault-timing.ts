import type { FaultReport, LevelTargets, ResponseTargets } from './fault-types.ts';

/** The milestones a target applies to, with the report field that marks each reached. */
export const MILESTONES = [
  { id: 'respond', target: 'respondH', at: 'respondedAt' },
  { id: 'on-site', target: 'onSiteH', at: 'onSiteAt' },
  { id: 'diagnose', target: 'diagnoseH', at: 'diagnosedAt' },
  { id: 'resolve', target: 'resolveH', at: 'resolvedAt' },
] as const satisfies ReadonlyArray<{ id: string; target: keyof LevelTargets; at: keyof FaultReport }>;

/** A milestone id. */
export type MilestoneId = (typeof MILESTONES)[number]['id'];

/** One milestone measured against its target. */
export interface MilestoneTiming {
  id: MilestoneId;
  targetMs: number;
  dueAt: number;
  /** When it was reached, or null. */
  reachedAt: number | null;
  /** From the report to reaching it, or to now while it is open. */
  elapsedMs: number;
  /** Open and past due. */
  overdue: boolean;
  /** Reached, but after the due time. */
  late: boolean;
}

/** Timing of a whole report. */
export interface FaultTiming {
  /** Since the report (to closing, or now). */
  elapsedMs: number;
  milestones: MilestoneTiming[];
  /** Some milestone is open and past due: the list flags the report. */
  overdue: boolean;
  /** Some milestone was (or is being) missed: the report breached its targets. */
  breached: boolean;
}

const H = 3_600_000;

/**
 * Measures a report against its level's targets at `now`. Pure: the clock is a parameter.
 * A closed or resolved report has nothing open, so it is never overdue, but a milestone reached
 * late stays `late` and the report `breached` for the record. A report resolved without an
 * on-site visit drops that milestone; one resolved without a diagnosis time counts as diagnosed
 * at resolution.
 */
export function faultTiming(r: FaultReport, targets: ResponseTargets, now: number): FaultTiming {
  const t = targets[`${r.level}`];
  const finished = r.resolvedAt ?? r.closedAt;
  const end = r.closedAt ?? now;
  const milestones: MilestoneTiming[] = [];
  for (const m of MILESTONES) {
    const hours = t[m.target];
    if (hours === undefined) continue;
    const targetMs = hours * H;
    const dueAt = r.reportedAt + targetMs;
    const own = r[m.at] as number | null;
    // Resolved remotely: nobody went on site, so there was no arrival to be late with.
    if (m.id === 'on-site' && own === null && finished !== null) continue;
    const reachedAt = own ?? (m.id === 'diagnose' ? finished : null);
    const elapsedMs = (reachedAt ?? now) - r.reportedAt;
    milestones.push({ id: m.id, targetMs, dueAt, reachedAt, elapsedMs, overdue: reachedAt === null && now > dueAt, late: reachedAt !== null && reachedAt > dueAt });
  }
  const overdue = milestones.some((m) => m.overdue);
  return { elapsedMs: Math.max(0, end - r.reportedAt), milestones, overdue, breached: overdue || milestones.some((m) => m.late) };
}

/** "3 h 05 min" / "3小时05分" style durations for lists and the PDF. */
export function formatDuration(ms: number, lang: 'zh-CN' | 'en'): string {
  const totalMin = Math.max(0, Math.round(ms / 60_000));
  const d = Math.floor(totalMin / 1440);
  const h = Math.floor((totalMin % 1440) / 60);
  const m = totalMin % 60;
  const mm = String(m).padStart(2, '0');
  if (lang === 'zh-CN') return `${d ? `${d}天` : ''}${h}小时${mm}分`;
  return `${d ? `${d} d ` : ''}${h} h ${mm} min`;
}
