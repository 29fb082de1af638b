// A callback placed by the PBX is recorded (issue 7) under its queue's policy: the recording
// default is `never`, queue `cb` says `always`. A sipp caller on a trunk asks for a callback
// (digit 1) and hangs up; when agent 8001 becomes ready the PBX calls the agent's phone (2001,
// a 1 kHz tone), then the customer (1003, 600 Hz), bridges them and records the call on the real
// recorder: direction outbound, queue cb, agent 8001, the agent on channel 1, the customer on
// channel 2, checked with sox.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlClient } from '@hotline/appliance/control';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound } from '../src/sipp.ts';
import { DTMF_1_PCAP, agentPhone } from '../src/acd-phones.ts';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { startPbx, type HilPbx } from '../src/pbx.ts';
import { startRecorder, type HilRecorder } from '../src/recorder.ts';
import { until } from '../src/siprec-client.ts';
import { soxChannelFrequency, soxChannelRms, soxChannels } from '../src/sox.ts';

const PHONES = ['2001', '1003'].map((number) => ({ number, secret: `secret-${number}` }));
let pbx: HilPbx;
let rec: HilRecorder;
let control: ControlClient;
let callerPort: number;
const logs = mkdtempSync(join(tmpdir(), 'hil-rec-callback-'));

before(async () => {
  rec = await startRecorder();
  callerPort = await freePort();
  pbx = await startPbx({
    extensions: PHONES, authFailureLimit: 50,
    trunks: [{ name: 'callers', host: '127.0.0.1', port: callerPort }],
    configure: (d) => {
      d.acd = {
        queues: [{ name: 'cb', callbackAllowed: true, callbackDigit: '1', callbackRetries: 0, callbackRetrySec: 1, ringTimeoutSec: 10, wrapUpSec: 0, announcePositionSec: 0 }],
        agents: [{ number: '8001', queues: [{ queue: 'cb' }] }],
        screenPopLeadMs: 0,
      };
      d.routes = { inbound: [{ name: 'callback line', did: '95599', destination: { kind: 'queue', name: 'cb' } }] };
      d.recording = { recorder: { host: '127.0.0.1', port: rec.sipPort }, default: 'never', queues: { cb: 'always' } };
    },
  });
  control = new ControlClient(join(pbx.dataDir, 'run', 'pbx.sock'));
  await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'login', extension: '2001' });
  await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'not-ready', reason: 'break' });
});

after(async () => {
  await pbx?.stop();
  await rec?.stop();
  rmSync(logs, { recursive: true, force: true });
});

test('a callback is recorded under its queue\'s always (default never): outbound, queue, agent; agent on channel 1, customer on channel 2 (sox)', async () => {
  const target = `127.0.0.1:${pbx.sipPort}`;
  const asked = await runSipp({
    scenarioFile: scenario('acd-callback-caller'), remote: target, service: '95599', localPort: callerPort, timeoutSec: 30,
    vars: { caller: '1003', rtp_port: (await freeUdpPorts(1))[0]! }, files: { 'dtmf.pcap': readFileSync(DTMF_1_PCAP) },
  });
  assert.equal(asked.stats.successful, 1, 'the caller asked for the callback');
  assert.equal(rec.recordings().length, 0, 'the IVR/queue call itself is not recorded (default never, no agent answered it)');
  const agent = await agentPhone(pbx.sipPort, '2001', 'secret-2001', logs, 300, { voice: buildToneRtpPcap({ frequencyHz: 1000, durationMs: 6000 }) });
  const customerPort = await freePort();
  const customer = startSipp({
    scenarioFile: scenario('uas-answer-hangup'), localPort: customerPort, service: '1003', timeoutSec: 30, vars: { rtp_port: (await freeUdpPorts(1))[0]! },
    files: { 'tone.pcap': buildToneRtpPcap({ frequencyHz: 600, durationMs: 2000, amplitude: 0.25 }) },
  });
  await waitForUdpBound(customerPort);
  await runSipp({ scenarioFile: scenario('register'), remote: target, service: '1003', auth: { username: '1003', password: 'secret-1003' }, vars: { contact_port: customerPort, expires: 300 }, timeoutSec: 10 });
  try {
    await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'ready' });
    assert.equal((await customer.done).stats.successful, 1, 'the customer was called, answered and hung up');
    const row = await until('the closed recording', () => rec.recordings().find((r) => r.state === 'closed'), 15_000);
    assert.deepEqual([row.direction, row.queue, row.agent], ['outbound', 'cb', '8001']);
    assert.match(row.callId, /^callback-/, 'the callback attempt\'s call id (as its CDR)');
    assert.deepEqual(row.parties.map((p) => [p.label, p.role, p.aor?.replace(/@.*/, '')]), [['1', 'agent', 'sip:2001'], ['2', 'customer', 'sip:1003']]);
    const file = join(rec.recordingsDir, row.path);
    assert.equal(soxChannels(file), 2);
    assert.ok(soxChannelRms(file, 1) > 0.2, `the agent's tone on channel 1 (rms ${soxChannelRms(file, 1)})`);
    assert.ok(Math.abs(soxChannelFrequency(file, 1) - 1000) < 80, `agent ${soxChannelFrequency(file, 1)} Hz`);
    assert.ok(soxChannelRms(file, 2) > 0.1, `the customer's tone on channel 2 (rms ${soxChannelRms(file, 2)})`);
    assert.ok(Math.abs(soxChannelFrequency(file, 2) - 600) < 60, `customer ${soxChannelFrequency(file, 2)} Hz`);
    assert.equal(rec.recordings().length, 1, 'one recording: the callback');
  } finally {
    await agent.stop();
  }
});
