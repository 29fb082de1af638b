// Turning a prompt WAV into G.711 of the call's law, once, at load time.
// Resampling is deliberately absent: prompts are converted to 8 kHz by sox when
// they are uploaded, so a prompt at another rate is a configuration error to report.
import { ALAW_TO_ULAW, ULAW_TO_ALAW, encodeTable, type G711Law } from '../g711/g711.ts';
import { WavFormatError, type WavInfo } from '../wav/wav-format.ts';

/** Sample rate every prompt must have (G.711, RFC 3551 §4.5.14). */
export const PROMPT_SAMPLE_RATE = 8000;

/**
 * Converts a parsed prompt WAV to `law` bytes (one per sample). Accepts 8 kHz mono
 * PCM16, A-law or µ-law; throws {@link WavFormatError} 'unsupported' otherwise.
 */
export function promptToLaw(wav: WavInfo, law: G711Law, source?: string): Buffer {
  if (wav.sampleRate !== PROMPT_SAMPLE_RATE) {
    throw new WavFormatError('unsupported', `prompt is ${wav.sampleRate} Hz; prompts must be 8 kHz (convert with sox at upload, e.g. sox in.wav -r 8000 -c 1 out.wav)`, source);
  }
  if (wav.channels !== 1) {
    throw new WavFormatError('unsupported', `prompt has ${wav.channels} channels; prompts must be mono`, source);
  }
  if (wav.encoding === 'pcm8' || wav.encoding === 'pcm24') {
    throw new WavFormatError('unsupported', `prompt is ${wav.encoding}; prompts must be 16-bit PCM, A-law or µ-law (upload converts them)`, source);
  }
  const d = wav.data;
  if (wav.encoding === 'pcm16') {
    const n = d.length >> 1;
    const out = Buffer.alloc(n);
    const enc = encodeTable(law);
    for (let i = 0; i < n; i++) out[i] = enc[d.readUInt16LE(2 * i)]!;
    return out;
  }
  const same = (wav.encoding === 'ulaw') === (law === 'pcmu');
  if (same) return Buffer.from(d); // own copy: the file buffer is not kept
  const table = law === 'pcmu' ? ALAW_TO_ULAW : ULAW_TO_ALAW;
  const out = Buffer.alloc(d.length);
  for (let i = 0; i < d.length; i++) out[i] = table[d[i]!]!;
  return out;
}
