import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** A regular file below a directory: relative POSIX path, size, mtime. */
export interface FileEntry {
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
}

/**
 * Every regular file below `dir` (symlinks and special files skipped: a backup holds data, not
 * links that could point outside the data directory), sorted by path. Missing dir: none.
 */
export async function walkFiles(dir: string, prefix = ''): Promise<FileEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: FileEntry[] = [];
  for (const name of names.sort()) {
    if (name.endsWith('.partial') || name.startsWith('.')) continue; // a file still being written
    const abs = join(dir, name);
    const st = await lstat(abs);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (st.isDirectory()) out.push(...(await walkFiles(abs, rel)));
    else if (st.isFile()) out.push({ rel, abs, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
  }
  return out;
}
