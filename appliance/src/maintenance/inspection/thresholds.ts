import type { ItemStatus, Threshold } from './template-types.ts';

/**
 * Judges a measured number against the item's limits. A limit reached exactly counts as
 * reached (disk at 90 % with fail 90 fails): limits are written as "from here on it is bad".
 * No value (not measurable) is `na`, never a pass.
 */
export function judge(value: number | null, t: Threshold | undefined): ItemStatus {
  if (value === null || !Number.isFinite(value)) return 'na';
  if (!t) return 'pass';
  const reached = (limit: number | undefined) => limit !== undefined && (t.direction === 'max' ? value >= limit : value <= limit);
  if (reached(t.fail)) return 'fail';
  if (reached(t.warn)) return 'warn';
  return 'pass';
}

/** The limits as one short text for tables and the PDF ("≤ 80 / 90 %", "≥ 30 / 7 d"). */
export function thresholdText(t: Threshold | undefined, unit = ''): string {
  if (!t) return '';
  const sign = t.direction === 'max' ? '<' : '>';
  const parts = [t.warn, t.fail].filter((v): v is number => v !== undefined);
  if (parts.length === 0) return '';
  return `${sign} ${parts.join(' / ')}${unit ? ` ${unit}` : ''}`;
}

/** The worse of two statuses (fail > warn > na > pass), for items that combine several readings. */
export function worse(a: ItemStatus, b: ItemStatus): ItemStatus {
  const rank: Record<ItemStatus, number> = { pass: 0, na: 1, warn: 2, fail: 3 };
  return rank[a] >= rank[b] ? a : b;
}
