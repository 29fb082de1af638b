// Retention (issue 7): each recording has a class (from the metadata's Hotline extension,
// else the default); a class keeps recordings `days` after they end, then deletes them or,
// with `archive`, moves them to the archive folder (a mounted path) under the same
// YYYY/MM/DD layout. The index row stays, marked 'deleted' or 'archived', so an audit can
// still see that the recording existed and where it went.
import { copyFileSync, existsSync, mkdirSync, renameSync, unlinkSync, fsyncSync, openSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RecordingStore } from '../records/index.ts';
import type { RecorderSettings } from './settings.ts';

const DAY_MS = 86_400_000;

/** Outcome of one sweep. */
export interface RetentionResult {
  deleted: number;
  archived: number;
  errors: string[];
}

/** Moves a file, across filesystems if need be (copy, fsync, unlink). */
function moveFile(src: string, dst: string): void {
  mkdirSync(dirname(dst), { recursive: true });
  try {
    renameSync(src, dst);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    copyFileSync(src, dst);
    const fd = openSync(dst, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
    unlinkSync(src);
  }
}

/** Applies the retention classes to recordings that ended before `now − days`. */
export async function sweepRetention(index: RecordingStore, settings: Pick<RecorderSettings, 'retention' | 'defaultClass' | 'recordingsDir' | 'archiveDir'>, now: number): Promise<RetentionResult> {
  const out: RetentionResult = { deleted: 0, archived: 0, errors: [] };
  for (const cls of index.classes()) {
    // A class no longer configured falls back to the default class's rule, never to "keep forever".
    const rule = settings.retention[cls] ?? settings.retention[settings.defaultClass]!;
    const before = now - rule.days * DAY_MS;
    for (;;) {
      const batch = index.expired(cls, before, 200);
      if (batch.length === 0) break;
      for (const r of batch) {
        const src = join(settings.recordingsDir, r.path);
        try {
          if (rule.archive && settings.archiveDir) {
            if (existsSync(src)) moveFile(src, join(settings.archiveDir, r.path));
            index.setState(r.id, 'archived', join(settings.archiveDir, r.path));
            out.archived++;
          } else {
            if (existsSync(src)) unlinkSync(src);
            index.setState(r.id, 'deleted', r.path);
            out.deleted++;
          }
        } catch (err) {
          // Left as it is (retried at the next sweep); stop this class so one bad file cannot spin.
          out.errors.push(`${r.path}: ${(err as Error).message}`);
        }
      }
      if (out.errors.length > 0) break;
      // Yield between batches so a large first sweep does not hold up the flush tick.
      await new Promise((r) => setImmediate(r));
    }
  }
  return out;
}
