// The prompts the call center plays, by name, and the default set shipped with the project.
//
// There is no text-to-speech engine on the appliance or the build machine, so the default set
// is GENERATED, not spoken: each prompt is a short run of "syllables" (a voiced buzz through two
// formant-like resonances with a pitch contour: rising-falling for zh-CN, falling for en) whose
// count and contour depend on the prompt's name. They sound like muffled speech, tell prompts
// apart in tests and in the field, and are meant to be replaced by recorded WAV files (same
// names) in the prompts folder. Formants stay out of the DTMF bands (697–941 Hz, 1209–1633 Hz).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wavHeader } from '@hotline/media';

/** Prompt names the PBX itself uses; IVR menus name their own prompts too. */
export const PROMPT_NAMES = [
  'welcome', 'invalid', 'timeout', 'goodbye', 'closed', 'enter-account', 'position', 'please-hold', 'estimated-wait', 'minutes',
  'agent-logged-in', 'agent-logged-out', 'agent-ready', 'agent-not-ready', 'feature-failed', 'callback-accepted',
  ...Array.from({ length: 10 }, (_, i) => `digit-${i}`),
] as const;

/** Languages of the default set. */
export const PROMPT_LANGUAGES = ['zh-CN', 'en'] as const;

const RATE = 8000;

/** Deterministic small hash of a name (FNV-1a), so a prompt sounds the same on every box. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** 8 kHz PCM16 samples of the generated prompt `name` in `language`. */
export function synthesizePrompt(name: string, language: 'zh-CN' | 'en'): Int16Array {
  const h = hash(`${language}/${name}`);
  const syllables = name.startsWith('digit-') ? 1 : 3 + (h % 4);
  const sylMs = language === 'zh-CN' ? 180 : 150;
  const gapMs = 50;
  const total = Math.round(((sylMs + gapMs) * syllables + 100) * RATE / 1000);
  const out = new Int16Array(total);
  let t = 0;
  let phase = 0;
  for (let s = 0; s < syllables; s++) {
    const f1 = 350 + ((h >>> (s * 3)) % 5) * 50; // 350–550 Hz
    const f2 = 1700 + ((h >>> (s * 5 + 1)) % 7) * 90; // 1700–2240 Hz
    const n = Math.round(sylMs * RATE / 1000);
    for (let i = 0; i < n; i++, t++) {
      const x = i / n;
      // Tone contour: zh-CN rises then falls, en falls; pitch 110–180 Hz.
      const pitch = language === 'zh-CN' ? 130 + 40 * Math.sin(Math.PI * x) : 170 - 50 * x;
      phase += (2 * Math.PI * pitch) / RATE;
      // Glottal-ish pulse train: harmonics of the pitch weighted by two resonances.
      let v = 0;
      for (let k = 1; k * pitch < 3400; k++) {
        const f = k * pitch;
        const w = 1 / (1 + ((f - f1) / 120) ** 2) + 0.6 / (1 + ((f - f2) / 180) ** 2);
        v += w * Math.sin(k * phase);
      }
      const env = Math.min(1, x * 8, (1 - x) * 6);
      out[t] = Math.max(-32767, Math.min(32767, Math.round(4000 * env * v)));
    }
    t += Math.round(gapMs * RATE / 1000);
  }
  return out;
}

/** A WAV file (8 kHz mono PCM16) of the samples. */
export function wavFile(samples: Int16Array): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  return Buffer.concat([wavHeader({ encoding: 'pcm16', sampleRate: RATE, channels: 1 }, data.length), data]);
}

/** Writes the default set into `dir/<language>/<name>.wav` where a file of that name is missing; returns how many were written. */
export function installDefaultPrompts(dir: string): number {
  let written = 0;
  for (const lang of PROMPT_LANGUAGES) {
    mkdirSync(join(dir, lang), { recursive: true });
    for (const name of PROMPT_NAMES) {
      const path = join(dir, lang, `${name}.wav`);
      if (existsSync(path)) continue;
      writeFileSync(path, wavFile(synthesizePrompt(name, lang)));
      written++;
    }
  }
  return written;
}

/**
 * Finds prompt files by name: `<dir>/<language>/<name>.wav`, else `<dir>/<name>.wav` (an
 * uploaded prompt for every language). Lookups are cached; `forget` after an upload.
 */
export class PromptSet {
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly dir: string, private language: 'zh-CN' | 'en') {}

  /** Switches the language (config reload). */
  setLanguage(language: 'zh-CN' | 'en'): void {
    if (language !== this.language) this.cache.clear();
    this.language = language;
  }

  /** The file of prompt `name`, or undefined when there is none. */
  path(name: string): string | undefined {
    let p = this.cache.get(name);
    if (p === undefined) {
      const localized = join(this.dir, this.language, `${name}.wav`);
      const plain = join(this.dir, `${name}.wav`);
      p = existsSync(localized) ? localized : existsSync(plain) ? plain : null;
      this.cache.set(name, p);
    }
    return p ?? undefined;
  }

  /** Paths of the prompts that exist, in order (missing ones are skipped: silence beats a stuck call). */
  paths(names: readonly string[]): string[] {
    return names.map((n) => this.path(n)).filter((p): p is string => p !== undefined);
  }

  /** Drops cached lookups (a prompt was uploaded or deleted). */
  forget(): void { this.cache.clear(); }
}
