import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { atomicWriteFile, fsyncDir } from '../../config/index.ts';
import { BackupError } from '../errors.ts';
import { ARCHIVE_EXT, catalogName, type CatalogEntry } from '../manifest.ts';
import { newestFirst, safeArchiveName, type BackupTarget } from './target.ts';

/**
 * A local folder, or a mounted USB disk / NFS share (`requireMount`). For a mounted path the folder
 * must be a mount point: when the USB disk is not plugged in, writing into the empty mount-point
 * directory would silently fill the system disk and "back up" to the box itself.
 */
export class FolderTarget implements BackupTarget {
  readonly description: string;
  constructor(readonly id: string, readonly path: string, readonly requireMount = false) {
    this.description = `${requireMount ? 'mounted path' : 'folder'} ${path}`;
  }

  async #ready(): Promise<void> {
    if (this.requireMount) {
      const [self, parent] = await Promise.all([stat(this.path).catch(() => undefined), stat(dirname(this.path)).catch(() => undefined)]);
      if (!self || !parent || self.dev === parent.dev) {
        throw new BackupError('TARGET_FAILED', `${this.path} is not a mounted file system (is the USB disk plugged in / the NFS share mounted?)`, `${this.path} 未挂载（请检查 U 盘是否插入或 NFS 是否已挂载）`);
      }
    } else await mkdir(this.path, { recursive: true, mode: 0o700 });
  }

  async writeArchive(name: string, bytes: AsyncIterable<Buffer>): Promise<void> {
    await this.#ready();
    const final = join(this.path, name);
    const partial = `${final}.partial`;
    const fh = await open(partial, 'w', 0o600);
    try {
      for await (const b of bytes) await fh.write(b);
      await fh.sync();
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(partial, { force: true });
      throw err;
    }
    await fh.close();
    await rename(partial, final);
    await fsyncDir(this.path);
  }

  async writeCatalog(entry: CatalogEntry): Promise<void> {
    await atomicWriteFile(join(this.path, catalogName(entry.name)), JSON.stringify(entry, null, 2) + '\n');
  }

  async list(): Promise<CatalogEntry[]> {
    if (!existsSync(this.path)) return [];
    const names = new Set(await readdir(this.path));
    const out: CatalogEntry[] = [];
    for (const n of names) {
      if (!n.endsWith(ARCHIVE_EXT) || !safeArchiveName(n) || !names.has(catalogName(n))) continue;
      try {
        out.push(JSON.parse(await readFile(join(this.path, catalogName(n)), 'utf8')) as CatalogEntry);
      } catch {
        // an unreadable catalog entry: the archive is not listed (cleanup leaves it for a human)
      }
    }
    return out.sort(newestFirst);
  }

  async open(name: string): Promise<{ bytes: AsyncIterable<Buffer>; size: number }> {
    if (!safeArchiveName(name)) throw new BackupError('NOT_FOUND', `no backup named ${name}`, `没有名为 ${name} 的备份`);
    const file = join(this.path, name);
    const st = await stat(file).catch(() => undefined);
    if (!st) throw new BackupError('NOT_FOUND', `no backup named ${name} on ${this.description}`, `${this.description} 上没有名为 ${name} 的备份`);
    return { bytes: createReadStream(file, { highWaterMark: 256 * 1024 }), size: st.size };
  }

  async remove(name: string): Promise<void> {
    if (!safeArchiveName(name)) throw new BackupError('NOT_FOUND', `no backup named ${name}`, `没有名为 ${name} 的备份`);
    await rm(join(this.path, catalogName(name)), { force: true }); // uncounted first, then the bytes
    await rm(join(this.path, name), { force: true });
  }

  async cleanup(): Promise<number> {
    if (!existsSync(this.path)) return 0;
    const names = new Set(await readdir(this.path));
    let n = 0;
    for (const f of names) {
      const orphan = f.endsWith(`${ARCHIVE_EXT}.partial`) || (f.endsWith(ARCHIVE_EXT) && safeArchiveName(f) && !names.has(catalogName(f)));
      if (orphan) (await rm(join(this.path, f), { force: true }), n++);
    }
    return n;
  }

  async close(): Promise<void> {}
}
