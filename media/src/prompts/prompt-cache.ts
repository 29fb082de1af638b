// Cache of converted prompts, keyed by path, law and modification time, evicted
// least-recently-used first when the total size passes a byte budget. An IVR plays
// the same few prompts to every caller, so conversion happens once per upload.
import * as nodeFs from 'node:fs';
import type { G711Law } from '../g711/g711.ts';
import { parseWav } from '../wav/wav-format.ts';
import { promptToLaw } from './prompt-audio.ts';

/** File access the cache needs; injected so tests can count reads and change mtimes. */
export interface PromptFs {
  /** Modification time of a file in ms. */
  statSync(path: string): { mtimeMs: number };
  /** Whole file contents. */
  readFileSync(path: string): Buffer;
}

/** Options of a {@link PromptCache}. */
export interface PromptCacheOptions {
  /** Largest total of cached audio bytes; 16 MiB (≈ 35 minutes of G.711) by default. */
  budgetBytes?: number;
  /** File access; node:fs by default. */
  fs?: PromptFs;
}

interface Entry {
  mtimeMs: number;
  audio: Buffer;
}

/** LRU cache of prompts converted to G.711; see the file comment. */
export class PromptCache {
  private readonly budget: number;
  private readonly fs: PromptFs;
  // Map iteration order is insertion order: re-inserting on a hit makes it the LRU list.
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  /** Loads that read and converted a file (cache misses). */
  loads = 0;
  /** Lookups answered from the cache. */
  hits = 0;

  /** Creates an empty cache. */
  constructor(opts: PromptCacheOptions = {}) {
    this.budget = opts.budgetBytes ?? 16 * 1024 * 1024;
    this.fs = opts.fs ?? nodeFs;
  }

  /** Bytes of audio held. */
  get sizeBytes(): number {
    return this.bytes;
  }

  /** Number of prompts held. */
  get count(): number {
    return this.entries.size;
  }

  /**
   * The prompt at `path` as `law` bytes. Re-reads the file when its mtime changed.
   * Throws WavFormatError for files that are not 8 kHz mono PCM16/A-law/µ-law,
   * and the fs error when the file is missing. The buffer is shared: do not modify it.
   */
  get(path: string, law: G711Law): Buffer {
    const key = `${law}\0${path}`;
    const mtimeMs = this.fs.statSync(path).mtimeMs;
    const hit = this.entries.get(key);
    if (hit && hit.mtimeMs === mtimeMs) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      this.hits++;
      return hit.audio;
    }
    if (hit) this.remove(key, hit);
    const audio = promptToLaw(parseWav(this.fs.readFileSync(path), path), law, path);
    this.loads++;
    if (audio.length <= this.budget) {
      this.entries.set(key, { mtimeMs, audio });
      this.bytes += audio.length;
      for (const [k, e] of this.entries) {
        if (this.bytes <= this.budget) break;
        this.remove(k, e);
      }
    }
    return audio;
  }

  /** Drops every cached version of `path` (e.g. after the prompt was deleted). */
  invalidate(path: string): void {
    for (const [k, e] of this.entries) if (k.endsWith(`\0${path}`)) this.remove(k, e);
  }

  private remove(key: string, e: Entry): void {
    this.entries.delete(key);
    this.bytes -= e.audio.length;
  }
}
