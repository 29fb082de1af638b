// The call center over SIP (issue 6) against a real PBX process: sipp callers come in on
// trunks (inbound routes to an IVR menu or a queue), sipp agents' phones register and answer.
// The IVR is driven by RFC 4733 digits from sipp's own capture (digit 1); the CTI events are
// read from the PBX's control stream, each INVITE's arrival from the agent's sipp log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlClient } from '@hotline/appliance/control';
import { AgentStateStore, openRecords } from '@hotline/appliance/records';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound } from '../src/sipp.ts';
import { agentPhone as phone, trunkCall } from '../src/acd-phones.ts';
import { startRtpCounter } from '../src/rtp-counter.ts';
import { eventually, startPbx, type HilPbx } from '../src/pbx.ts';

const PHONES = ['2001', '2002', '2003', '2004', '2005', '2006', '2007', '2008', '2009', '1009'].map((number) => ({ number, secret: `secret-${number}` }));
const VIP = '13900000009';

let pbx: HilPbx;
let control: ControlClient;
let callerPorts: number[];
const logs = mkdtempSync(join(tmpdir(), 'hil-acd-'));
/** CTI events from the PBX's control stream, with the wall time each arrived. */
const cti: Array<{ e: Record<string, unknown>; receivedAt: number }> = [];
let stream: { close(): void } | undefined;

before(async () => {
  callerPorts = [await freePort(), await freePort()];
  pbx = await startPbx({
    extensions: PHONES, authFailureLimit: 50,
    trunks: callerPorts.map((port, i) => ({ name: `callers${i}`, host: '127.0.0.1', port })),
    configure: (d) => {
      d.acd = {
        queues: [
          { name: 'repair', ringTimeoutSec: 10, wrapUpSec: 1 },
          { name: 'vip', ringTimeoutSec: 10, wrapUpSec: 1, vipNumbers: [VIP] },
          { name: 'short', maxWaitSec: 2, overflow: { kind: 'extension', number: '1009' } },
          { name: 'all', strategy: 'ring-all', ringTimeoutSec: 10, wrapUpSec: 1 },
          { name: 'slow', strategy: 'linear', ringTimeoutSec: 2, wrapUpSec: 1 },
          { name: 'picky', strategy: 'linear', ringTimeoutSec: 10, wrapUpSec: 1 },
          { name: 'lonely', announcePositionSec: 1, announceWaitSec: 2 },
        ],
        agents: [
          { number: '8001', pin: '1234', queues: [{ queue: 'repair' }] },
          { number: '8002', pin: '5678', queues: [{ queue: 'repair' }] },
          { number: '8003', queues: [{ queue: 'vip' }] },
          { number: '8004', queues: [{ queue: 'all' }] },
          { number: '8005', queues: [{ queue: 'all' }] },
          { number: '8006', queues: [{ queue: 'slow' }] },
          { number: '8007', queues: [{ queue: 'slow' }] },
          { number: '8008', queues: [{ queue: 'picky' }] },
          { number: '8009', queues: [{ queue: 'picky' }] },
        ],
        screenPopLeadMs: 150,
      };
      d.ivr = {
        menus: [{
          name: 'main', prompt: 'welcome', timeoutSec: 8,
          options: [{ digit: '1', destination: { kind: 'queue', name: 'repair' } }, { digit: '2', destination: { kind: 'queue', name: 'vip' } }],
        }],
      };
      d.routes = {
        inbound: [
          { name: 'hotline', did: '95598', destination: { kind: 'ivr', menu: 'main' } },
          { name: 'vip line', did: '95590', destination: { kind: 'queue', name: 'vip' } },
          { name: 'short line', did: '95591', destination: { kind: 'queue', name: 'short' } },
          { name: 'all line', did: '95592', destination: { kind: 'queue', name: 'all' } },
          { name: 'slow line', did: '95593', destination: { kind: 'queue', name: 'slow' } },
          { name: 'picky line', did: '95594', destination: { kind: 'queue', name: 'picky' } },
          { name: 'lonely line', did: '95595', destination: { kind: 'queue', name: 'lonely' } },
        ],
      };
    },
  });
  control = new ControlClient(join(pbx.dataDir, 'run', 'pbx.sock'));
  stream = control.follow('/v1/cti/events', (e) => cti.push({ e: e as Record<string, unknown>, receivedAt: Date.now() }), () => undefined);
});

after(async () => {
  stream?.close();
  if (process.env.HIL_KEEP_LOGS) writeFileSync(process.env.HIL_KEEP_LOGS, pbx?.logs() ?? '');
  await pbx?.stop();
  rmSync(logs, { recursive: true, force: true });
});

/** A phone of one of PHONES, answering after `answerMs`. */
const agentPhone = (number: string, answerMs = 300) => phone(pbx.sipPort, number, PHONES.find((p) => p.number === number)!.secret, logs, answerMs);
/** A caller on trunk `i` (see trunkCall). */
const call = (i: number, did: string, caller: string, holdMs: number, rtpPort?: number) => trunkCall(pbx.sipPort, callerPorts[i]!, did, caller, holdMs, rtpPort);

const agentState = async (agent: string) => ((await control.call<{ agents: Array<{ agent: string; state: string; extension?: string; reason?: string }> }>('GET', '/v1/acd/snapshot')).agents.find((a) => a.agent === agent));
const events = (type: string) => cti.filter((c) => c.e.type === type);

test('an agent logs in from a desk phone by feature code *21<agent>#<pin># and the state is kept in records.db', async () => {
  const r = await runSipp({
    scenarioFile: scenario('feature-code'), remote: `127.0.0.1:${pbx.sipPort}`, service: '*218001%231234%23', localPort: await freePort(),
    auth: { username: '2001', password: 'secret-2001' }, authUri: `*218001%231234%23@127.0.0.1:${pbx.sipPort}`, timeoutSec: 20,
    vars: { caller: '2001', rtp_port: (await freeUdpPorts(1))[0]! },
  });
  assert.equal(r.stats.successful, 1);
  assert.deepEqual(await agentState('8001'), { agent: '8001', name: '8001', extension: '2001', state: 'ready' });
  const changed = events('AgentStateChanged').find((c) => c.e.agent === '8001');
  assert.equal(changed?.e.state, 'ready');
  const db = openRecords(join(pbx.dataDir, 'records.db'));
  try {
    assert.deepEqual(new AgentStateStore(db).all().map((s) => [s.agent, s.extension, s.state]), [['8001', '2001', 'ready']]);
  } finally {
    db.close();
  }
  // A wrong PIN is refused (the confirmation is the failure prompt) and changes nothing.
  await runSipp({
    scenarioFile: scenario('feature-code'), remote: `127.0.0.1:${pbx.sipPort}`, service: '*218002%239999%23', localPort: await freePort(),
    auth: { username: '2002', password: 'secret-2002' }, authUri: `*218002%239999%23@127.0.0.1:${pbx.sipPort}`, timeoutSec: 20,
    vars: { caller: '2002', rtp_port: (await freeUdpPorts(1))[0]! },
  });
  assert.equal((await agentState('8002'))?.state, 'logged-out');
});

test('an IVR choice by DTMF (RFC 4733 digit 1) reaches queue repair; the longest-idle agent gets it; the screen pop comes before the INVITE', async () => {
  // 8001 has been idle since the previous test; 8002 logs in now, so 8001 is the longest idle.
  await control.call('POST', '/v1/acd/agent', { agent: '8002', action: 'login', extension: '2002' });
  const a1 = await agentPhone('2001');
  const a2 = await agentPhone('2002');
  try {
    const heard = await startRtpCounter();
    const r = await call(0, '95598', '13800000001', 3000, heard.port);
    await heard.stop();
    assert.equal(r.stats.successful, 1);
    // The welcome prompt until the key (400 ms), music on hold until the agent answers (~450 ms): ~40
    // packets; then the agent's 2 s of tone through the relay's bridge: ~100 more.
    assert.ok(heard.counts().audible >= 110, `the caller heard ${heard.counts().audible} audible packets (prompt, music, then the agent)`);
    const offer = await eventually(async () => events('CallOffered').at(-1), 5000, 'the CTI offer');
    assert.equal(offer.e.queue, 'repair');
    assert.equal(offer.e.agent, '8001');
    assert.equal(offer.e.callerNumber, '13800000001');
    assert.deepEqual(offer.e.ivr, { choices: [{ menu: 'main', digit: '1' }], digits: {} });
    const invites = a1.invites();
    assert.equal(invites.length, 1, 'the longest-idle agent\'s phone rang once');
    assert.equal(a2.invites().length, 0, 'the other agent\'s phone did not ring');
    assert.ok(offer.receivedAt < invites[0]!.at, `CTI offer at ${offer.receivedAt} before the INVITE at ${invites[0]!.at}`);
    assert.ok(events('CallAnswered').some((c) => c.e.callId === offer.e.callId && c.e.agent === '8001'));
    await eventually(async () => events('CallEnded').find((c) => c.e.callId === offer.e.callId), 5000, 'CallEnded');
  } finally {
    await a1.stop();
    await a2.stop();
  }
});

test('a VIP caller overtakes a caller who waited longer', async () => {
  await control.call('POST', '/v1/acd/agent', { agent: '8003', action: 'login', extension: '2003' });
  await control.call('POST', '/v1/acd/agent', { agent: '8003', action: 'not-ready', reason: 'break' });
  const phone = await agentPhone('2003', 100);
  try {
    const normal = call(0, '95590', '13800000002', 7000);
    await new Promise((r) => setTimeout(r, 800));
    const vip = call(1, '95590', VIP, 2500);
    await new Promise((r) => setTimeout(r, 800));
    await control.call('POST', '/v1/acd/agent', { agent: '8003', action: 'ready' });
    const [n, v] = await Promise.all([normal, vip]);
    assert.equal(v.stats.successful, 1);
    assert.equal(n.stats.successful, 1);
    const froms = phone.invites().map((i) => i.from);
    assert.equal(froms[0], VIP, `offers in order ${froms.join(', ')}`);
    assert.equal(froms[1], '13800000002');
  } finally {
    await phone.stop();
  }
});

test('a caller overflows to the queue\'s destination after its maximum wait', async () => {
  const target = await agentPhone('1009', 100);
  try {
    const r = await call(0, '95591', '13800000003', 4500);
    assert.equal(r.stats.successful, 1);
    const ended = events('CallEnded').find((c) => c.e.queue === 'short');
    assert.equal(ended?.e.outcome, 'overflowed');
    assert.equal(target.invites().length, 1, 'the overflow extension rang');
    assert.equal(target.invites()[0]!.from, '13800000003');
  } finally {
    await target.stop();
  }
});

test('ring-all rings every ready agent of the queue; the first to answer gets the caller, the other phone is cancelled', async () => {
  await control.call('POST', '/v1/acd/agent', { agent: '8004', action: 'login', extension: '2004' });
  await control.call('POST', '/v1/acd/agent', { agent: '8005', action: 'login', extension: '2005' });
  const fast = await agentPhone('2004', 300);
  const slow = await agentPhone('2005', 3000);
  try {
    const r = await call(0, '95592', '13800000004', 3000);
    assert.equal(r.stats.successful, 1);
    assert.equal(fast.invites().length, 1);
    assert.equal(slow.invites().length, 1, 'both phones rang');
    const offers = events('CallOffered').filter((c) => c.e.queue === 'all');
    assert.deepEqual(offers.map((c) => c.e.agent).sort(), ['8004', '8005'], 'a screen pop for each agent rung');
    const answered = events('CallAnswered').find((c) => c.e.queue === 'all');
    assert.equal(answered?.e.agent, '8004');
    assert.equal((await agentState('8005'))?.state, 'ready', 'the agent who did not answer is free again');
  } finally {
    await fast.stop();
    await slow.stop();
  }
});

test('a caller who hangs up while queued is counted abandoned (CTI and the wallboard snapshot)', async () => {
  const before = (await control.call<{ queues: Array<{ name: string; stats: { abandoned: number; offered: number } }> }>('GET', '/v1/acd/snapshot')).queues.find((q) => q.name === 'short')!.stats;
  const r = await call(0, '95591', '13800000005', 600);
  assert.equal(r.stats.successful, 1);
  const ended = await eventually(async () => events('CallEnded').find((c) => c.e.queue === 'short' && c.e.outcome === 'abandoned'), 5000, 'CallEnded abandoned');
  assert.ok(ended);
  const after = (await control.call<{ queues: Array<{ name: string; stats: { abandoned: number; offered: number } }> }>('GET', '/v1/acd/snapshot')).queues.find((q) => q.name === 'short')!.stats;
  assert.equal(after.abandoned, before.abandoned + 1);
  assert.equal(after.offered, before.offered + 1);
});

test('an agent who lets the phone ring past the ring timeout is set not ready (no-answer) and the next agent gets the caller', async () => {
  for (const [agent, ext] of [['8006', '2006'], ['8007', '2007']]) await control.call('POST', '/v1/acd/agent', { agent, action: 'login', extension: ext });
  const sleepy = await agentPhone('2006', 8000);
  const awake = await agentPhone('2007', 200);
  try {
    const r = await call(0, '95593', '13800000006', 4500);
    assert.equal(r.stats.successful, 1);
    assert.equal(sleepy.invites().length, 1, 'the first agent of the list was rung');
    assert.equal(awake.invites().length, 1, 'then the next one');
    assert.equal(events('CallAnswered').find((c) => c.e.queue === 'slow')?.e.agent, '8007');
    assert.deepEqual(await agentState('8006'), { agent: '8006', name: '8006', extension: '2006', state: 'not-ready', reason: 'no-answer' });
  } finally {
    await sleepy.stop();
    await awake.stop();
  }
});

test('an agent whose phone refuses the call (486) stays ready and the next agent gets the caller', async () => {
  for (const [agent, ext] of [['8008', '2008'], ['8009', '2009']]) await control.call('POST', '/v1/acd/agent', { agent, action: 'login', extension: ext });
  const [busyPort] = [await freePort()];
  const busy = startSipp({ scenarioFile: scenario('uas-busy'), localPort: busyPort, calls: 0, timeoutSec: 60, allowFailure: true });
  await waitForUdpBound(busyPort);
  const reg = (expires: number) => runSipp({
    scenarioFile: scenario('register'), remote: `127.0.0.1:${pbx.sipPort}`, service: '2008',
    auth: { username: '2008', password: 'secret-2008' }, vars: { contact_port: busyPort, expires }, timeoutSec: 10, allowFailure: expires === 0,
  });
  await reg(300);
  const answering = await agentPhone('2009', 200);
  try {
    const r = await call(0, '95594', '13800000007', 3000);
    assert.equal(r.stats.successful, 1);
    assert.equal(events('CallAnswered').find((c) => c.e.queue === 'picky')?.e.agent, '8009');
    assert.ok(events('CallOffered').some((c) => c.e.queue === 'picky' && c.e.agent === '8008'), 'the refusing agent was offered the call first');
    assert.equal((await agentState('8008'))?.state, 'ready');
  } finally {
    await busy.stop();
    await reg(0);
    await answering.stop();
  }
});

test('a waiting caller hears music on hold and the position and estimated-wait announcements (counted by the PBX) from prompts that exist', async () => {
  const before = (await pbx.status()).counters;
  const heard = await startRtpCounter();
  const r = await call(0, '95595', '13800000008', 3500, heard.port);
  await heard.stop();
  assert.equal(r.stats.successful, 1);
  // 3.9 s on the line: music on hold and the announcements, never dead air.
  assert.ok(heard.counts().audible >= 120, `the caller heard ${heard.counts().audible} audible packets`);
  const after = (await pbx.status()).counters;
  // Position every second and the wait every two, each back to music on hold afterwards; a busy box may drop a tick.
  assert.ok(after['callCenter.announcements']! - before['callCenter.announcements']! >= 2, `announcements ${after['callCenter.announcements']}`);
  assert.equal(after['callCenter.promptsMissing'], before['callCenter.promptsMissing'], 'every prompt named exists in the default set');
});
