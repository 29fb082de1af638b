// Live listen decoding in the browser's code (mgmt-ui/src/lib/live-audio.ts): a frame built by
// the recorder's encoder decodes to the same samples media's G.711 decoder gives, in either law,
// and the meter counts samples and measures a tone's level per channel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearToAlaw, linearToUlaw } from '@hotline/media';
import { encodeLiveFrame, LiveFrameError } from '@hotline/appliance/recorder';
import { decodeLiveMessage, LiveMeter } from '../src/lib/live-audio.ts';

const tone = (hz: number, amp: number, n: number, from = 0) => Array.from({ length: n }, (_, i) => Math.round(amp * 32767 * Math.sin((2 * Math.PI * hz * (from + i)) / 8000)));

test('a recorder frame decodes to linear samples in either law', () => {
  for (const [law, enc] of [['PCMU', linearToUlaw], ['PCMA', linearToAlaw]] as const) {
    const lin = tone(1000, 0.5, 160);
    const g711 = Uint8Array.from(lin.map(enc));
    const f = decodeLiveMessage(encodeLiveFrame(1, law, 40, g711, 0, 160).slice().buffer);
    assert.deepEqual([f.channel, f.atMs, f.samples.length], [1, 40, 160]);
    // G.711 is lossy: within its quantisation step (≤ 1/16 of the value plus a small floor).
    lin.forEach((v, i) => assert.ok(Math.abs(f.samples[i]! * 32768 - v) <= Math.abs(v) / 16 + 40, `${law} sample ${i}: ${f.samples[i]! * 32768} vs ${v}`));
  }
  assert.throws(() => decodeLiveMessage(new Uint8Array([1, 0, 0])), LiveFrameError);
});

test('the meter counts decoded samples per channel and gives each party\'s level', () => {
  const m = new LiveMeter();
  for (let k = 0; k < 50; k++) {
    m.add(decodeLiveMessage(encodeLiveFrame(0, 'PCMU', k * 20, Uint8Array.from(tone(1000, 0.5, 160, k * 160).map(linearToUlaw)), 0, 160)));
    m.add(decodeLiveMessage(encodeLiveFrame(1, 'PCMU', k * 20, Uint8Array.from(tone(440, 0.25, 160, k * 160).map(linearToUlaw)), 0, 160)));
  }
  assert.deepEqual(m.samples, [8000, 8000]);
  // A sine's RMS is amplitude / √2.
  assert.ok(Math.abs(m.rms[0]! - 0.5 / Math.SQRT2) < 0.02, `channel 0 rms ${m.rms[0]}`);
  assert.ok(Math.abs(m.rms[1]! - 0.25 / Math.SQRT2) < 0.02, `channel 1 rms ${m.rms[1]}`);
});
