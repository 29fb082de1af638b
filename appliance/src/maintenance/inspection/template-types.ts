import type { Bilingual } from '../text.ts';

/** Outcome of one checklist item. `na`: could not be measured (not available, unknown). */
export type ItemStatus = 'pass' | 'warn' | 'fail' | 'na';

/**
 * Limits of a numeric automatic item. `max`: the value must stay at or below the limits
 * (CPU %, disk %); `min`: at or above them (free GB, days to certificate expiry).
 */
export interface Threshold {
  direction: 'max' | 'min';
  warn?: number;
  fail?: number;
}

/** An item the box measures itself, through the probe named by `probe`. */
export interface AutomaticItem {
  kind: 'automatic';
  id: string;
  label: Bilingual;
  probe: string;
  /** For numeric probes; text probes (service states, time sync) judge themselves. */
  threshold?: Threshold;
  unit?: string;
}

/** An item the engineer checks by eye or instrument and records by hand. */
export interface ManualItem {
  kind: 'manual';
  id: string;
  label: Bilingual;
  /** What a good result looks like ("18–27 °C", "all fans turning, no dust"). */
  expected: Bilingual;
  guidance?: Bilingual;
  unit?: string;
}

/** One checklist item. */
export type ChecklistItem = AutomaticItem | ManualItem;

/** A titled group of items. */
export interface ChecklistSection {
  id: string;
  title: Bilingual;
  items: ChecklistItem[];
}

/** A checklist template's content (one version of it). */
export interface TemplateDefinition {
  name: Bilingual;
  sections: ChecklistSection[];
}

/** A stored version of a template. */
export interface TemplateVersion {
  id: string;
  version: number;
  definition: TemplateDefinition;
  createdAt: number;
  createdBy: string;
  comment: string;
}
