// Configuration history page state: versions, the selected diff, rollback.
import { api } from '../api/api.ts';
import type { ConfigVersion } from '../api/types.ts';

class ConfigState {
  /** All kept versions, newest first. */
  versions = $state<ConfigVersion[]>([]);
  /** Older side of the diff. */
  a = $state<number | undefined>(undefined);
  /** Newer side of the diff. */
  b = $state<number | undefined>(undefined);
  /** Unified diff text of a → b. */
  diff = $state('');

  /** The running version (the highest). */
  get current(): number | undefined {
    return this.versions[0]?.version;
  }

  /** Loads the version list; throws ApiError. */
  async load(): Promise<void> {
    const list = await api.config.versions();
    this.versions = [...list].sort((x, y) => y.version - x.version);
  }

  /** Loads the diff between two versions; throws ApiError. */
  async compare(a: number, b: number): Promise<void> {
    this.a = Math.min(a, b);
    this.b = Math.max(a, b);
    this.diff = (await api.config.diff(this.a, this.b)).diff;
  }

  /** Rolls back to `version` and reloads the list; returns the new version. */
  async rollback(version: number): Promise<ConfigVersion> {
    const created = await api.config.rollback(version);
    await this.load();
    return created;
  }
}

/** The Configuration history page state. */
export const config = new ConfigState();
