/** Fault level: 1 the whole service down … 4 a question or cosmetic issue. */
export type FaultLevel = 1 | 2 | 3 | 4;

/** States of a fault report, in order; a report only moves forward (on-site may be skipped for a remote fix). */
export const FAULT_STATES = ['reported', 'responding', 'on-site', 'resolved', 'closed'] as const;
/** A fault report's state. */
export type FaultState = (typeof FAULT_STATES)[number];

/** The free-text and time fields an engineer edits. Times are epoch ms. */
export interface FaultFields {
  title: string;
  level: FaultLevel;
  contactName: string;
  contactPhone: string;
  occurredAt: number;
  reportedAt: number;
  /** When the cause was known; set by the engineer (or at resolution when left empty). */
  diagnosedAt: number | null;
  /** Where in the system: trunk, port, service, server. */
  location: string;
  /** How it was handled (remote, on site, replacement). */
  method: string;
  steps: string;
  result: string;
  prevention: string;
}

/** A stored fault report. */
export interface FaultReport extends FaultFields {
  id: number;
  /** FR-<year>-<4 digits>, numbered per year of reporting. */
  number: string;
  state: FaultState;
  respondedAt: number | null;
  onSiteAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  createdBy: string;
  updatedAt: number;
}

/** Response targets of one level, hours from the report; undefined: no target for that milestone. */
export interface LevelTargets {
  respondH: number;
  onSiteH?: number;
  diagnoseH?: number;
  resolveH?: number;
}

/** Targets of every level. */
export type ResponseTargets = Record<`${FaultLevel}`, LevelTargets>;

/**
 * Default targets, the common service-contract figures (the example: level 1 respond
 * within 2 h, diagnose within 4 h). Admins change them through the API; stored in records.db.
 */
export const DEFAULT_TARGETS: ResponseTargets = {
  1: { respondH: 2, onSiteH: 4, diagnoseH: 4, resolveH: 8 },
  2: { respondH: 4, onSiteH: 8, diagnoseH: 8, resolveH: 24 },
  3: { respondH: 8, diagnoseH: 24, resolveH: 72 },
  4: { respondH: 24, diagnoseH: 72, resolveH: 168 },
};
