// Uploaded WAV → the prompt format the player reads without conversion: 8 kHz mono A-law
// (G.711, the law of Chinese networks; promptToLaw turns it into µ-law for a PCMU call with a
// table lookup). Accepts 8/16/24-bit PCM, A-law and µ-law at any rate, mono or multi-channel
// (channels are averaged), resampled through the band-limiting interpolator in resample.ts.
import { ALAW_DECODE, ALAW_ENCODE, ULAW_DECODE } from '../g711/g711.ts';
import { parseWav, wavHeader, WavFormatError, type WavInfo } from '../wav/wav-format.ts';
import { PROMPT_SAMPLE_RATE } from './prompt-audio.ts';
import { resample } from './resample.ts';

/** Limits of {@link convertPromptWav}. */
export interface PromptConvertOptions {
  /** Longest prompt accepted, in seconds; 300 by default. */
  maxSeconds?: number;
}

/** A converted prompt and what it was made from. */
export interface ConvertedPrompt {
  /** The complete WAV file: 8 kHz mono A-law. */
  wav: Buffer;
  /** Length in milliseconds. */
  durationMs: number;
  /** Format of the uploaded file. */
  source: { encoding: WavInfo['encoding']; sampleRate: number; channels: number };
}

/** Longest prompt by default: five minutes is already a long announcement. */
export const MAX_PROMPT_SECONDS = 300;

/** The samples of a parsed WAV as floats in [-1, 1), channels averaged to mono. */
export function wavToMonoFloat(wav: WavInfo): Float32Array {
  const ch = wav.channels;
  const bps = wav.blockAlign / ch;
  const frames = Math.floor(wav.dataLength / wav.blockAlign);
  const out = new Float32Array(frames);
  const d = wav.data;
  const read = sampleReader(wav.encoding, d);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < ch; c++) sum += read(f * wav.blockAlign + c * bps);
    out[f] = sum / ch;
  }
  return out;
}

function sampleReader(encoding: WavInfo['encoding'], d: Buffer): (offset: number) => number {
  switch (encoding) {
    case 'pcm8': return (o) => (d[o]! - 128) / 128; // WAVE 8-bit PCM is unsigned, 128 = silence
    case 'pcm16': return (o) => d.readInt16LE(o) / 32768;
    case 'pcm24': return (o) => d.readIntLE(o, 3) / 8388608;
    case 'alaw': return (o) => ALAW_DECODE[d[o]!]! / 32768;
    case 'ulaw': return (o) => ULAW_DECODE[d[o]!]! / 32768;
  }
}

/**
 * Converts an uploaded WAV file to a prompt. Throws {@link WavFormatError}: 'malformed' or
 * 'truncated' for a file that is not a readable WAV, 'unsupported' for another sample format,
 * an empty one, or one longer than `maxSeconds`. Nothing is written anywhere.
 */
export function convertPromptWav(file: Buffer, opts: PromptConvertOptions = {}): ConvertedPrompt {
  const wav = parseWav(file);
  const maxSeconds = opts.maxSeconds ?? MAX_PROMPT_SECONDS;
  const frames = Math.floor(wav.dataLength / wav.blockAlign);
  if (frames === 0) throw new WavFormatError('unsupported', 'the file holds no audio');
  const seconds = frames / wav.sampleRate;
  if (seconds > maxSeconds) throw new WavFormatError('unsupported', `the prompt is ${seconds.toFixed(1)} s long; at most ${maxSeconds} s are accepted`);
  if (wav.sampleRate < 4000 || wav.sampleRate > 192000) throw new WavFormatError('unsupported', `a ${wav.sampleRate} Hz sample rate is not supported (4000–192000 Hz)`);
  const mono = resample(wavToMonoFloat(wav), wav.sampleRate, PROMPT_SAMPLE_RATE);
  const law = Buffer.alloc(mono.length);
  for (let i = 0; i < mono.length; i++) {
    const s = Math.max(-32768, Math.min(32767, Math.round(mono[i]! * 32768)));
    law[i] = ALAW_ENCODE[s & 0xffff]!;
  }
  return {
    wav: Buffer.concat([wavHeader({ encoding: 'alaw', sampleRate: PROMPT_SAMPLE_RATE, channels: 1 }, law.length), law, law.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]),
    durationMs: Math.round((mono.length * 1000) / PROMPT_SAMPLE_RATE),
    source: { encoding: wav.encoding, sampleRate: wav.sampleRate, channels: wav.channels },
  };
}
