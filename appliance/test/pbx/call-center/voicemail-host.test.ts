import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWav } from '@hotline/media';
import type { VoicemailBoxSettings } from '../../../src/config/index.ts';
import type { VoicemailMessageRow } from '../../../src/records/index.ts';
import { FakeClock } from '../../../src/sip/clock.ts';
import { PromptSet, VoicemailHost, installDefaultPrompts, type RtpCapture } from '../../../src/pbx/call-center/index.ts';
import type { Call } from '../../../src/pbx/call.ts';
import type { CallHost } from '../../../src/pbx/call-host.ts';
import { FakeMediaAnchor } from '../fake-media.ts';

/** The parts of a Call the host uses (already answered by the call center). */
function fakeCall(caller: string, sessionId: string) {
  const call = {
    caller, callId: `call-${caller}`, state: 'answered' as string, hungUp: 0,
    media: { session: { sessionId } },
    hangup: () => { call.hungUp++; call.state = 'ended'; },
  };
  return call;
}

const BOX: VoicemailBoxSettings = { box: '800', name: 'After hours', owners: [], greeting: 'voicemail-greeting', maxMessageSec: 30 };

function setup(dir: string, audioBytes: number) {
  installDefaultPrompts(join(dir, 'prompts'));
  const plays: Array<{ prompts: string[]; playId: number }> = [];
  const forks: unknown[] = [];
  const media = Object.assign(new FakeMediaAnchor(), {
    play: (_s: string, _leg: 'a' | 'b', prompts: string[], playId: number) => void plays.push({ prompts, playId }),
    fork: (_s: string, targets: unknown) => void forks.push(targets),
  });
  const passed: string[] = [];
  const inner: CallHost = { accept: (_c, d) => void passed.push(d.kind), onMediaEvent: (e) => void passed.push(e.type), ended: () => void passed.push('ended') };
  let closed = 0;
  const capture: RtpCapture = { address: '127.0.0.1', port: 40000, take: () => Buffer.alloc(audioBytes, 0x55), close: () => void closed++ };
  const rows: VoicemailMessageRow[] = [];
  const clock = new FakeClock();
  const host = new VoicemailHost(inner, {
    clock, media, prompts: new PromptSet(join(dir, 'prompts'), 'en'), folder: join(dir, 'voicemail'),
    boxes: () => [BOX], save: (r) => rows.push(r), openCapture: async () => capture,
  });
  const finish = (sessionId: string) => host.onMediaEvent({ type: 'prompt-finished', sessionId, leg: 'a', playId: plays.at(-1)!.playId });
  const key = (sessionId: string, digit: string) => host.onMediaEvent({ type: 'dtmf', sessionId, leg: 'a', digit, durationMs: 100 });
  return { host, plays, forks, passed, rows, clock, finish, key, closed: () => closed };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

test('greeting and beep, the fork during the message, # stores an A-law WAV and its row, then the PBX hangs up', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vm-host-'));
  try {
    const s = setup(dir, 16000);
    const call = fakeCall('13800001111', 's1');
    assert.equal(s.host.take(call as unknown as Call, '800', 'main:9'), true);
    await settle();
    assert.deepEqual(s.plays[0]!.prompts.map((p) => p.split('/').slice(-2).join('/')), ['en/voicemail-greeting.wav', 'en/beep.wav']);
    s.key('s1', '#');
    assert.deepEqual(s.forks, [], 'a key during the greeting starts nothing');
    s.finish('s1');
    assert.deepEqual(s.forks, [{ a: { address: '127.0.0.1', port: 40000, law: 'PCMA', payloadType: 8 } }]);
    s.key('s1', '#');
    assert.deepEqual(s.forks.at(-1), { a: null });
    assert.equal(call.hungUp, 1);
    assert.equal(s.rows.length, 1);
    const row = s.rows[0]!;
    assert.deepEqual({ ...row, path: undefined }, { box: '800', caller: '13800001111', digits: 'main:9', callId: 'call-13800001111', receivedAt: row.receivedAt, durationMs: 2000, path: undefined });
    const wav = parseWav(readFileSync(join(dir, 'voicemail', row.path)));
    assert.deepEqual([wav.encoding, wav.sampleRate, wav.dataLength], ['alaw', 8000, 16000]);
    assert.deepEqual(readdirSync(join(dir, 'voicemail', '800')).filter((f) => f.startsWith('.')), [], 'no temporary file left');
    s.host.ended(call as unknown as Call);
    assert.equal(s.closed(), 1);
    assert.deepEqual(s.passed, ['ended'], 'the call center forgets the call too');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a hang-up while speaking keeps the message without a second hang-up; a short one leaves no row and no file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vm-host-'));
  try {
    const long = setup(dir, 24000);
    const a = fakeCall('1', 's2');
    long.host.take(a as unknown as Call, '800', '');
    await settle();
    long.finish('s2');
    a.state = 'ended';
    long.host.ended(a as unknown as Call);
    assert.equal(a.hungUp, 0);
    assert.equal(long.rows.length, 1);
    assert.equal(long.rows[0]!.durationMs, 3000);

    const short = setup(join(dir, 'b'), 2400); // 0.3 s
    const b = fakeCall('2', 's3');
    short.host.take(b as unknown as Call, '800', '');
    await settle();
    short.finish('s3');
    b.state = 'ended';
    short.host.ended(b as unknown as Call);
    assert.equal(short.rows.length, 0);
    assert.deepEqual(readdirSync(join(dir, 'b')).filter((f) => f === 'voicemail'), [], 'nothing written');
    assert.equal(short.host.counters.discarded, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the length limit ends the message; an unknown box is refused (the call center keeps the caller); other events pass through', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vm-host-'));
  try {
    const s = setup(dir, 8000 * 30);
    const call = fakeCall('3', 's4');
    assert.equal(s.host.take(fakeCall('4', 's5') as unknown as Call, '999', ''), false);
    s.host.take(call as unknown as Call, '800', '');
    await settle();
    s.finish('s4');
    s.clock.advance(30_000);
    assert.equal(call.hungUp, 1);
    assert.equal(s.rows[0]!.durationMs, 30_000);
    s.host.onMediaEvent({ type: 'dtmf', sessionId: 'other', leg: 'a', digit: '1', durationMs: 80 });
    s.host.accept(fakeCall('5', 's6') as unknown as Call, { kind: 'queue', name: 'repair' });
    assert.deepEqual(s.passed, ['dtmf', 'queue']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
