// The prompts the PBX itself plays, by name, and the default set shipped with the project.
//
// The default set is speech: espeak-ng reads the texts of appliance/prompts/texts.json (zh-CN
// and English) and scripts/gen-prompts.ts converts them to 8 kHz mono A-law WAVs, which are
// committed next to the texts (appliance/prompts/<language>/<name>.wav, about 1.2 MiB in all),
// so neither a fresh clone nor the appliance needs a speech engine. At start the PBX copies the
// files that are missing into the data folder, where uploads and recordings replace them.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Prompt names the PBX itself uses; IVR menus name their own prompts too. */
export const PROMPT_NAMES = [
  'welcome', 'invalid', 'timeout', 'goodbye', 'closed', 'enter-account', 'position', 'please-hold', 'estimated-wait', 'minutes',
  'agent-logged-in', 'agent-logged-out', 'agent-ready', 'agent-not-ready', 'feature-failed', 'callback-accepted',
  'record-after-beep', 'beep', 'record-review', 'record-saved', 'voicemail-greeting',
  ...Array.from({ length: 10 }, (_, i) => `digit-${i}`),
] as const;

/** Languages of the default set. */
export const PROMPT_LANGUAGES = ['zh-CN', 'en'] as const;

/** Where the shipped default set lives in the source tree. */
export const SHIPPED_PROMPTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../prompts');

/** Copies the shipped set into `dir/<language>/<name>.wav` where a file of that name is missing; returns how many were copied. */
export function installDefaultPrompts(dir: string, from: string = SHIPPED_PROMPTS_DIR): number {
  let written = 0;
  for (const lang of PROMPT_LANGUAGES) {
    mkdirSync(join(dir, lang), { recursive: true });
    for (const name of PROMPT_NAMES) {
      const path = join(dir, lang, `${name}.wav`);
      if (existsSync(path)) continue;
      copyFileSync(join(from, lang, `${name}.wav`), path);
      written++;
    }
  }
  return written;
}

