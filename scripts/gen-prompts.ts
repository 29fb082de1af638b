// Speaks the default prompt set with espeak-ng and writes it, converted to the prompt format
// (8 kHz mono A-law, @hotline/media convertPromptWav), into appliance/prompts/<language>/.
// The WAVs are committed, so a fresh clone and the appliance need no speech engine; run this
// after editing appliance/prompts/texts.json (espeak-ng: provisioning/scripts/bootstrap-host.sh test).
//
//   node --import tsx scripts/gen-prompts.ts
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertPromptWav, wavHeader } from '@hotline/media';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../appliance/prompts');
/** espeak-ng voice per prompt language: Mandarin, and US English. */
const VOICES = { 'zh-CN': 'cmn', en: 'en-us' } as const;

const texts = JSON.parse(readFileSync(join(root, 'texts.json'), 'utf8')) as Record<string, Record<keyof typeof VOICES, string>>;
// -w writes a file with real sizes (--stdout leaves the streaming placeholder sizes in the header).
const work = mkdtempSync(join(tmpdir(), 'hotline-prompts-'));
const spokenPath = join(work, 'spoken.wav');
let bytes = 0;
for (const [language, voice] of Object.entries(VOICES) as Array<[keyof typeof VOICES, string]>) {
  mkdirSync(join(root, language), { recursive: true });
  for (const [name, byLanguage] of Object.entries(texts)) {
    const text = byLanguage[language];
    if (!text) throw new Error(`texts.json: ${name} has no ${language} text`);
    // -s 150 words per minute: a little slower than espeak's default, clearer on a phone line.
    execFileSync('espeak-ng', ['-v', voice, '-s', '150', '-w', spokenPath, text]);
    const { wav } = convertPromptWav(readFileSync(spokenPath));
    writeFileSync(join(root, language, `${name}.wav`), wav);
    bytes += wav.length;
  }
}
rmSync(work, { recursive: true, force: true });
// Not speech: the beep before a recording, 400 ms of 1 kHz at -10 dBFS with 10 ms ramps (no click).
const beep = Buffer.alloc(44 + 8000 * 0.4 * 2);
beep.set(wavHeader({ encoding: 'pcm16', sampleRate: 8000, channels: 1 }, beep.length - 44));
for (let i = 0; i < 3200; i++) beep.writeInt16LE(Math.round(10362 * Math.min(1, i / 80, (3200 - i) / 80) * Math.sin((2 * Math.PI * 1000 * i) / 8000)), 44 + 2 * i);
for (const language of Object.keys(VOICES)) writeFileSync(join(root, language, 'beep.wav'), convertPromptWav(beep).wav);
console.log(`wrote ${Object.keys(texts).length * 2} prompts, ${(bytes / 1024).toFixed(0)} KiB, into ${root}`);
