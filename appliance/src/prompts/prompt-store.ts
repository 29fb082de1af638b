// The prompts folder as the management API sees it: `<dir>/<language>/<name>.wav` (a language's
// own take) and `<dir>/<name>.wav` (every language). The PBX reads the same folder (PromptSet);
// files are written to a temporary name and renamed, so a call never plays half a file.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWav } from '@hotline/media';

/** Prompt languages with their own folder; `null` in an entry means the shared, language-neutral file. */
export const PROMPT_FOLDERS = ['zh-CN', 'en'] as const;
/** A language folder, or null for the shared file. */
export type PromptLanguage = (typeof PROMPT_FOLDERS)[number] | null;

/**
 * Names a prompt may have: the config schema's prompt names, but not starting with a dot
 * (no hidden or temporary files, no `..`).
 */
export const PROMPT_NAME_RE = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;

/** One prompt file. */
export interface PromptFileInfo {
  name: string;
  language: PromptLanguage;
  bytes: number;
  /** Length of the audio; null when the file is not a readable WAV. */
  durationMs: number | null;
  modifiedAt: number;
}

/** Files of the prompts folder; see the file comment. */
export class PromptStore {
  constructor(readonly dir: string) {}

  /** Absolute path of a prompt file (which need not exist). Throws RangeError for a bad name. */
  file(name: string, language: PromptLanguage): string {
    if (!PROMPT_NAME_RE.test(name)) throw new RangeError(`bad prompt name ${JSON.stringify(name)}`);
    return language === null ? join(this.dir, `${name}.wav`) : join(this.dir, language, `${name}.wav`);
  }

  /** Every prompt file, shared ones first, each folder sorted by name. */
  list(): PromptFileInfo[] {
    const out: PromptFileInfo[] = [];
    for (const language of [null, ...PROMPT_FOLDERS] as PromptLanguage[]) {
      const folder = language === null ? this.dir : join(this.dir, language);
      let names: string[];
      try {
        names = readdirSync(folder).filter((f) => f.endsWith('.wav')).map((f) => f.slice(0, -4)).filter((n) => PROMPT_NAME_RE.test(n)).sort();
      } catch {
        continue; // no folder yet
      }
      for (const name of names) {
        const path = this.file(name, language);
        const st = statSync(path);
        let durationMs: number | null = null;
        try {
          const w = parseWav(readFileSync(path));
          durationMs = Math.round((w.dataLength / w.blockAlign / w.sampleRate) * 1000);
        } catch {
          // listed anyway, so an admin can see and replace a broken file
        }
        out.push({ name, language, bytes: st.size, durationMs, modifiedAt: st.mtimeMs });
      }
    }
    return out;
  }

  /** Whether a call in any language would find prompt `name` (its shared file or a language's own). */
  exists(name: string): boolean {
    if (!PROMPT_NAME_RE.test(name)) return false;
    return [null, ...PROMPT_FOLDERS].some((l) => existsSync(this.file(name, l as PromptLanguage)));
  }

  /** Whether this exact file exists. */
  has(name: string, language: PromptLanguage): boolean {
    return existsSync(this.file(name, language));
  }

  /** Stores a converted prompt WAV, replacing any file of that name and language atomically. */
  save(name: string, language: PromptLanguage, wav: Buffer): void {
    const path = this.file(name, language);
    mkdirSync(language === null ? this.dir : join(this.dir, language), { recursive: true });
    const tmp = join(language === null ? this.dir : join(this.dir, language), `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, wav);
    renameSync(tmp, path);
  }

  /** Deletes one prompt file; false when there was none. */
  remove(name: string, language: PromptLanguage): boolean {
    try {
      unlinkSync(this.file(name, language));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}
