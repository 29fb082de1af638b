import { readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { atomicWriteFile, type AtomicWriteHooks } from './atomic-file.ts';
import { ConfigValidationError } from './errors.ts';
import { serializeConfig } from './history.ts';
import type { HotlineConfig } from './types.ts';
import { validateConfig } from './validate.ts';

/**
 * lowdb adapter for `config.json` that validates on every read and every write and writes
 * atomically with fsync. lowdb's own JSONFile (steno) renames a temp file but never fsyncs,
 * so a power cut right after a write could leave an empty file behind.
 */
export class ConfigFileAdapter implements Adapter<HotlineConfig> {
  constructor(readonly path: string, private readonly hooks: AtomicWriteHooks = {}) {}

  /** Parsed, migrated and validated content; null when the file does not exist. */
  async read(): Promise<HotlineConfig | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ConfigValidationError([{ path: '', message: `not valid JSON: ${(err as Error).message}` }], this.path);
    }
    return validateConfig(parsed, this.path);
  }

  /** Validates again (a write must never put a refused document on disk), then replaces the file. */
  async write(data: HotlineConfig): Promise<void> {
    await atomicWriteFile(this.path, serializeConfig(validateConfig(data)), this.hooks);
  }
}
