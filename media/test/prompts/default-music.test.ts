import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DefaultMusic, DtmfDetector, ULAW_DECODE, ALAW_DECODE } from '../../src/index.ts';

function decode(frame: Buffer, table: Int16Array): Int16Array {
  const out = new Int16Array(frame.length);
  for (let i = 0; i < frame.length; i++) out[i] = table[frame[i]!]!;
  return out;
}

test('the built-in music on hold is audible, in either law, and reuses one frame buffer', () => {
  for (const [law, table] of [['pcmu', ULAW_DECODE], ['pcma', ALAW_DECODE]] as const) {
    const m = new DefaultMusic(law);
    const first = m.next();
    let energy = 0;
    for (let f = 0; f < 100; f++) {
      const frame = m.next();
      assert.equal(frame, first, 'same buffer every frame');
      for (const s of decode(frame, table)) energy += s * s;
    }
    const rms = Math.sqrt(energy / (100 * 160));
    assert.ok(rms > 500 && rms < 4000, `${law}: rms ${rms.toFixed(0)} is soft but audible`);
  }
});

test('the built-in music never looks like a DTMF digit (a caller on hold must not trigger the IVR)', () => {
  const m = new DefaultMusic('pcmu');
  const detector = new DtmfDetector();
  let digits = 0;
  for (let f = 0; f < 50 * 30; f++) digits += detector.process(decode(m.next(), ULAW_DECODE)).filter((e) => e.type === 'begin').length;
  assert.equal(digits, 0);
});
