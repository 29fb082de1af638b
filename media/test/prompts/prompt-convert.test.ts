import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALAW_DECODE, linearToAlaw, linearToUlaw } from '../../src/g711/index.ts';
import { goertzelAmplitude } from '../../src/dtmf/goertzel.ts';
import { WavFormatError, parseWav, wavHeader, WAVE_FORMAT_PCM } from '../../src/wav/index.ts';
import { convertPromptWav, resample, PROMPT_SAMPLE_RATE } from '../../src/prompts/index.ts';

type Enc = 'pcm8' | 'pcm16' | 'pcm24' | 'alaw' | 'ulaw';

/** A WAV file of `seconds` of sines (Hz, amplitude 0..1) at `rate`, the same in every channel. */
function toneWav(encoding: Enc, rate: number, channels: number, seconds: number, tones: Array<[number, number]>): Buffer {
  const frames = Math.round(rate * seconds);
  const bps = { pcm8: 1, pcm16: 2, pcm24: 3, alaw: 1, ulaw: 1 }[encoding];
  const data = Buffer.alloc(frames * channels * bps);
  for (let i = 0; i < frames; i++) {
    let v = 0;
    for (const [hz, a] of tones) v += a * Math.sin((2 * Math.PI * hz * i) / rate);
    for (let c = 0; c < channels; c++) {
      const o = (i * channels + c) * bps;
      const s16 = Math.round(v * 32767);
      switch (encoding) {
        case 'pcm8': data[o] = Math.round(v * 127) + 128; break;
        case 'pcm16': data.writeInt16LE(s16, o); break;
        case 'pcm24': data.writeIntLE(Math.round(v * 8388607), o, 3); break;
        case 'alaw': data[o] = linearToAlaw(s16); break;
        case 'ulaw': data[o] = linearToUlaw(s16); break;
      }
    }
  }
  return Buffer.concat([wavHeader({ encoding, sampleRate: rate, channels }, data.length), data]);
}

/** Decoded samples of a converted prompt, after checking it is 8 kHz mono A-law. */
function promptSamples(wav: Buffer): Int16Array {
  const p = parseWav(wav);
  assert.deepEqual([p.encoding, p.sampleRate, p.channels], ['alaw', PROMPT_SAMPLE_RATE, 1]);
  return Int16Array.from(p.data, (c) => ALAW_DECODE[c]!);
}

/** Amplitude (0..1 of full scale) at `hz`, over the middle of the signal (away from the filter's edges). */
function level(s: Int16Array, hz: number): number {
  return goertzelAmplitude(s, hz, PROMPT_SAMPLE_RATE, 800, s.length - 800) / 32768;
}

test('a 1 kHz tone at 44.1 kHz comes out at 8 kHz with its energy at 1 kHz', () => {
  const out = convertPromptWav(toneWav('pcm16', 44100, 1, 1, [[1000, 0.5]]));
  assert.equal(out.durationMs, 1000);
  assert.deepEqual(out.source, { encoding: 'pcm16', sampleRate: 44100, channels: 1 });
  const s = promptSamples(out.wav);
  assert.equal(s.length, 8000);
  assert.ok(Math.abs(level(s, 1000) - 0.5) < 0.02, `1 kHz amplitude ${level(s, 1000)}`);
  for (const other of [500, 1500, 2000, 3000]) assert.ok(level(s, other) < 0.005, `${other} Hz: ${level(s, other)}`);
});

test('a 6 kHz tone at 44.1 kHz is filtered out instead of folding back to 2 kHz', () => {
  const s = promptSamples(convertPromptWav(toneWav('pcm16', 44100, 1, 1, [[6000, 0.5]])).wav);
  // Without the low-pass, decimation would put it at 8000 - 6000 = 2000 Hz at full level.
  assert.ok(level(s, 2000) < 0.0005, `alias at 2 kHz: ${level(s, 2000)}`);
  let peak = 0;
  for (let i = 800; i < s.length - 800; i++) peak = Math.max(peak, Math.abs(s[i]!));
  assert.ok(peak < 40, `what is left of it is at the level of G.711's own noise (peak ${peak})`);
});

test('a mix keeps the 1 kHz speech-band tone and drops the 6 kHz one', () => {
  const s = promptSamples(convertPromptWav(toneWav('pcm16', 48000, 1, 0.5, [[1000, 0.3], [6000, 0.3]])).wav);
  assert.ok(Math.abs(level(s, 1000) - 0.3) < 0.015);
  assert.ok(level(s, 2000) < 0.0005);
});

for (const [encoding, rate, channels] of [['pcm16', 44101, 1], ['pcm8', 11025, 1], ['pcm24', 96000, 2], ['alaw', 16000, 1], ['ulaw', 8000, 2], ['pcm16', 22050, 2], ['pcm16', 8000, 1]] as const) {
  test(`${encoding} at ${rate} Hz with ${channels} channel(s) converts to 8 kHz mono with the tone intact`, () => {
    const out = convertPromptWav(toneWav(encoding, rate, channels, 0.5, [[800, 0.4]]));
    assert.deepEqual(out.source, { encoding, sampleRate: rate, channels });
    const s = promptSamples(out.wav);
    assert.equal(s.length, 4000);
    assert.ok(Math.abs(level(s, 800) - 0.4) < 0.03, `800 Hz amplitude ${level(s, 800)}`);
  });
}

test('stereo channels are averaged', () => {
  // Left 1 kHz, right silent: mono holds it at half level.
  const rate = 16000;
  const frames = 8000;
  const data = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames; i++) data.writeInt16LE(Math.round(16000 * Math.sin((2 * Math.PI * 1000 * i) / rate)), i * 4);
  const s = promptSamples(convertPromptWav(Buffer.concat([wavHeader({ encoding: 'pcm16', sampleRate: rate, channels: 2 }, data.length), data])).wav);
  assert.ok(Math.abs(level(s, 1000) - 8000 / 32768) < 0.01);
});

test('bad files are refused with a clear WavFormatError', () => {
  const good = toneWav('pcm16', 8000, 1, 0.1, [[1000, 0.5]]);
  const cases: Array<[string, Buffer, string, RegExp]> = [
    ['not a WAV', Buffer.from('ID3 this is an mp3 file, really'), 'malformed', /not a RIFF\/WAVE/],
    ['cut short', good.subarray(0, 30), 'truncated', /./],
    ['data claims more than the file has', good.subarray(0, good.length - 100), 'truncated', /claims/],
    ['empty', Buffer.concat([wavHeader({ encoding: 'pcm16', sampleRate: 8000, channels: 1 }, 0)]), 'unsupported', /no audio/],
    ['too long', toneWav('pcm8', 8000, 1, 3, [[1000, 0.5]]), 'unsupported', /at most 2 s/],
  ];
  // 32-bit float (format tag 3) is not one of the accepted encodings.
  const float = Buffer.from(good);
  float.writeUInt16LE(3, 20);
  float.writeUInt16LE(32, 34);
  cases.push(['32-bit float', float, 'unsupported', /format tag 3/]);
  const pcm12 = Buffer.from(good);
  pcm12.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  pcm12.writeUInt16LE(12, 34);
  cases.push(['12-bit PCM', pcm12, 'unsupported', /12-bit/]);
  for (const [what, buf, kind, message] of cases) {
    assert.throws(() => convertPromptWav(buf, { maxSeconds: 2 }), (e: unknown) => e instanceof WavFormatError && e.kind === kind && message.test(e.message), what);
  }
});

test('resample keeps a DC level and the requested length, both ways', () => {
  const dc = new Float32Array(4410).fill(0.25);
  const down = resample(dc, 44100, 8000);
  assert.equal(down.length, 800);
  assert.ok(Math.abs(down[400]! - 0.25) < 1e-3);
  const up = resample(new Float32Array(600).fill(0.25), 6000, 8000);
  assert.equal(up.length, 800);
  assert.ok(Math.abs(up[400]! - 0.25) < 1e-3);
  assert.throws(() => resample(dc, 0, 8000), RangeError);
});
