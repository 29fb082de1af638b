// The PBX's recording policy against the real recorder process (issue 7): a call from a SIP
// trunk recorded with its trunk in the index; a queue call with queue and agent; *41/*43/*44
// keyed in a call (RFC 4733 events inside sipp's audio) giving a file whose paused part has no
// tone energy (sox) at the place the index marks; the recorder killed: the OPTIONS probe raises
// the alarm within seconds, calls go on unrecorded, and recording resumes when it is back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlClient } from '@hotline/appliance/control';
import type { StoredRecording } from '@hotline/appliance/records';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound, type SippProcess } from '../src/sipp.ts';
import { startPbx, type HilPbx } from '../src/pbx.ts';
import { startRecorder, type HilRecorder } from '../src/recorder.ts';
import { agentPhone } from '../src/acd-phones.ts';
import { until } from '../src/siprec-client.ts';
import { soxChannelFrequency, soxChannelRms, soxChannels, soxDuration } from '../src/sox.ts';

const CALLER = { number: '1001', secret: 'caller-secret-1001' };
const CALLEE = { number: '1002', secret: 'callee-secret-1002' };
const AGENT_PHONE = { number: '1003', secret: 'agent-secret-1003' };
const logs = mkdtempSync(join(tmpdir(), 'hil-rec-policy-'));
const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  rmSync(logs, { recursive: true, force: true });
});

let rec: HilRecorder;
let pbx: HilPbx;
/** Source ports of the two carriers: calls from them are calls from those trunks. */
let carrierA: number;
let carrierB: number;

before(async () => {
  rec = await startRecorder();
  cleanup.push(() => rec.stop());
  [carrierA, carrierB] = [await freePort(), await freePort()];
  pbx = await startPbx({
    extensions: [CALLER, CALLEE, AGENT_PHONE], authFailureLimit: 50,
    trunks: [{ name: 'carrier-a', host: '127.0.0.1', port: carrierA }, { name: 'carrier-b', host: '127.0.0.1', port: carrierB }],
    configure: (d) => {
      d.acd = { queues: [{ name: 'complaints', ringTimeoutSec: 10, wrapUpSec: 1 }], agents: [{ number: '8001', queues: [{ queue: 'complaints' }] }], screenPopLeadMs: 0 } as typeof d.acd;
      d.routes = {
        inbound: [
          { name: 'did-main', did: '95598', destination: { kind: 'extension', number: CALLEE.number } },
          { name: 'did-complaints', did: '95590', destination: { kind: 'queue', name: 'complaints' } },
        ],
      } as typeof d.routes;
      // Nothing is recorded by default: each call below is recorded because of one subject's policy.
      d.recording = {
        recorder: { host: '127.0.0.1', port: rec.sipPort }, default: 'never',
        trunks: { 'carrier-a': 'always' }, queues: { complaints: 'always' }, extensions: { [CALLER.number]: 'on-demand' },
      };
    },
  });
  cleanup.push(() => pbx.stop());
});

/** A registered sipp phone for CALLEE answering one call with a 440 Hz tone of `ms`. */
async function callee(ms: number): Promise<SippProcess> {
  const port = await freePort();
  const [rtp] = await freeUdpPorts(1);
  const p = startSipp({
    scenarioFile: scenario('uas-media-answer'), localPort: port, service: CALLEE.number, timeoutSec: 30,
    vars: { rtp_port: rtp!, pt: 0, codec: 'PCMU' }, files: { 'audio.pcap': buildToneRtpPcap({ frequencyHz: 440, durationMs: ms, amplitude: 0.25 }) },
  });
  await waitForUdpBound(port);
  await runSipp({ scenarioFile: scenario('register'), remote: `127.0.0.1:${pbx.sipPort}`, service: CALLEE.number, auth: { username: CALLEE.number, password: CALLEE.secret }, vars: { contact_port: port, expires: 300 }, timeoutSec: 10 });
  return p;
}

/** A caller from the carrier at `localPort` dialling `did`, playing a 1 kHz tone of `toneMs` from 0.4 s after the answer, hanging up `holdMs` after that. */
async function fromCarrier(localPort: number, did: string, toneMs: number, holdMs: number) {
  return runSipp({
    scenarioFile: scenario('acd-caller'), remote: `127.0.0.1:${pbx.sipPort}`, service: did, localPort, timeoutSec: 40,
    vars: { caller: '013800138000', rtp_port: (await freeUdpPorts(1))[0]! }, files: { 'dtmf.pcap': buildToneRtpPcap({ frequencyHz: 1000, durationMs: toneMs, amplitude: 0.5 }) },
    extraArgs: ['-d', String(holdMs)],
  });
}

const closedRow = (what: string, match: (r: StoredRecording) => boolean) => until(what, () => rec.recordings().find((r) => r.state === 'closed' && match(r)), 20_000);

test('a call in from SIP trunk carrier-a (policy always) is recorded: direction inbound and trunk carrier-a in the index, both parties in the file', async () => {
  const phone = await callee(2500);
  const caller = await fromCarrier(carrierA, '95598', 2500, 2800);
  assert.equal(caller.stats.successful, 1);
  assert.equal((await phone.done).stats.successful, 1);
  const row = await closedRow('the trunk call\'s recording', (r) => r.trunk === 'carrier-a');
  assert.equal(row.direction, 'inbound');
  assert.deepEqual(row.parties.map((p) => [p.role, p.aor?.replace(/@.*/, '')]), [['caller', 'sip:013800138000'], ['callee', `sip:${CALLEE.number}`]]);
  const file = join(rec.recordingsDir, row.path);
  assert.equal(soxChannels(file), 2);
  assert.ok(soxChannelRms(file, 1) > 0.2, 'the outside caller\'s 1 kHz tone');
  assert.ok(Math.abs(soxChannelFrequency(file, 2) - 440) < 40, 'the extension\'s 440 Hz tone');
  assert.equal((await pbx.cdr()).at(-1)!.trunk, 'carrier-a');
});

test('a call from carrier-b answered from queue complaints (policy always) is recorded from the agent\'s answer with queue, agent and trunk', async () => {
  const control = new ControlClient(join(pbx.dataDir, 'run', 'pbx.sock'));
  await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'login', extension: AGENT_PHONE.number });
  const state = await control.call<{ agents: Array<{ agent: string; state: string }> }>('GET', '/v1/acd/snapshot');
  if (state.agents.find((a) => a.agent === '8001')?.state !== 'ready') await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'ready' });
  const agent = await agentPhone(pbx.sipPort, AGENT_PHONE.number, AGENT_PHONE.secret, logs, 300);
  cleanup.push(() => agent.stop());
  const caller = await fromCarrier(carrierB, '95590', 4000, 4200);
  assert.equal(caller.stats.successful, 1);
  const row = await closedRow('the queue call\'s recording', (r) => r.queue === 'complaints');
  assert.deepEqual([row.direction, row.trunk, row.queue, row.agent], ['inbound', 'carrier-b', 'complaints', '8001']);
  assert.deepEqual(row.parties.map((p) => [p.role, p.aor?.replace(/@.*/, '')]), [['caller', 'sip:013800138000'], ['agent', `sip:${AGENT_PHONE.number}`]]);
  const file = join(rec.recordingsDir, row.path);
  assert.ok(soxChannelRms(file, 2) > 0.2, 'the agent\'s voice (1 kHz, 0.5 FS) is on channel 2');
  assert.ok(soxChannelRms(file, 1) > 0.2, 'the caller after the bridge is on channel 1');
});

test('*41 starts an on-demand recording, *43 pauses it around a card number, *44 resumes: the index marks the pause and sox finds no tone in it', async (t) => {
  const phone = await callee(6500);
  // The caller's voice (1 kHz) with keys in it: *41 at 0.3 s, *43 at 1.5 s, *44 at 3.5 s; the
  // digits between *43 and *44 are "the card number" the recording must not hold.
  const keys = buildToneRtpPcap({ frequencyHz: 1000, durationMs: 6000, amplitude: 0.5, keys: [{ atMs: 300, digits: '*41' }, { atMs: 1500, digits: '*43' }, { atMs: 2400, digits: '4111' }, { atMs: 3500, digits: '*44' }] });
  const target = `127.0.0.1:${pbx.sipPort}`;
  const caller = await runSipp({
    scenarioFile: scenario('uac-media-keys'), remote: target, service: CALLEE.number, timeoutSec: 30, localPort: await freePort(),
    auth: { username: CALLER.number, password: CALLER.secret }, authUri: `${CALLEE.number}@${target}`,
    vars: { caller: CALLER.number, rtp_port: (await freeUdpPorts(1))[0]! }, files: { 'keys.pcap': keys }, extraArgs: ['-d', '6300'],
  });
  assert.equal(caller.stats.successful, 1);
  assert.equal((await phone.done).stats.successful, 1);
  const row = await closedRow('the on-demand recording', (r) => r.direction === 'internal' && r.parties[0]?.aor?.startsWith(`sip:${CALLER.number}@`) === true);
  assert.equal(row.pauses.length, 1, JSON.stringify(row.pauses));
  const pause = row.pauses[0]!;
  assert.ok(pause.toMs !== null);
  const pausedSec = (pause.toMs - pause.fromMs) / 1000;
  assert.ok(pausedSec > 1.4 && pausedSec < 2.8, `paused ${pausedSec} s between *43 (ends 1.9 s) and *44 (ends 3.9 s)`);
  const file = join(rec.recordingsDir, row.path);
  const d = soxDuration(file);
  assert.ok(d > 4 && d < 5.8, `recorded ${d} s: from *41 (ends 0.7 s) to the end of the 6 s of audio`);
  const inPause = { fromSec: pause.fromMs / 1000 + 0.15, toSec: pause.toMs / 1000 - 0.15 };
  t.diagnostic(`file ${d.toFixed(2)} s, pause ${pause.fromMs}–${pause.toMs} ms, RMS in the pause ${soxChannelRms(file, 1, inPause).toFixed(4)} / ${soxChannelRms(file, 2, inPause).toFixed(4)}`);
  for (const ch of [1, 2]) assert.ok(soxChannelRms(file, ch, inPause) < 0.01, `channel ${ch}: no tone energy while paused (${JSON.stringify(inPause)})`);
  assert.ok(soxChannelRms(file, 1, { fromSec: 0.1, toSec: pause.fromMs / 1000 - 0.1 }) > 0.2, 'the caller\'s tone before the pause');
  assert.ok(soxChannelRms(file, 1, { fromSec: pause.toMs / 1000 + 0.2, toSec: d - 0.3 }) > 0.2, 'and after it');
  assert.ok(soxChannelRms(file, 2, { fromSec: pause.toMs / 1000 + 0.2, toSec: d - 0.3 }) > 0.1, 'the callee after the pause');
  const st = await pbx.status();
  assert.ok((st.counters['recording.dtmfCommands'] ?? 0) >= 3, JSON.stringify(st.counters));
});

test('recorder killed: the OPTIONS probe raises the alarm within seconds, calls still complete unrecorded, and recording resumes when it is back', async (t) => {
  const r2 = await startRecorder();
  cleanup.push(() => r2.stop());
  const p2 = await startPbx({
    extensions: [CALLER, CALLEE], authFailureLimit: 50,
    configure: (d) => { d.recording = { recorder: { host: '127.0.0.1', port: r2.sipPort }, probeIntervalSec: 2 }; },
  });
  cleanup.push(() => p2.stop());
  await until('recorder seen up', async () => ((await p2.status()).recording?.state === 'up' ? true : undefined), 10_000);
  await r2.kill();
  const killedAt = Date.now();
  const st = await until('the alarm', async () => { const s = await p2.status(); return s.recording?.state === 'down' ? s : undefined; }, 15_000);
  const noticedMs = Date.now() - killedAt;
  t.diagnostic(`recorder down noticed ${noticedMs} ms after kill -9 (probe every 2 s)`);
  // Probe every 2 s + 2 s deadline = 4 s at worst; the rest is slack for a loaded machine.
  assert.ok(noticedMs < 8_000, `noticed after ${noticedMs} ms`);
  assert.match(st.recording!.lastError ?? '', /no answer to OPTIONS/);
  const alarm = st.alarms?.find((a) => a.id === 'recorder-unreachable');
  assert.ok(alarm, JSON.stringify(st.alarms));
  assert.match(alarm.text.zh, /通话未录音/);

  const call = async () => {
    const port = await freePort();
    const [uacRtp, uasRtp] = await freeUdpPorts(2);
    const target = `127.0.0.1:${p2.sipPort}`;
    const phone = startSipp({
      scenarioFile: scenario('uas-media-answer'), localPort: port, service: CALLEE.number, timeoutSec: 20,
      vars: { rtp_port: uasRtp!, pt: 0, codec: 'PCMU' }, files: { 'audio.pcap': buildToneRtpPcap({ frequencyHz: 440, durationMs: 1500, amplitude: 0.25 }) },
    });
    await waitForUdpBound(port);
    await runSipp({ scenarioFile: scenario('register'), remote: target, service: CALLEE.number, auth: { username: CALLEE.number, password: CALLEE.secret }, vars: { contact_port: port, expires: 300 }, timeoutSec: 10 });
    const started = Date.now();
    const c = await runSipp({
      scenarioFile: scenario('uac-media-call'), remote: target, service: CALLEE.number, timeoutSec: 20, localPort: await freePort(),
      auth: { username: CALLER.number, password: CALLER.secret }, authUri: `${CALLEE.number}@${target}`,
      vars: { caller: CALLER.number, rtp_port: uacRtp!, pt: 0, codec: 'PCMU' }, files: { 'audio.pcap': buildToneRtpPcap({ durationMs: 1500 }) },
    });
    assert.equal(c.stats.successful, 1);
    assert.equal((await phone.done).stats.successful, 1);
    return Date.now() - started;
  };
  const tookMs = await call();
  assert.ok(tookMs < 10_000, `the call was not held up by the dead recorder (${tookMs} ms)`);
  assert.equal((await p2.cdr()).at(-1)!.disposition, 'answered');
  assert.equal((await p2.status()).recording?.counters.skipped, 1, 'no recording INVITE was sent to the dead recorder');

  await r2.restart();
  const back = await until('recorder back up', async () => { const s = await p2.status(); return s.recording?.state === 'up' ? s : undefined; }, 10_000);
  assert.equal(back.alarms?.some((a) => a.id === 'recorder-unreachable'), false, 'the alarm is cleared');
  await call();
  const row = await until('a recording after the recorder came back', () => r2.recordings().find((r) => r.state === 'closed'), 15_000);
  assert.equal(row.direction, 'internal');
});
