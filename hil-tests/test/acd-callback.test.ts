// Callback placed over SIP (issue 6), against a real PBX: a sipp caller on a trunk waits in a
// queue, presses the callback key (RFC 4733 digit 1) and is hung up after the confirmation; when
// an agent becomes ready the PBX calls the agent's sipp phone (screen pop first: a callback, with
// the caller's number), then the customer's number — here an extension with its own sipp phone —
// and bridges them; the customer hears the agent. A busy customer is retried, then the callback
// is recorded as failed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlClient } from '@hotline/appliance/control';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound } from '../src/sipp.ts';
import { DTMF_1_PCAP, agentPhone } from '../src/acd-phones.ts';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { startRtpAnalyzer, toneEnergyRatio } from '../src/rtp-analyzer.ts';
import { eventually, startPbx, type HilPbx } from '../src/pbx.ts';

const PHONES = ['2001', '1003', '1004'].map((number) => ({ number, secret: `secret-${number}` }));

let pbx: HilPbx;
let control: ControlClient;
let callerPort: number;
const logs = mkdtempSync(join(tmpdir(), 'hil-acd-callback-'));
const cti: Array<Record<string, unknown>> = [];
let stream: { close(): void } | undefined;

before(async () => {
  callerPort = await freePort();
  pbx = await startPbx({
    extensions: PHONES, authFailureLimit: 50,
    trunks: [{ name: 'callers', host: '127.0.0.1', port: callerPort }],
    configure: (d) => {
      d.acd = {
        queues: [{ name: 'cb', callbackAllowed: true, callbackDigit: '1', callbackRetries: 1, callbackRetrySec: 1, ringTimeoutSec: 10, wrapUpSec: 0, announcePositionSec: 0 }],
        agents: [{ number: '8001', queues: [{ queue: 'cb' }] }],
        screenPopLeadMs: 0,
      };
      d.routes = { inbound: [{ name: 'callback line', did: '95599', destination: { kind: 'queue', name: 'cb' } }] };
    },
  });
  control = new ControlClient(join(pbx.dataDir, 'run', 'pbx.sock'));
  stream = control.follow('/v1/cti/events', (e) => cti.push(e as Record<string, unknown>), () => undefined);
  await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'login', extension: '2001' });
  await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'not-ready', reason: 'break' });
});

after(async () => {
  stream?.close();
  if (process.env.HIL_KEEP_LOGS) writeFileSync(process.env.HIL_KEEP_LOGS, pbx?.logs() ?? '');
  await pbx?.stop();
  rmSync(logs, { recursive: true, force: true });
});

const register = (number: string, port: number, expires = 300) => runSipp({
  scenarioFile: scenario('register'), remote: `127.0.0.1:${pbx.sipPort}`, service: number,
  auth: { username: number, password: `secret-${number}` }, vars: { contact_port: port, expires }, timeoutSec: 10, allowFailure: expires === 0,
});

/** A caller from the trunk as `caller` who presses 1 (the callback key) and waits for the PBX's BYE. */
const requestCallback = async (caller: string) => runSipp({
  scenarioFile: scenario('acd-callback-caller'), remote: `127.0.0.1:${pbx.sipPort}`, service: '95599', localPort: callerPort, timeoutSec: 30,
  vars: { caller, rtp_port: (await freeUdpPorts(1))[0]! }, files: { 'dtmf.pcap': readFileSync(DTMF_1_PCAP) },
});

const waiting = async () => (await control.call<{ queues: Array<{ name: string; stats: { waiting: number; callbacks: number } }> }>('GET', '/v1/acd/snapshot')).queues[0]!.stats;

test('a caller asks for a callback and hangs up; when the agent is ready the PBX calls the agent, then the customer, and bridges them', async () => {
  const asked = await requestCallback('1003');
  assert.equal(asked.stats.successful, 1, 'the caller pressed 1 and the PBX hung up after the confirmation');
  assert.deepEqual(await waiting().then((s) => [s.waiting, s.callbacks]), [1, 1], 'the request keeps its place in the queue');
  const agent = await agentPhone(pbx.sipPort, '2001', 'secret-2001', logs, 300);
  const ear = await startRtpAnalyzer((await freeUdpPorts(1))[0]!);
  const customerPort = await freePort();
  const customer = startSipp({ scenarioFile: scenario('uas-answer-hangup'), localPort: customerPort, service: '1003', timeoutSec: 30, vars: { rtp_port: ear.port }, files: { 'tone.pcap': buildToneRtpPcap({ frequencyHz: 600 }) } });
  await waitForUdpBound(customerPort);
  await register('1003', customerPort);
  try {
    await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'ready' });
    const c = await customer.done;
    assert.equal(c.stats.successful, 1, 'the customer was called, answered and hung up');
    assert.deepEqual(agent.invites().map((i) => i.from), ['1003'], 'the agent\'s phone rang first, showing the customer\'s number');
    const offer = cti.find((e) => e.type === 'CallOffered');
    assert.deepEqual({ agent: offer?.agent, callerNumber: offer?.callerNumber, callback: offer?.callback, queue: offer?.queue }, { agent: '8001', callerNumber: '1003', callback: { attempt: 1 }, queue: 'cb' });
    assert.ok(cti.some((e) => e.type === 'CallAnswered' && e.callId === offer?.callId), 'CTI: answered');
    await eventually(async () => cti.find((e) => e.type === 'CallEnded' && e.callId === offer?.callId && e.outcome === 'completed'), 5000, 'CTI CallEnded completed');
    const pcm = ear.analysis.pcm();
    let blocks = 0;
    for (let i = 0; i + 160 <= pcm.length; i += 160) if (toneEnergyRatio(pcm, 1000, i, i + 160) >= 0.7) blocks++;
    assert.ok(blocks * 0.02 >= 1, `the customer heard ${blocks * 0.02} s of the agent's tone`);
    const row = await eventually(async () => (await pbx.cdr()).find((r) => r.endCause === 'callback'), 5000, 'the callback\'s call record');
    assert.deepEqual([row.caller, row.callee, row.disposition, row.hangupSide], ['2001', '1003', 'answered', 'callee']);
    assert.equal((await waiting()).waiting, 0);
  } finally {
    await ear.stop();
    await register('1003', customerPort, 0);
    await agent.stop();
  }
});

test('a busy customer is called again after callbackRetrySec, then the callback is recorded as failed', async () => {
  await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'not-ready', reason: 'break' });
  assert.equal((await requestCallback('1004')).stats.successful, 1);
  const busyPort = await freePort();
  const busy = startSipp({ scenarioFile: scenario('uas-busy'), localPort: busyPort, calls: 0, timeoutSec: 60, allowFailure: true });
  await waitForUdpBound(busyPort);
  await register('1004', busyPort);
  const agent = await agentPhone(pbx.sipPort, '2001', 'secret-2001', logs, 200);
  try {
    await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'ready' });
    const failed = await eventually(async () => cti.find((e) => e.type === 'CallEnded' && e.outcome === 'callback-failed'), 15000, 'the failed callback');
    const ends = cti.filter((e) => e.type === 'CallEnded' && e.callId === failed.callId).map((e) => e.outcome);
    assert.deepEqual(ends, ['callback-retry', 'callback-failed'], 'one retry (callbackRetries 1), then given up');
    assert.deepEqual(agent.invites().map((i) => i.from), ['1004', '1004'], 'the agent was called for each attempt');
    const rows = (await pbx.cdr()).filter((r) => r.callee === '1004' && r.endCause === 'callback-failed');
    assert.deepEqual(rows.map((r) => [r.disposition, r.sipCode]), [['busy', 486], ['busy', 486]]);
    assert.equal((await waiting()).waiting, 0, 'the request left the queue');
  } finally {
    await register('1004', busyPort, 0);
    await busy.stop();
    await agent.stop();
  }
});
