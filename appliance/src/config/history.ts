import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile, type AtomicWriteHooks } from './atomic-file.ts';
import { ConfigValidationError, ConfigVersionNotFoundError } from './errors.ts';
import type { ConfigVersion, HotlineConfig } from './types.ts';
import { validateConfig } from './validate.ts';

/** The one serialisation of a configuration: pretty JSON with a final newline, as written to disk. */
export function serializeConfig(config: HotlineConfig): string {
  return JSON.stringify(config, null, 2) + '\n';
}

/** SHA-256 (hex) of the serialised configuration; identical content always gives the same digest. */
export function configDigest(config: HotlineConfig): string {
  return createHash('sha256').update(serializeConfig(config)).digest('hex');
}

/** What one `config-history/<version>.json` file holds: the metadata and the full configuration. */
export interface HistoryEntry extends ConfigVersion {
  config: HotlineConfig;
}

/** Reads and writes the per-version files of `config-history/`. Knows nothing of locking. */
export class ConfigHistory {
  constructor(readonly dir: string, private readonly hooks: AtomicWriteHooks = {}) {}

  /** File of one version. */
  pathOf(version: number): string {
    return join(this.dir, `${version}.json`);
  }

  /** Version numbers present, ascending. Files that are not `<integer>.json` are ignored. */
  async versions(): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names
      .map((n) => /^([1-9][0-9]*)\.json$/.exec(n)?.[1])
      .filter((v): v is string => v !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** Highest version number, or 0 when there is no history yet. */
  async latest(): Promise<number> {
    const all = await this.versions();
    return all.length ? all[all.length - 1] : 0;
  }

  /** One entry, its configuration validated (and migrated if it predates the current schema). */
  async get(version: number): Promise<HistoryEntry> {
    let text: string;
    try {
      text = await readFile(this.pathOf(version), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ConfigVersionNotFoundError(version);
      throw err;
    }
    let raw: HistoryEntry;
    try {
      raw = JSON.parse(text) as HistoryEntry;
    } catch (err) {
      throw new ConfigValidationError([{ path: '', message: `not valid JSON: ${(err as Error).message}` }], this.pathOf(version));
    }
    return { ...raw, config: validateConfig(raw.config, this.pathOf(version)) };
  }

  /** Metadata of every version, oldest first. */
  async list(): Promise<ConfigVersion[]> {
    const out: ConfigVersion[] = [];
    for (const v of await this.versions()) {
      const { version, savedAt, author, comment, sha256 } = JSON.parse(await readFile(this.pathOf(v), 'utf8')) as ConfigVersion;
      out.push({ version, savedAt, author, comment, sha256 });
    }
    return out;
  }

  /** Stores one version atomically. The caller holds the lock and has validated `entry.config`. */
  async put(entry: HistoryEntry): Promise<void> {
    const { config, ...meta } = entry;
    await atomicWriteFile(this.pathOf(entry.version), JSON.stringify({ ...meta, config }, null, 2) + '\n', this.hooks);
  }
}
