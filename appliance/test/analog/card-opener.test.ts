// openCards: each configured port's echo canceller is started (the config's taps, 128 by
// default, 0 off), and for the dahdi driver the matching system.conf is written first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardError } from '@hotline/drivers';
import { ALAW_DECODE } from '@hotline/media';
import { analogSettings, defaultConfig, type HotlineConfig } from '../../src/config/index.ts';
import { openCards } from '../../src/analog/card-opener.ts';

function settingsOf(analog: HotlineConfig['analog']) {
  const config = defaultConfig();
  config.analog = analog;
  return analogSettings(config)!;
}

/** Mean power (dB re 1) of A-law frames. */
function powerDb(frames: readonly Uint8Array[]): number {
  let sum = 0;
  let n = 0;
  for (const f of frames) for (const b of f) { sum += ALAW_DECODE[b]! ** 2; n++; }
  return 10 * Math.log10(sum / n);
}

test('ports get their echo canceller as configured: default 128 taps cancels the echo, 0 leaves it', async () => {
  const settings = settingsOf({
    cards: [{ name: 'sim1', driver: 'simulator', ports: [{ port: 1, kind: 'FXO' }, { port: 2, kind: 'FXO', echoCancelTaps: 0 }] }],
  });
  const { card, simulator } = await openCards(settings);
  try {
    for (const ch of [1, 2]) simulator!.setEcho(ch, 40, -10);
    // Random A-law codes (loud noise) played on both ports, one frame per frame received.
    let seed = 3;
    const noise = (): Buffer => Buffer.from(Array.from({ length: 160 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16 & 0xff));
    const rx = new Map<number, Buffer[]>([[1, []], [2, []]]);
    card.onFrame((port, f) => { rx.get(port)!.push(Buffer.from(f)); card.writeFrame(port, noise()); });
    card.writeFrame(1, noise());
    card.writeFrame(2, noise());
    const deadline = Date.now() + 30_000;
    while (rx.get(1)!.length < 150 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const tail = (port: number): Buffer[] => rx.get(port)!.slice(100, 150);
    const withEc = powerDb(tail(1));
    const without = powerDb(tail(2));
    assert.ok(without - withEc > 20, `port 1 (128 taps by default) ${withEc.toFixed(1)} dB vs port 2 (0 taps) ${without.toFixed(1)} dB`);
  } finally {
    await card.close();
  }
});

test('driver dahdi: system.conf is written to the given path before the card is opened', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-dahdi-'));
  try {
    const settings = settingsOf({
      toneZone: 'cn',
      cards: [{ name: 'card1', driver: 'dahdi', ports: [{ port: 1, kind: 'FXO' }, { port: 2, kind: 'FXO' }, { port: 3, kind: 'FXS', echoCancelTaps: 0 }] }],
    });
    const path = join(dir, 'dahdi', 'system.conf');
    // No /dev/dahdi on a build machine: the card is missing, the file is still there for the operator.
    await assert.rejects(openCards(settings, undefined, path), (e: unknown) => e instanceof CardError);
    const text = await readFile(path, 'utf8');
    assert.match(text, /^fxoks=3$/m);
    assert.match(text, /^fxsks=1-2$/m);
    assert.match(text, /^echocanceller=mg2,1-2$/m);
    assert.match(text, /^loadzone=cn$/m);
    assert.match(text, /^defaultzone=cn$/m);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
