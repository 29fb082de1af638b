import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWav } from '@hotline/media';
import { FakeClock } from '../../../src/sip/clock.ts';
import { PromptRecordingHost, PromptSet, installDefaultPrompts, type RtpCapture } from '../../../src/pbx/call-center/index.ts';
import type { Call } from '../../../src/pbx/call.ts';
import type { CallHost, HostedDecision } from '../../../src/pbx/call-host.ts';
import type { MediaEvent } from '../../../src/pbx/media-anchor.ts';
import { FakeMediaAnchor } from '../fake-media.ts';

/** The parts of a Call the host uses. */
function fakeCall(caller: string, sessionId: string) {
  const call = {
    caller, callId: `call-${caller}`, state: 'ringing' as string, hungUp: false,
    media: { session: { sessionId } },
    answerHere: async () => { call.state = 'answered'; return true; },
    hangup: () => { call.hungUp = true; },
  };
  return call;
}

function setup(dir: string) {
  installDefaultPrompts(dir);
  const plays: Array<{ sessionId: string; prompts: string[]; playId: number }> = [];
  const forks: unknown[] = [];
  const stops: boolean[] = [];
  const media = Object.assign(new FakeMediaAnchor(), {
    play: (sessionId: string, _leg: 'a' | 'b', prompts: string[], playId: number) => void plays.push({ sessionId, prompts, playId }),
    fork: (_s: string, targets: unknown) => void forks.push(targets),
    // Cutting a prompt (barge-in) is "music on hold off" on the relay.
    setMusicOnHold: (_s: string, _leg: 'a' | 'b', on: boolean) => void stops.push(on),
  });
  const passed: string[] = [];
  const inner: CallHost = { accept: (_c, d) => void passed.push(d.kind), onMediaEvent: (e) => void passed.push(e.type), ended: () => void passed.push('ended') };
  let closed = 0;
  const capture: RtpCapture = { address: '127.0.0.1', port: 40000, take: () => Buffer.alloc(8000, 0x55), close: () => void closed++ };
  const host = new PromptRecordingHost(inner, { clock: new FakeClock(), media, prompts: new PromptSet(dir, 'en'), openCapture: async () => capture }, () => ['2001']);
  const finish = (sessionId: string) => host.onMediaEvent({ type: 'prompt-finished', sessionId, leg: 'a', playId: plays.at(-1)!.playId });
  const key = (sessionId: string, digit: string) => host.onMediaEvent({ type: 'dtmf', sessionId, leg: 'a', digit, durationMs: 100 });
  return { host, plays, forks, stops, passed, finish, key, closed: () => closed };
}

const record = (n: string): HostedDecision => ({ kind: 'feature', code: { kind: 'record-prompt', prompt: `rec-${n}` } });
const settle = () => new Promise((r) => setTimeout(r, 10));

test('beep, #, review, 1: the take is stored as the prompt and the call ends; the fork stops after the take', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rec-host-'));
  try {
    const s = setup(dir);
    const call = fakeCall('2001', 's1');
    s.host.accept(call as unknown as Call, record('7'));
    await settle();
    assert.deepEqual(s.plays[0]!.prompts.map((p) => p.split('/').slice(-2).join('/')), ['en/record-after-beep.wav', 'en/beep.wav']);
    s.finish('s1');
    assert.deepEqual(s.forks, [{ a: { address: '127.0.0.1', port: 40000, law: 'PCMA', payloadType: 8 } }]);
    s.key('s1', '#');
    assert.deepEqual(s.forks.at(-1), { a: null });
    assert.match(s.plays.at(-1)!.prompts[0]!, /\.take-s1-1\.wav$/, 'the take is played back first');
    s.key('s1', '1');
    assert.deepEqual(s.stops, [false], 'the key cut the playback');
    s.finish('s1');
    assert.ok(call.hungUp);
    const wav = parseWav(readFileSync(join(dir, 'rec-7.wav')));
    assert.deepEqual([wav.encoding, wav.sampleRate, wav.dataLength], ['alaw', 8000, 8000]);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), [], 'no take or temporary file left');
    s.host.ended(call as unknown as Call);
    assert.equal(s.closed(), 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hanging up during the review keeps nothing and removes the take', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rec-host-'));
  try {
    const s = setup(dir);
    const call = fakeCall('2001', 's2');
    s.host.accept(call as unknown as Call, record('8'));
    await settle();
    s.finish('s2');
    s.key('s2', '#');
    assert.equal(readdirSync(dir).filter((f) => f.startsWith('.take')).length, 1);
    s.host.ended(call as unknown as Call);
    assert.equal(existsSync(join(dir, 'rec-8.wav')), false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an extension not allowed hears feature-failed and is hung up on, with no capture; other calls and events pass through', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rec-host-'));
  try {
    const s = setup(dir);
    const call = fakeCall('2002', 's3');
    s.host.accept(call as unknown as Call, record('9'));
    await settle();
    assert.match(s.plays[0]!.prompts[0]!, /feature-failed\.wav$/);
    s.key('s3', '#');
    assert.deepEqual(s.forks, [], 'digits from a refused caller start nothing');
    s.finish('s3');
    assert.ok(call.hungUp);
    s.host.accept(fakeCall('2003', 's4') as unknown as Call, { kind: 'queue', name: 'repair' });
    s.host.onMediaEvent({ type: 'dtmf', sessionId: 'other', leg: 'a', digit: '1', durationMs: 80 } as MediaEvent);
    s.host.ended(fakeCall('2004', 's5') as unknown as Call);
    assert.deepEqual(s.passed, ['queue', 'dtmf', 'ended']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
