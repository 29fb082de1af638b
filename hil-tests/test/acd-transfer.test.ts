// Transfers into the call center and dialling it from a phone (issue 6), against a real PBX:
// an agent's sipp phone answers a queue call and sends a blind REFER (RFC 3515, RFC 5589 §6)
// naming another queue's number or an IVR menu's number; the caller (a sipp on a trunk) lands
// there and reaches the next agent's sipp phone, whose tone it hears. Extensions dial a queue's
// number and an agent's number.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlClient } from '@hotline/appliance/control';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound } from '../src/sipp.ts';
import { DTMF_1_PCAP, agentPhone as phone, trunkCall } from '../src/acd-phones.ts';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { startRtpAnalyzer, toneEnergyRatio } from '../src/rtp-analyzer.ts';
import { eventually, startPbx, type HilPbx } from '../src/pbx.ts';

const PHONES = ['2001', '2002', '1001'].map((number) => ({ number, secret: `secret-${number}` }));

let pbx: HilPbx;
let control: ControlClient;
let callerPort: number;
const logs = mkdtempSync(join(tmpdir(), 'hil-acd-transfer-'));
const cti: Array<Record<string, unknown>> = [];
let stream: { close(): void } | undefined;

before(async () => {
  callerPort = await freePort();
  pbx = await startPbx({
    extensions: PHONES, authFailureLimit: 50,
    trunks: [{ name: 'callers', host: '127.0.0.1', port: callerPort }],
    configure: (d) => {
      d.acd = {
        queues: [{ name: 'first', wrapUpSec: 1 }, { name: 'second', number: '5002', ringTimeoutSec: 10, wrapUpSec: 1 }],
        agents: [{ number: '8001', queues: [{ queue: 'first' }] }, { number: '8002', queues: [{ queue: 'second' }] }],
        screenPopLeadMs: 0,
      };
      d.ivr = { menus: [{ name: 'service', number: '5100', prompt: 'beep', timeoutSec: 1, maxRetries: 0, options: [{ digit: '9', destination: { kind: 'hangup' } }], failDestination: { kind: 'queue', name: 'second' } }] };
      d.routes = { inbound: [{ name: 'hotline', did: '95598', destination: { kind: 'queue', name: 'first' } }] };
    },
  });
  control = new ControlClient(join(pbx.dataDir, 'run', 'pbx.sock'));
  stream = control.follow('/v1/cti/events', (e) => cti.push(e as Record<string, unknown>), () => undefined);
  await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'login', extension: '2001' });
  await control.call('POST', '/v1/acd/agent', { agent: '8002', action: 'login', extension: '2002' });
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

/** Agent 8001's phone (2001): answers the queue call, then after 1 s transfers it blind to `target`. */
async function transferringAgent(target: string) {
  const port = await freePort();
  const sipp = startSipp({
    scenarioFile: scenario('uas-answer-refer'), localPort: port, service: '2001', timeoutSec: 30,
    vars: { rtp_port: (await freeUdpPorts(1))[0]!, target, pbx: `127.0.0.1:${pbx.sipPort}` }, extraArgs: ['-trace_logs', '-log_file', 'logs.log'], keepDir: true,
  });
  await waitForUdpBound(port);
  await register('2001', port);
  return { done: sipp.done, unregister: () => register('2001', port, 0) };
}

/** Seconds of 20 ms blocks of `pcm` that are mostly the agents' 1 kHz tone. */
function toneSeconds(pcm: Int16Array): number {
  let blocks = 0;
  for (let i = 0; i + 160 <= pcm.length; i += 160) if (toneEnergyRatio(pcm, 1000, i, i + 160) >= 0.7) blocks++;
  return blocks * 0.02;
}

test('an agent transfers its caller blind into another queue by the queue\'s number: the caller reaches that queue\'s agent, the CTI stream says so', async () => {
  const agentA = await transferringAgent('5002');
  const agentB = await phone(pbx.sipPort, '2002', 'secret-2002', logs, 300);
  const ear = await startRtpAnalyzer((await freeUdpPorts(1))[0]!);
  try {
    const caller = await trunkCall(pbx.sipPort, callerPort, '95598', '13800000031', 6000, ear.port);
    const a = await agentA.done;
    assert.equal(caller.stats.successful, 1, 'the caller stayed on the line to the end');
    assert.equal(a.stats.successful, 1, 'the transferor got 202, the NOTIFYs and the BYE that released it');
    const notifies = readFileSync(join(a.dir, 'logs.log'), 'utf8').match(/NOTIFY SIP\/2\.0 \d{3}/g) ?? [];
    assert.equal(notifies.at(-1), 'NOTIFY SIP/2.0 200', 'the transfer succeeded');
    assert.deepEqual(agentB.invites().map((i) => i.from), ['13800000031'], 'the second queue\'s agent was rung with the caller\'s number');
    const moved = cti.find((e) => e.type === 'CallTransferred');
    assert.deepEqual({ by: moved?.by, agent: moved?.agent, fromQueue: moved?.fromQueue, to: moved?.to }, { by: '2001', agent: '8001', fromQueue: 'first', to: { queue: 'second' } });
    assert.ok(cti.some((e) => e.type === 'CallEnded' && e.queue === 'first' && e.outcome === 'transferred'));
    const offer = cti.find((e) => e.type === 'CallOffered' && e.queue === 'second');
    assert.equal(offer?.callerNumber, '13800000031');
    assert.equal(offer?.callId, moved?.callId, 'the same call');
    assert.ok(toneSeconds(ear.analysis.pcm()) >= 1, `the caller heard ${toneSeconds(ear.analysis.pcm())} s of the second agent's tone`);
    const rows = await eventually(async () => {
      const r = (await pbx.cdr()).filter((x) => x.caller === '13800000031');
      return r.length >= 2 ? r : undefined;
    }, 8000, 'two call records');
    assert.deepEqual(rows.map((r) => r.endCause), ['transferred', null], 'one record per segment: before and after the transfer');
    assert.equal(rows[1]!.callee, '5002');
  } finally {
    await ear.stop();
    await agentA.unregister();
    await agentB.stop();
  }
});

test('an agent transfers its caller blind into an IVR menu by the menu\'s number: the caller enters the menu and, pressing nothing, goes to its fail destination', async () => {
  await eventually(async () => ((await control.call<{ agents: Array<{ agent: string; state: string }> }>('GET', '/v1/acd/snapshot')).agents.every((a) => a.state === 'ready') ? true : undefined), 5000, 'agents ready after wrap-up');
  const agentA = await transferringAgent('5100');
  const agentB = await phone(pbx.sipPort, '2002', 'secret-2002', logs, 300);
  try {
    const caller = await trunkCall(pbx.sipPort, callerPort, '95598', '13800000032', 6500);
    assert.equal(caller.stats.successful, 1);
    assert.equal((await agentA.done).stats.successful, 1);
    const moved = cti.filter((e) => e.type === 'CallTransferred').at(-1);
    assert.deepEqual(moved?.to, { menu: 'service' });
    // No key within the menu's second: its fail destination, queue second, and that queue's agent.
    assert.deepEqual(agentB.invites().map((i) => i.from), ['13800000032']);
    const offer = cti.filter((e) => e.type === 'CallOffered' && e.queue === 'second').at(-1);
    assert.equal(offer?.callId, moved?.callId);
  } finally {
    await agentA.unregister();
    await agentB.stop();
  }
});

test('an extension dials a queue\'s number (a group) and an agent\'s number: the queue\'s agent and the agent\'s phone ring; a logged-out agent is 480', async () => {
  await eventually(async () => ((await control.call<{ agents: Array<{ agent: string; state: string }> }>('GET', '/v1/acd/snapshot')).agents.every((a) => a.state === 'ready') ? true : undefined), 5000, 'agents ready after wrap-up');
  const agentB = await phone(pbx.sipPort, '2002', 'secret-2002', logs, 300);
  const dial = async (number: string, allowFailure = false) => runSipp({
    scenarioFile: scenario('uac-call'), remote: `127.0.0.1:${pbx.sipPort}`, service: number, localPort: await freePort(), timeoutSec: 20,
    auth: { username: '1001', password: 'secret-1001' }, authUri: `${number}@127.0.0.1:${pbx.sipPort}`, allowFailure,
    vars: { caller: '1001', rtp_port: (await freeUdpPorts(1))[0]! }, files: { 'tone.pcap': buildToneRtpPcap() },
  });
  try {
    assert.equal((await dial('5002')).stats.successful, 1);
    assert.ok(cti.some((e) => e.type === 'CallAnswered' && e.queue === 'second' && e.agent === '8002' && (cti.find((o) => o.type === 'CallOffered' && o.callId === e.callId)?.callerNumber === '1001')), 'the call from 1001 went through queue second to 8002');
    await eventually(async () => ((await control.call<{ agents: Array<{ agent: string; state: string }> }>('GET', '/v1/acd/snapshot')).agents.find((a) => a.agent === '8002')?.state === 'ready' ? true : undefined), 5000, '8002 ready again');
    assert.equal((await dial('8002')).stats.successful, 1);
    assert.deepEqual(agentB.invites().map((i) => i.from), ['1001', '1001'], 'both calls rang 8002\'s phone');
    await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'logout' });
    const refused = await dial('8001', true);
    assert.equal(refused.stats.successful, 0, 'an agent not logged in cannot be reached');
    const row = await eventually(async () => (await pbx.cdr()).find((r) => r.callee === '8001'), 5000, 'the refused call\'s record');
    assert.equal(row.sipCode, 480);
  } finally {
    await agentB.stop();
  }
});

test('attended transfer through a queue: the agent consults the other queue by its number, then REFERs with Replaces; the consulted agent keeps the caller (engine and CTI), the first is freed', async () => {
  await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'login', extension: '2001' });
  await eventually(async () => ((await control.call<{ agents: Array<{ agent: string; state: string }> }>('GET', '/v1/acd/snapshot')).agents.every((a) => a.state === 'ready') ? true : undefined), 5000, 'agents ready');
  const [aPort, bPort] = [await freePort(), await freePort()];
  const ear = await startRtpAnalyzer((await freeUdpPorts(1))[0]!);
  const a = startSipp({
    scenarioFile: scenario('uas-answer-consult-refer'), localPort: aPort, service: '2001', timeoutSec: 30,
    auth: { username: '2001', password: 'secret-2001' }, authUri: `5002@127.0.0.1:${pbx.sipPort}`,
    vars: { rtp_port: (await freeUdpPorts(1))[0]!, target: '5002', pbx: `127.0.0.1:${pbx.sipPort}` }, extraArgs: ['-trace_logs', '-log_file', 'logs.log'], keepDir: true,
  });
  const b = startSipp({
    scenarioFile: scenario('uas-answer-reinvited'), localPort: bPort, service: '2002', timeoutSec: 30,
    vars: { rtp_port: (await freeUdpPorts(1))[0]!, pt: 0, codec: 'PCMU' }, files: { 'audio.pcap': buildToneRtpPcap({ durationMs: 4000 }) },
  });
  await waitForUdpBound(aPort);
  await waitForUdpBound(bPort);
  await register('2001', aPort);
  await register('2002', bPort);
  try {
    const caller = runSipp({
      scenarioFile: scenario('acd-callback-caller'), remote: `127.0.0.1:${pbx.sipPort}`, service: '95598', localPort: callerPort, timeoutSec: 30,
      vars: { caller: '13800000033', rtp_port: ear.port }, files: { 'dtmf.pcap': readFileSync(DTMF_1_PCAP) },
    });
    const moved = await eventually(async () => cti.find((e) => e.type === 'CallTransferred' && isObject(e.to) && 'agent' in e.to), 15000, 'the attended transfer');
    assert.deepEqual({ agent: moved.agent, fromQueue: moved.fromQueue, to: moved.to }, { agent: '8001', fromQueue: 'first', to: { agent: '8002' } });
    const states = await eventually(async () => {
      const s = (await control.call<{ agents: Array<{ agent: string; state: string }> }>('GET', '/v1/acd/snapshot')).agents;
      const of = (n: string) => s.find((x) => x.agent === n)?.state;
      return of('8001') !== 'on-call' ? { a: of('8001'), b: of('8002') } : undefined;
    }, 3000, 'the transferor freed');
    assert.equal(states.b, 'on-call', 'the consulted agent is on the call with the caller');
    assert.ok(states.a === 'wrap-up' || states.a === 'ready', `the transferor is ${states.a}`);
    assert.equal((await caller).stats.successful, 1, 'the caller talked to the consulted agent until it hung up');
    assert.equal((await a.done).stats.successful, 1, 'the transferor got 202, the NOTIFYs and a BYE on both dialogs');
    assert.equal((await b.done).stats.successful, 1, 'the consulted agent was re-INVITEd onto the caller\'s call');
    let blocks = 0;
    const pcm = ear.analysis.pcm();
    for (let i = 0; i + 160 <= pcm.length; i += 160) if (toneEnergyRatio(pcm, 1000, i, i + 160) >= 0.7) blocks++;
    assert.ok(blocks * 0.02 >= 1, `the caller heard ${blocks * 0.02} s of the consulted agent's tone`);
    await eventually(async () => ((await control.call<{ agents: Array<{ agent: string; state: string }> }>('GET', '/v1/acd/snapshot')).agents.find((x) => x.agent === '8002')?.state !== 'on-call' ? true : undefined), 5000, 'the consulted agent free after the call');
  } finally {
    await ear.stop();
    await register('2001', aPort, 0);
    await register('2002', bPort, 0);
  }
});

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
