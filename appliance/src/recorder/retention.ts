// Retention (issue 7): each recording has a class (from the metadata's Hotline extension,
// else the default); a class keeps recordings `days` after they end, then deletes them or,
// with `archive`, moves them to the archive target (a mounted folder or an SFTP server,
// archive-target.ts) under the same YYYY/MM/DD layout. The index row stays, marked 'deleted'
// or 'archived' with the archive location, so an audit can still see that the recording
// existed and where it went. An archive that fails keeps the local file and the row as they
// were: the next sweep (hourly) tries again.
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordingStore, StoredRecording } from '../records/index.ts';
import { ArchiveError, FolderArchive, SftpArchive, type ArchiveTarget } from './archive-target.ts';
import type { RecorderSettings, RetentionClass } from './settings.ts';

const DAY_MS = 86_400_000;

/** What retention does with one recording now. */
export type RetentionDecision = 'keep' | 'delete' | 'archive';

type RetentionRules = Pick<RecorderSettings, 'retention' | 'defaultClass'>;

/** A class's rule; a class no longer configured falls back to the default class's rule, never to "keep forever". */
export function ruleFor(retentionClass: string, s: RetentionRules): RetentionClass {
  return s.retention[retentionClass] ?? s.retention[s.defaultClass]!;
}

/**
 * The decision for one recording: only finished files (closed or recovered) that ended more than
 * the class's `days` before `now` leave; an archiving class archives them, others delete them.
 */
export function retentionDecision(r: Pick<StoredRecording, 'retentionClass' | 'endedAt' | 'state'>, s: RetentionRules, now: number): RetentionDecision {
  if ((r.state !== 'closed' && r.state !== 'recovered') || r.endedAt === null) return 'keep';
  const rule = ruleFor(r.retentionClass, s);
  if (r.endedAt >= now - rule.days * DAY_MS) return 'keep';
  return rule.archive ? 'archive' : 'delete';
}

/** The archive target the settings name (SFTP or a folder), or undefined when none is set. */
export function archiveTargetFor(s: Pick<RecorderSettings, 'archiveDir' | 'archiveSftp'>): ArchiveTarget | undefined {
  if (s.archiveSftp) return new SftpArchive(s.archiveSftp);
  if (s.archiveDir) return new FolderArchive(s.archiveDir);
  return undefined;
}

/** Outcome of one sweep. */
export interface RetentionResult {
  deleted: number;
  archived: number;
  /** Failures of this sweep ("<path>: <why>"); the recordings concerned are kept for the next sweep. */
  errors: string[];
  /** The first archive failure (zh/en), for the status and its alarm; undefined when archiving went well or was not needed. */
  archiveError?: { message: string; messageZh: string };
  /** The archive target, when one is configured. */
  archiveTarget?: string;
}

/**
 * Applies the retention classes to recordings that ended before `now − days`. `target` defaults to
 * the one the settings name (tests pass their own); it is closed at the end of the sweep.
 */
export async function sweepRetention(
  index: RecordingStore,
  settings: RetentionRules & Pick<RecorderSettings, 'recordingsDir' | 'archiveDir' | 'archiveSftp'>,
  now: number,
  target: ArchiveTarget | undefined = archiveTargetFor(settings),
): Promise<RetentionResult> {
  const out: RetentionResult = { deleted: 0, archived: 0, errors: [], ...(target ? { archiveTarget: target.description } : {}) };
  try {
    for (const cls of index.classes()) {
      const rule = ruleFor(cls, settings);
      const before = now - rule.days * DAY_MS;
      let classFailed = false;
      while (!classFailed) {
        const batch = index.expired(cls, before, 200);
        if (batch.length === 0) break;
        for (const r of batch) {
          const decision = retentionDecision(r, settings, now);
          const src = join(settings.recordingsDir, r.path);
          try {
            if (decision === 'archive') {
              // Never fall back to deleting what a class says to keep in the archive.
              if (!target) throw new ArchiveError(`class ${cls} archives but no archive target is set`, `保留类别 ${cls} 要求归档，但未设置归档目标`);
              index.setState(r.id, 'archived', await target.archive(r, src));
              out.archived++;
            } else if (decision === 'delete') {
              if (existsSync(src)) unlinkSync(src);
              index.setState(r.id, 'deleted', r.path);
              out.deleted++;
            }
          } catch (err) {
            out.errors.push(`${r.path}: ${(err as Error).message}`);
            if (err instanceof ArchiveError) out.archiveError ??= { message: err.message, messageZh: err.messageZh };
            // Left as it is (retried at the next sweep); stop this class so one bad file cannot spin.
            classFailed = true;
            break;
          }
        }
        // Yield between batches so a large first sweep does not hold up the flush tick.
        await new Promise((r) => setImmediate(r));
      }
    }
  } finally {
    await target?.close();
  }
  return out;
}
