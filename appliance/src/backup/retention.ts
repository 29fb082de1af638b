import type { CatalogEntry } from './manifest.ts';
import type { RetentionSettings } from './settings.ts';

/**
 * Archives retention removes: beyond the newest `keepCount`, or older than `maxAgeDays` — but
 * never the newest archive (a box keeps at least one backup whatever the age), and never an archive
 * that a kept archive's recordings chain depends on (removing it would make the kept one
 * unrestorable). Pure: the caller deletes.
 */
export function selectExpired(entries: readonly CatalogEntry[], r: RetentionSettings, nowMs: number): string[] {
  const sorted = [...entries].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const keep = new Set<string>();
  sorted.forEach((e, i) => {
    const tooOld = nowMs - Date.parse(e.createdAt) > r.maxAgeDays * 86_400_000;
    if (i === 0 || (i < r.keepCount && !tooOld)) keep.add(e.name);
  });
  // Close over chain dependencies: a kept archive keeps what it needs.
  const byName = new Map(sorted.map((e) => [e.name, e]));
  const stack = [...keep];
  while (stack.length) {
    for (const dep of byName.get(stack.pop()!)?.chain?.dependsOn ?? []) if (!keep.has(dep) && byName.has(dep)) (keep.add(dep), stack.push(dep));
  }
  return sorted.filter((e) => !keep.has(e.name)).map((e) => e.name);
}
