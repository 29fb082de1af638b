import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { moduleLogger } from '../log.ts';
import { dataPaths } from '../paths.ts';
import type { AtomicWriteHooks } from './atomic-file.ts';
import { ConfigFileAdapter } from './config-file.ts';
import { defaultConfig } from './defaults.ts';
import { ConfigHistory, configDigest, serializeConfig } from './history.ts';
import { lineDiff } from './line-diff.ts';
import { withLock, type LockOptions } from './lock.ts';
import type { ChangeMeta, ConfigVersion, HotlineConfig } from './types.ts';
import { validateConfig } from './validate.ts';

const log = moduleLogger('config-store');

/** Where the store keeps the live file and the history directory. */
export interface ConfigPaths {
  config: string;
  configHistory: string;
}

/** Injectable collaborators of the store, for tests. */
export interface ConfigStoreOptions {
  /** Clock for `savedAt`. */
  now?: () => Date;
  /** Lock timing (stale age, timeout). */
  lock?: LockOptions;
  /** Failure injection inside atomic writes (simulated crash before rename). */
  writeHooks?: AtomicWriteHooks;
  /** What to write as version 1 when no config file exists. Default: `defaultConfig()`. */
  initial?: { config: HotlineConfig; meta: ChangeMeta };
}

/** Freezes a value and everything below it, so the shared `current` cannot be changed by accident. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * The configuration store: `config.json` (through lowdb, validated on every load and write) plus
 * one file per accepted version in `config-history/`. Every change runs under a lock file, re-reads
 * the disk first (another process may have written since we loaded), validates the whole result,
 * then writes the history entry and the live file, each atomically.
 */
export class ConfigStore {
  readonly #paths: ConfigPaths;
  readonly #db: Low<HotlineConfig>;
  readonly #history: ConfigHistory;
  readonly #opts: ConfigStoreOptions;
  readonly #lockPath: string;
  #current: HotlineConfig;
  #version = 0;
  #created = false;

  private constructor(paths: ConfigPaths, opts: ConfigStoreOptions) {
    this.#paths = paths;
    this.#opts = opts;
    this.#db = new Low(new ConfigFileAdapter(paths.config, opts.writeHooks), defaultConfig());
    this.#history = new ConfigHistory(paths.configHistory, opts.writeHooks);
    this.#lockPath = `${paths.config}.lock`;
    this.#current = deepFreeze(defaultConfig());
  }

  /**
   * Opens the store, creating the default file (version 1) when none exists. A valid `config.json`
   * that matches no recorded version (edited by hand) is recorded as a new version, author
   * 'external-edit'. An invalid one throws ConfigValidationError.
   */
  static async open(paths: ConfigPaths = dataPaths(), options: ConfigStoreOptions = {}): Promise<ConfigStore> {
    const store = new ConfigStore(paths, options);
    await mkdir(dirname(paths.config), { recursive: true });
    await mkdir(paths.configHistory, { recursive: true });
    await store.#locked(async () => {
      const onDisk = await store.#db.adapter.read();
      if (onDisk === null) {
        const initial = options.initial ?? { config: defaultConfig(), meta: { author: 'system', comment: 'default configuration' } };
        await store.#commit(validateConfig(initial.config), initial.meta);
        store.#created = true;
        return;
      }
      const known = await store.#versionOf(onDisk);
      if (known !== undefined) store.#accept(onDisk, known);
      else await store.#commit(onDisk, { author: 'external-edit', comment: 'config.json was changed outside the store' });
    });
    return store;
  }

  /** True when `open()` found no file and wrote the initial configuration as version 1. */
  get created(): boolean {
    return this.#created;
  }

  /** The last accepted configuration, deep-frozen: callers must copy before changing anything. */
  get current(): HotlineConfig {
    return this.#current;
  }

  /** Version number of `current`. */
  get version(): number {
    return this.#version;
  }

  /** Paths the store works on. */
  get paths(): ConfigPaths {
    return this.#paths;
  }

  /**
   * Re-reads `config.json` (another process wrote it). An invalid file throws ConfigValidationError
   * and the previous configuration stays current, as DESIGN.md requires of a bad config.
   */
  async reload(): Promise<HotlineConfig> {
    const onDisk = await this.#db.adapter.read();
    if (onDisk === null) throw new Error(`configuration file ${this.#paths.config} has disappeared; keeping version ${this.#version}`);
    const known = await this.#versionOf(onDisk);
    if (known === undefined) log.warn({ file: this.#paths.config }, 'config.json matches no recorded version (edited by hand?); it is recorded at the next open or change');
    this.#accept(onDisk, known ?? (await this.#history.latest()));
    return this.#current;
  }

  /** Applies `mutator` to a copy of the configuration on disk, validates the whole result and stores it as a new version. */
  async update(mutator: (draft: HotlineConfig) => void, meta: ChangeMeta): Promise<ConfigVersion> {
    return this.#locked(async () => {
      const base = (await this.#db.adapter.read()) ?? structuredClone(this.#current);
      const draft = structuredClone(base);
      mutator(draft);
      return this.#commit(validateConfig(draft), meta);
    });
  }

  /** Replaces the whole configuration with `next` (e.g. an imported file) after the same checks. */
  async replace(next: unknown, meta: ChangeMeta): Promise<ConfigVersion> {
    const valid = validateConfig(next);
    return this.#locked(() => this.#commit(valid, meta));
  }

  /** Metadata of every version, oldest first. */
  async history(): Promise<ConfigVersion[]> {
    return this.#history.list();
  }

  /** The configuration of one recorded version. Throws ConfigVersionNotFoundError if absent. */
  async read(version: number): Promise<HotlineConfig> {
    return (await this.#history.get(version)).config;
  }

  /** A readable line diff between two versions' pretty JSON (`-` only in a, `+` only in b). */
  async diff(a: number, b: number): Promise<string> {
    const [ca, cb] = await Promise.all([this.read(a), this.read(b)]);
    const body = lineDiff(serializeConfig(ca), serializeConfig(cb));
    return `--- version ${a}\n+++ version ${b}\n` + (body || '(no differences)\n');
  }

  /** Creates a NEW version whose content equals `version`; history is never rewritten. */
  async rollback(version: number, meta: ChangeMeta): Promise<ConfigVersion> {
    const target = await this.read(version);
    return this.#locked(() => this.#commit(target, meta));
  }

  async #locked<T>(fn: () => Promise<T>): Promise<T> {
    return withLock(this.#lockPath, fn, this.#opts.lock);
  }

  /** Newest recorded version with exactly this content, if any. */
  async #versionOf(config: HotlineConfig): Promise<number | undefined> {
    const digest = configDigest(config);
    const all = await this.#history.list();
    for (let i = all.length - 1; i >= 0; i--) if (all[i].sha256 === digest) return all[i].version;
    return undefined;
  }

  #accept(config: HotlineConfig, version: number): void {
    this.#db.data = config;
    this.#current = deepFreeze(structuredClone(config));
    this.#version = version;
  }

  /**
   * Writes a validated configuration as the next version. Caller holds the lock. History first,
   * then the live file: a crash in between leaves the old live file, which still matches its
   * own history entry, so the store reopens on the old version.
   */
  async #commit(config: HotlineConfig, meta: ChangeMeta): Promise<ConfigVersion> {
    const version = (await this.#history.latest()) + 1;
    const entry: ConfigVersion = {
      version,
      savedAt: (this.#opts.now?.() ?? new Date()).toISOString(),
      author: meta.author,
      comment: meta.comment,
      sha256: configDigest(config),
    };
    await this.#history.put({ ...entry, config });
    this.#db.data = config;
    await this.#db.write();
    this.#accept(config, version);
    log.info({ version, author: meta.author }, 'configuration version saved');
    return entry;
  }
}
