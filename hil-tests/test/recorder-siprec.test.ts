// The recorder against SIPREC clients over real UDP: a scripted SRC with two parties each
// playing its own tone, the file checked with sox; kill -9 mid-call and repair; the disk
// watermark refusing new sessions with 503 while the service keeps running.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import { startRecorder, type HilRecorder } from '../src/recorder.ts';
import { SiprecClient, playTones, until } from '../src/siprec-client.ts';
import { soxChannelFrequency, soxChannelRms, soxChannels, soxDuration } from '../src/sox.ts';

const running: HilRecorder[] = [];
after(async () => { for (const r of running) await r.stop(); });

const PARTIES = [
  { label: '1', aor: 'sip:13800138000@pstn', name: '13800138000', role: 'caller' },
  { label: '2', aor: 'sip:8001@hotline', name: '8001', role: 'agent' },
];

test('records a two-party SIPREC session into one two-channel WAV, each party on its own channel, indexed with checksum', async () => {
  const rec = await startRecorder();
  running.push(rec);
  const c = await SiprecClient.open({ host: '127.0.0.1', port: rec.sipPort });
  try {
    const r = await c.invite({ parties: PARTIES, hotline: { callId: 'call-1@pbx', direction: 'inbound', queue: 'repairs', agent: '8001' } });
    assert.equal(r.status, 200, r.raw);
    assert.match(r.raw, /Contact: <sip:[^>]+>;\+sip\.srs/);
    assert.match(r.body, /a=label:1\r\na=recvonly/);
    assert.match(r.body, /a=label:2\r\na=recvonly/);
    assert.equal(c.ports.filter((p) => p > 0).length, 2);
    const live = await rec.status();
    assert.equal(live.sessionsActive, 1);
    assert.deepEqual(live.recordings[0]!.streams.map((s) => s.party), ['13800138000', '8001']);
    await playTones(c, 3);
    assert.equal((await c.bye()).status, 200);
  } finally {
    c.close();
  }
  const row = await until('the index row', () => rec.recordings().find((x) => x.state === 'closed'));
  const file = join(rec.recordingsDir, row.path);
  assert.match(row.path, /^\d{4}\/\d{2}\/\d{2}\/[^/]+\.wav$/);
  assert.equal(row.callId, 'call-1@pbx');
  assert.equal(row.agent, '8001');
  assert.equal(row.queue, 'repairs');
  assert.equal(row.direction, 'inbound');
  assert.equal(row.codec, 'PCMU');
  assert.deepEqual(row.parties.map((p) => [p.channel, p.name, p.role]), [[0, '13800138000', 'caller'], [1, '8001', 'agent']]);
  assert.match(row.sha256 ?? '', /^[0-9a-f]{64}$/);
  assert.equal(soxChannels(file), 2);
  const duration = soxDuration(file);
  assert.ok(Math.abs(duration - 3) <= 0.5, `duration ${duration} s, sent 3 s`);
  assert.ok(Math.abs(row.durationMs! / 1000 - duration) < 0.01);
  // Channel 1 carries the 0.5 FS tone, channel 2 the 0.25 FS one: each party on its own channel.
  const rms1 = soxChannelRms(file, 1);
  const rms2 = soxChannelRms(file, 2);
  assert.ok(rms1 > 0.3 && rms1 < 0.4, `channel 1 RMS ${rms1}`);
  assert.ok(rms2 > 0.15 && rms2 < 0.2, `channel 2 RMS ${rms2}`);
  assert.ok(Math.abs(soxChannelFrequency(file, 1) - 440) < 40, 'channel 1 is the 440 Hz party');
  assert.ok(Math.abs(soxChannelFrequency(file, 2) - 1000) < 80, 'channel 2 is the 1000 Hz party');
  const st = await rec.status();
  assert.equal(st.sessionsActive, 0);
  assert.equal(st.lastFileClosed?.id, row.id);
  assert.ok(st.bytesWritten >= 2 * 8000 * 2.5);
});

test('refuses an INVITE that is not a recording session (no +sip.src) with 488 and a reason', async () => {
  const rec = running[0] ?? (await startRecorder());
  if (!running.includes(rec)) running.push(rec);
  const c = await SiprecClient.open({ host: '127.0.0.1', port: rec.sipPort });
  try {
    const r = await c.invite({ parties: PARTIES, contactFeature: false });
    assert.equal(r.status, 488);
    assert.match(r.raw, /Warning: 399 hotline-recorder "not a recording session/);
  } finally {
    c.close();
  }
});

test('kill -9 mid-call: at restart the file is repaired, indexed as recovered, within 1 s of what was sent', async () => {
  const rec = await startRecorder();
  running.push(rec);
  const c = await SiprecClient.open({ host: '127.0.0.1', port: rec.sipPort });
  try {
    assert.equal((await c.invite({ parties: PARTIES })).status, 200);
    await playTones(c, 4);
    await rec.kill();
  } finally {
    c.close();
  }
  const active = rec.recordings();
  assert.equal(active.length, 1);
  assert.equal(active[0]!.state, 'active');
  await rec.restart();
  const row = await until('the recovered row', () => rec.recordings().find((x) => x.state === 'recovered'));
  const file = join(rec.recordingsDir, row.path);
  const duration = soxDuration(file);
  assert.ok(Math.abs(duration - 4) <= 1, `repaired duration ${duration} s, sent 4 s`);
  assert.ok(soxChannelRms(file, 1) > 0.3);
  assert.match(row.sha256 ?? '', /^[0-9a-f]{64}$/);
  assert.equal((await rec.status()).recordingsRecovered, 1);
});

test('above the disk watermark a new session is refused with 503 and the service keeps running and says why', async () => {
  const s = statfsSync(tmpdirOf());
  const used = Math.ceil(((s.blocks - s.bfree) * 100) / (s.blocks - s.bfree + s.bavail));
  // A watermark at (or below) current use: the disk counts as full for the recorder.
  const rec = await startRecorder({ HOTLINE_RECORDER_REFUSE_PERCENT: String(Math.max(1, used - 1)), HOTLINE_RECORDER_ALARM_PERCENTS: '1' });
  running.push(rec);
  const c = await SiprecClient.open({ host: '127.0.0.1', port: rec.sipPort });
  try {
    const r = await c.invite({ parties: PARTIES });
    assert.equal(r.status, 503, r.raw);
    assert.match(r.raw, /Retry-After: 60/);
    assert.match(r.raw, /disk \d+% full/);
  } finally {
    c.close();
  }
  const st = await rec.status();
  assert.equal(st.disk.refusing, true);
  assert.equal(st.sessionsActive, 0);
  assert.ok(st.alarms.some((a) => a.id === 'recorder-disk-full' && a.text.zh.includes('录音磁盘')));
  assert.equal(st.counters.refusedDisk, 1);
  assert.ok(rec.proc.running());
});

function tmpdirOf(): string {
  return process.env.TMPDIR ?? '/tmp';
}
