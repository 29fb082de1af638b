import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { atomicWriteFile } from '../config/index.ts';
import type { ManifestRecording } from './manifest.ts';

/**
 * The chain index of one target: which recordings the archives of the current chain already hold,
 * so the next backup carries only new or changed files. Updated only after an archive was written
 * and counted good, so a failed run never makes the next one skip files it did not save.
 */
export interface ChainIndex {
  id: string;
  /** Sequence number of the last archive of the chain (0: none yet). */
  sequence: number;
  /** Archive names of the chain, oldest first. */
  archives: string[];
  files: Record<string, { size: number; mtimeMs: number; sha256: string; archive: string }>;
}

/** File of a target's chain index. */
export const chainPath = (stateDir: string, targetId: string) => join(stateDir, 'chains', `${targetId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);

/** A new, empty chain (the next backup with recordings is a full one). */
export const newChain = (): ChainIndex => ({ id: randomUUID(), sequence: 0, archives: [], files: {} });

/** The target's chain index, or a new chain when none was saved. */
export async function loadChain(path: string): Promise<ChainIndex> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as ChainIndex;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return newChain();
    throw err;
  }
}

/** Saves a chain index atomically. */
export async function saveChain(path: string, chain: ChainIndex): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await atomicWriteFile(path, JSON.stringify(chain) + '\n');
}

/** The chain after an archive with these recordings was written. */
export function advanceChain(chain: ChainIndex, archive: string, recordings: ManifestRecording[], mtimes: Map<string, number>): ChainIndex {
  const files: ChainIndex['files'] = {};
  for (const r of recordings) files[r.path] = { size: r.size, sha256: r.sha256, archive: r.archive, mtimeMs: mtimes.get(r.path) ?? chain.files[r.path]?.mtimeMs ?? 0 };
  return { id: chain.id, sequence: chain.sequence + 1, archives: [...chain.archives, archive], files };
}
