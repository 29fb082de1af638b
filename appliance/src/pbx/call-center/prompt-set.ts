// Finding the prompt files the call center plays (the default set: prompts/default-prompts.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export { PROMPT_NAMES, PROMPT_LANGUAGES, SHIPPED_PROMPTS_DIR, installDefaultPrompts } from '../../prompts/default-prompts.ts';

/**
 * Finds prompt files by name: `<dir>/<language>/<name>.wav`, else `<dir>/<name>.wav` (an
 * uploaded prompt for every language). Lookups are cached for `maxAgeMs` (2 s): prompts are
 * uploaded and deleted by the management service, another process, so a stale answer must
 * not outlive a moment; `forget` drops them at once (a prompt recorded here).
 */
export class PromptSet {
  private readonly cache = new Map<string, { path: string | null; at: number }>();

  constructor(private readonly dir: string, private language: 'zh-CN' | 'en', private readonly maxAgeMs = 2000, private readonly now: () => number = Date.now) {}

  /** The prompts folder. */
  get folder(): string { return this.dir; }

  /** Switches the language (config reload). */
  setLanguage(language: 'zh-CN' | 'en'): void {
    if (language !== this.language) this.cache.clear();
    this.language = language;
  }

  /** The file of prompt `name`, or undefined when there is none. */
  path(name: string): string | undefined {
    const now = this.now();
    let hit = this.cache.get(name);
    if (hit === undefined || now - hit.at > this.maxAgeMs) {
      const localized = join(this.dir, this.language, `${name}.wav`);
      const plain = join(this.dir, `${name}.wav`);
      hit = { path: existsSync(localized) ? localized : existsSync(plain) ? plain : null, at: now };
      this.cache.set(name, hit);
    }
    return hit.path ?? undefined;
  }

  /** Paths of the prompts that exist, in order (missing ones are skipped: silence beats a stuck call). */
  paths(names: readonly string[]): string[] {
    return names.map((n) => this.path(n)).filter((p): p is string => p !== undefined);
  }

  /** Drops cached lookups (a prompt was uploaded or deleted). */
  forget(): void { this.cache.clear(); }
}
