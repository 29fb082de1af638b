// The PBX as SIPREC client against the real recorder (issue 7): a call between two sipp
// phones streaming known tones is recorded into one two-channel file (caller, callee),
// checked with sox; a recorder that refuses leaves the call going and raises an alarm.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readWavFile } from '@hotline/media';
import { ControlClient, ControlRequestError } from '@hotline/appliance/control';
import { freePort } from '../src/ports.ts';
import { runSipp, scenario } from '../src/sipp.ts';
import { toneCall } from '../src/tone-call.ts';
import { startPbx, type HilPbx } from '../src/pbx.ts';
import { startRecorder, type HilRecorder } from '../src/recorder.ts';
import { until } from '../src/siprec-client.ts';
import { soxChannelFrequency, soxChannelRms, soxChannels, soxDuration } from '../src/sox.ts';

const CALLER = { number: '1001', secret: 'caller-secret-1001' };
const CALLEE = { number: '1002', secret: 'callee-secret-1002' };
const cleanup: Array<() => Promise<void>> = [];
after(async () => { for (const c of cleanup.reverse()) await c(); });

async function pbxRecordingTo(rec: HilRecorder, extra: Record<string, unknown> = {}): Promise<HilPbx> {
  const pbx = await startPbx({
    extensions: [CALLER, CALLEE], authFailureLimit: 50,
    configure: (draft) => { draft.recording = { recorder: { host: '127.0.0.1', port: rec.sipPort }, ...extra }; },
  });
  cleanup.push(() => pbx.stop());
  return pbx;
}

/** One call 1001 → 1002: the caller plays 1 kHz, the callee 440 Hz, 2 s each; BYE after 2.5 s. */
function call(pbx: HilPbx, callerLaw: 'PCMU' | 'PCMA' = 'PCMU'): Promise<void> {
  return toneCall(pbx, { caller: CALLER, callee: CALLEE, callerLaw });
}

test('an answered call is recorded over SIPREC: one file, caller on channel 1, callee on channel 2, checked with sox', async () => {
  const rec = await startRecorder();
  cleanup.push(() => rec.stop());
  const pbx = await pbxRecordingTo(rec);
  await call(pbx);
  const row = await until('the closed recording', () => rec.recordings().find((r) => r.state === 'closed'), 15_000);
  assert.deepEqual(row.parties.map((p) => [p.label, p.role, p.aor?.replace(/@.*/, '')]), [['1', 'caller', 'sip:1001'], ['2', 'callee', 'sip:1002']]);
  assert.equal(row.direction, 'internal');
  assert.match(row.callId, /.+/);
  const file = join(rec.recordingsDir, row.path);
  assert.equal(soxChannels(file), 2);
  const d = soxDuration(file);
  assert.ok(Math.abs(d - 2) <= 0.5, `recorded ${d} s of a call with 2 s of audio each way`);
  assert.ok(soxChannelRms(file, 1) > 0.3, 'caller channel has the 0.5 FS tone');
  assert.ok(soxChannelRms(file, 2) > 0.13 && soxChannelRms(file, 2) < 0.2, 'callee channel has the 0.25 FS tone');
  assert.ok(Math.abs(soxChannelFrequency(file, 1) - 1000) < 80);
  assert.ok(Math.abs(soxChannelFrequency(file, 2) - 440) < 40);
  const st = await pbx.status();
  assert.equal(st.recording?.state, 'up');
  assert.equal(st.recording?.counters.accepted, 1);
});

test('an A-law caller and a µ-law callee: both recorded in the caller\'s law, the callee\'s copy transcoded by the PBX', async () => {
  const rec = await startRecorder();
  cleanup.push(() => rec.stop());
  const pbx = await pbxRecordingTo(rec);
  await call(pbx, 'PCMA');
  const row = await until('the closed recording', () => rec.recordings().find((r) => r.state === 'closed'), 15_000);
  assert.equal(row.codec, 'PCMA');
  const file = join(rec.recordingsDir, row.path);
  assert.equal(soxChannels(file), 2);
  assert.ok(soxChannelRms(file, 1) > 0.3);
  assert.ok(soxChannelRms(file, 2) > 0.13 && soxChannelRms(file, 2) < 0.2, 'the µ-law callee is in the A-law file');
  assert.ok(Math.abs(soxChannelFrequency(file, 2) - 440) < 40);
});

test('a recorder that refuses (disk watermark) does not fail the call: its OPTIONS answer 503 raises the alarm, and the call completes', async () => {
  const rec = await startRecorder({ HOTLINE_RECORDER_REFUSE_PERCENT: '1' });
  cleanup.push(() => rec.stop());
  const pbx = await pbxRecordingTo(rec);
  await call(pbx);
  const st = await until('the alarm', async () => {
    const s = await pbx.status();
    return s.recording?.state === 'down' ? s : undefined;
  });
  assert.match(st.recording!.lastError ?? '', /503/);
  const alarm = st.alarms?.find((a) => a.id === 'recorder-unreachable');
  assert.ok(alarm, JSON.stringify(st.alarms));
  assert.match(alarm.text.zh, /通话未录音/);
  const cdr = (await pbx.cdr()).at(-1)!;
  assert.equal(cdr.disposition, 'answered');
});

test('recorder down (nothing listening): the OPTIONS probe raises the alarm within seconds (not after Timer B\'s 32 s), and calls go on', async () => {
  const rec = await startRecorder();
  await rec.stop(); // its port is now closed: neither probe nor INVITE gets an answer
  const pbx = await pbxRecordingTo(rec);
  const st = await until('the alarm', async () => {
    const s = await pbx.status();
    return s.recording?.state === 'down' ? s : undefined;
  }, 10_000);
  assert.match(st.recording!.lastError ?? '', /no answer to OPTIONS within 2 s/);
  assert.ok(st.alarms?.some((a) => a.id === 'recorder-unreachable'));
  const started = Date.now();
  await call(pbx);
  assert.ok(Date.now() - started < 15_000, 'the call was not held up by the missing recorder');
  assert.equal((await pbx.cdr()).at(-1)!.disposition, 'answered');
});

test('with requireRecorder, once the recorder is known down, calls that must be recorded are refused with 503', async () => {
  const rec = await startRecorder({ HOTLINE_RECORDER_REFUSE_PERCENT: '1' });
  cleanup.push(() => rec.stop());
  const pbx = await pbxRecordingTo(rec, { requireRecorder: true });
  // The probe finds out the recorder refuses (OPTIONS 503) before any call needs it.
  await until('recorder down', async () => ((await pbx.status()).recording?.state === 'down' ? true : undefined));
  const target = `127.0.0.1:${pbx.sipPort}`;
  const r = await runSipp({
    scenarioFile: scenario('uac-busy'), remote: target, service: CALLEE.number, timeoutSec: 10, localPort: await freePort(), allowFailure: true,
    auth: { username: CALLER.number, password: CALLER.secret }, authUri: `${CALLEE.number}@${target}`, vars: { caller: CALLER.number, rtp_port: 40000 },
  });
  const cdr = (await pbx.cdr()).at(-1)!;
  assert.equal(cdr.sipCode, 503, `sipp: ${r.stats.successful} ok, ${r.stats.failed} failed`);
});

/** Longest run of µ-law silence (0xFF) in a channel of a WAV, in seconds. */
function longestSilence(path: string, channel: number): number {
  const w = readWavFile(path);
  let run = 0;
  let best = 0;
  for (let i = channel; i < w.dataLength; i += w.channels) {
    if (w.data[i] === 0xff) { run++; if (run > best) best = run; } else run = 0;
  }
  return best / 8000;
}

test('on demand: a call the policy leaves to on-demand is recorded from the API, paused around a card number and resumed', async () => {
  const rec = await startRecorder();
  cleanup.push(() => rec.stop());
  const pbx = await pbxRecordingTo(rec, { default: 'on-demand' });
  const control = new ControlClient(join(pbx.dataDir, 'run', 'pbx.sock'));
  const done = call(pbx);
  const callId = await until('the answered call', async () => (await pbx.status()).activeCalls.find((c) => c.state === 'answered')?.callId, 8000);
  assert.deepEqual(await control.call('POST', '/v1/recording', { callId, action: 'start' }), { callId, recording: 'started' });
  await until('recording up', async () => ((await pbx.status()).recording?.counters.accepted === 1 ? true : undefined), 5000);
  await assert.rejects(control.call('POST', '/v1/recording', { callId, action: 'start' }), (e: unknown) => e instanceof ControlRequestError && e.status === 400 && /already being recorded/.test(e.message));
  // The caller's audio lasts 2 s from the answer: pause early and briefly so the resume
  // lands inside it even on a loaded machine.
  await new Promise((r) => setTimeout(r, 150));
  assert.deepEqual(await control.call('POST', '/v1/recording', { callId, action: 'pause' }), { callId, recording: 'paused' });
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(await control.call('POST', '/v1/recording', { callId, action: 'resume' }), { callId, recording: 'resumed' });
  await done;
  await assert.rejects(control.call('POST', '/v1/recording', { callId: 'nope', action: 'pause' }), (e: unknown) => e instanceof ControlRequestError && e.status === 400);
  const row = await until('the closed recording', () => rec.recordings().find((r) => r.state === 'closed'), 15_000);
  assert.equal(row.pauses.length, 1, 'the index marks the pause');
  const file = join(rec.recordingsDir, row.path);
  assert.equal(soxChannels(file), 2);
  for (const ch of [0, 1]) {
    const gap = longestSilence(file, ch);
    assert.ok(gap > 0.3 && gap < 1.1, `channel ${ch + 1}: the pause left ${gap.toFixed(2)} s of silence (paused about 0.5 s)`);
  }
  assert.ok(soxChannelRms(file, 1) > 0.1, 'audio before and after the pause');
});
