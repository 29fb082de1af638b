import type { ExtensionConfig, HotlineConfig } from '../config/index.ts';

/** Read-only index of the configured extensions, rebuilt on every config reload. */
export class ExtensionDirectory {
  private byNumber = new Map<string, ExtensionConfig>();

  constructor(config: HotlineConfig) { this.update(config); }

  /** Replaces the index with the extensions of a newly accepted config. */
  update(config: HotlineConfig): void {
    this.byNumber = new Map(config.extensions.map((e) => [e.number, e]));
  }

  /** The extension with this number, if configured. */
  get(number: string): ExtensionConfig | undefined { return this.byNumber.get(number); }

  /** The digest secret of an extension (the lookup digest verification needs). */
  secretOf(number: string): string | undefined { return this.byNumber.get(number)?.secret; }

  /** Numbers of every configured extension. */
  numbers(): string[] { return [...this.byNumber.keys()]; }
}
