// Supervisor features and conferences (issue 6) against a real PBX process. Every party is a
// sipp that streams its own tone (caller 600 Hz, agent 1000 Hz, supervisor / third party 1700 Hz)
// and whose SDP points the PBX's audio at an RTP analyzer, so each check is "who hears which
// frequency" in a time window. The mixing happens in the PBX's media relay worker.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlClient, ControlRequestError } from '@hotline/appliance/control';
import { freePort } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound, type SippProcess } from '../src/sipp.ts';
import { agentPhone } from '../src/acd-phones.ts';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { startRtpAnalyzer, type RtpAnalyzer } from '../src/rtp-analyzer.ts';
import { check, window } from '../src/who-hears.ts';
import { eventually, startPbx, type HilPbx } from '../src/pbx.ts';

const CALLER = 600;
const AGENT = 1000;
const THIRD = 1700;
const FOURTH = 2300;
const VOICE_MS = 20_000;
const voice = (hz: number) => buildToneRtpPcap({ frequencyHz: hz, durationMs: VOICE_MS, amplitude: 0.3 });

const PHONES = ['2001', '2002', '2003', '2098', '2099'].map((number) => ({ number, secret: `secret-${number}` }));
const SUPERVISOR = '2099';
const NOT_A_SUPERVISOR = '2098';

let pbx: HilPbx;
let control: ControlClient;
let callerPort: number;
const logs = mkdtempSync(join(tmpdir(), 'hil-sup-'));
/** CTI events with the performance.now() each arrived (the analyzers' clock). */
const cti: Array<{ e: Record<string, unknown>; at: number }> = [];
let stream: { close(): void } | undefined;

before(async () => {
  callerPort = await freePort();
  pbx = await startPbx({
    extensions: PHONES, authFailureLimit: 50,
    trunks: [{ name: 'callers', host: '127.0.0.1', port: callerPort }],
    configure: (d) => {
      d.acd = {
        queues: [{ name: 'care', ringTimeoutSec: 10, wrapUpSec: 1 }],
        agents: [{ number: '8001', queues: [{ queue: 'care' }] }],
        screenPopLeadMs: 0,
        supervisors: [SUPERVISOR],
      };
      d.routes = { inbound: [{ name: 'care line', did: '95596', destination: { kind: 'queue', name: 'care' } }] };
    },
  });
  control = new ControlClient(join(pbx.dataDir, 'run', 'pbx.sock'));
  stream = control.follow('/v1/cti/events', (e) => cti.push({ e: e as Record<string, unknown>, at: performance.now() }), () => undefined);
});

after(async () => {
  stream?.close();
  if (process.env.HIL_KEEP_LOGS) writeFileSync(process.env.HIL_KEEP_LOGS, pbx?.logs() ?? '');
  await pbx?.stop();
  rmSync(logs, { recursive: true, force: true });
});

const secret = (n: string) => PHONES.find((p) => p.number === n)!.secret;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const event = (type: string, match: (e: Record<string, unknown>) => boolean = () => true, since = 0) =>
  eventually(async () => cti.find((c) => c.e.type === type && c.at >= since && match(c.e)), 10_000, `CTI ${type}`);
const agentState = async (agent: string) => (await control.call<{ agents: Array<{ agent: string; state: string; reason?: string }> }>('GET', '/v1/acd/snapshot')).agents.find((a) => a.agent === agent);

/** A caller on the trunk streaming `hz` to queue care; its SDP points at `rtpPort`. Waits for the PBX's BYE, or hangs up after `holdMs`. */
function caller(rtpPort: number, holdMs?: number): SippProcess {
  return startSipp({
    scenarioFile: scenario(holdMs === undefined ? 'caller-voice-wait' : 'caller-voice'), remote: `127.0.0.1:${pbx.sipPort}`, service: '95596',
    localPort: callerPort, timeoutSec: 40, vars: { caller: '13800000006', rtp_port: rtpPort }, files: { 'voice.pcap': voice(CALLER) },
    ...(holdMs !== undefined ? { extraArgs: ['-d', String(holdMs)] } : {}),
  });
}

/** Extension `from` dials `dialled` with digest auth and streams `hz`; waits for the PBX's BYE, or hangs up after `holdMs`. */
async function extensionCall(from: string, dialled: string, hz: number, rtpPort: number, holdMs?: number): Promise<SippProcess> {
  const service = dialled.replace(/#/g, '%23');
  return startSipp({
    scenarioFile: scenario(holdMs === undefined ? 'ext-voice-call' : 'ext-voice-call-hangup'), remote: `127.0.0.1:${pbx.sipPort}`, service, localPort: await freePort(),
    auth: { username: from, password: secret(from) }, authUri: `${service}@127.0.0.1:${pbx.sipPort}`, timeoutSec: 40,
    vars: { caller: from, rtp_port: rtpPort }, files: { 'voice.pcap': voice(hz) },
    ...(holdMs !== undefined ? { extraArgs: ['-d', String(holdMs)] } : {}),
  });
}

test('a supervisor code from an extension not in acd.supervisors is refused with 403 and changes nothing', async () => {
  const r = await runSipp({
    scenarioFile: scenario('uac-forbidden'), remote: `127.0.0.1:${pbx.sipPort}`, service: '*348001', localPort: await freePort(),
    auth: { username: NOT_A_SUPERVISOR, password: secret(NOT_A_SUPERVISOR) }, authUri: `*348001@127.0.0.1:${pbx.sipPort}`, timeoutSec: 20,
    vars: { caller: NOT_A_SUPERVISOR, rtp_port: 40000 },
  });
  assert.equal(r.stats.successful, 1);
  const cdr = await eventually(async () => (await pbx.cdr()).find((c) => c.caller === NOT_A_SUPERVISOR), 5000, 'the refused call\'s record');
  assert.equal(cdr.sipCode, 403);
  assert.equal(cdr.endCause, 'not-a-supervisor');
});

test('listen, whisper and barge on a queue call: who hears whom, then force release ends the call with end cause force-release', async () => {
  await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'login', extension: '2001' });
  const [c, a, s] = await Promise.all([startRtpAnalyzer(), startRtpAnalyzer(), startRtpAnalyzer()]) as [RtpAnalyzer, RtpAnalyzer, RtpAnalyzer];
  const phone = await agentPhone(pbx.sipPort, '2001', secret('2001'), logs, 200, { rtpPort: a.port, voice: voice(AGENT) });
  const since = performance.now();
  const callerSipp = caller(c.port);
  let supervisorSipp: SippProcess | undefined;
  try {
    const answered = await event('CallAnswered', (e) => e.agent === '8001', since);
    // The API cannot switch a supervisor who is not there yet.
    await assert.rejects(control.call('POST', '/v1/acd/supervise', { agent: '8001', action: 'whisper' }), (err) => err instanceof ControlRequestError && err.status === 400);
    supervisorSipp = await extensionCall(SUPERVISOR, '*318001', THIRD, s.port);
    await event('SupervisionStarted', (e) => e.agent === '8001' && e.mode === 'listen', since);

    const listen = await window(1500);
    check('listening supervisor', s.analysis, listen, [CALLER, AGENT], []);
    check('caller (listen)', c.analysis, listen, [AGENT], [THIRD, CALLER]);
    check('agent (listen)', a.analysis, listen, [CALLER], [THIRD, AGENT]);

    await control.call('POST', '/v1/acd/supervise', { agent: '8001', action: 'whisper' });
    const whisper = await window(1500);
    check('agent (whisper)', a.analysis, whisper, [CALLER, THIRD], [AGENT]);
    check('caller (whisper)', c.analysis, whisper, [AGENT], [THIRD]);
    check('whispering supervisor', s.analysis, whisper, [CALLER, AGENT], [THIRD]);

    await control.call('POST', '/v1/acd/supervise', { agent: '8001', action: 'barge' });
    const barge = await window(1500);
    check('caller (barge)', c.analysis, barge, [AGENT, THIRD], [CALLER]);
    check('agent (barge)', a.analysis, barge, [CALLER, THIRD], [AGENT]);
    check('barging supervisor', s.analysis, barge, [CALLER, AGENT], [THIRD]);
    assert.ok(cti.some((x) => x.e.type === 'SupervisionModeChanged' && x.e.mode === 'barge'));

    const released = await control.call<{ callId: string }>('POST', '/v1/acd/supervise', { agent: '8001', action: 'release' });
    assert.equal(released.callId, answered.e.callId);
    // The caller, the agent's phone and the supervisor all get the PBX's BYE.
    assert.equal((await callerSipp.done).stats.successful, 1);
    assert.equal((await supervisorSipp.done).stats.successful, 1);
    const forced = await event('AgentForced', (e) => e.action === 'release', since);
    assert.equal(forced.e.callId, answered.e.callId);
    await event('SupervisionEnded', (e) => e.agent === '8001', since);
    const cdr = await eventually(async () => (await pbx.cdr()).find((r) => r.callId === answered.e.callId), 5000, 'the released call\'s record');
    assert.equal(cdr.endCause, 'force-release');
    assert.equal(cdr.hangupSide, 'system');
  } finally {
    await callerSipp.stop().catch(() => undefined);
    await supervisorSipp?.stop().catch(() => undefined);
    await phone.stop();
    await Promise.all([c.stop(), a.stop(), s.stop()]);
  }
});

test('a supervisor who hangs up leaves the call as it was: caller and agent go on hearing each other, forwarded directly again', async () => {
  await eventually(async () => ((await agentState('8001'))?.state === 'ready' ? true : undefined), 5000, 'the agent ready after wrap-up');
  const [c, a, s] = await Promise.all([startRtpAnalyzer(), startRtpAnalyzer(), startRtpAnalyzer()]) as [RtpAnalyzer, RtpAnalyzer, RtpAnalyzer];
  const phone = await agentPhone(pbx.sipPort, '2001', secret('2001'), logs, 200, { rtpPort: a.port, voice: voice(AGENT) });
  const since = performance.now();
  const callerSipp = caller(c.port, 6000);
  let supervisorSipp: SippProcess | undefined;
  try {
    await event('CallAnswered', (e) => e.agent === '8001', since);
    // Barge, then hang up after 1.5 s (the supervisor's own BYE).
    supervisorSipp = await extensionCall(SUPERVISOR, '*338001', THIRD, s.port, 1500);
    await event('SupervisionStarted', (e) => e.mode === 'barge', since);
    const barge = await window(800);
    check('caller (barge)', c.analysis, barge, [AGENT, THIRD], []);
    assert.equal((await supervisorSipp.done).stats.successful, 1);
    await event('SupervisionEnded', (e) => e.agent === '8001', since);
    const afterwards = await window(1500);
    check('caller (supervisor gone)', c.analysis, afterwards, [AGENT], [THIRD]);
    check('agent (supervisor gone)', a.analysis, afterwards, [CALLER], [THIRD]);
    // Forwarded again: the caller receives the agent's own stream (its SSRC), not the relay's mix.
    const ssrcs = new Set(c.analysis.frames().filter((fr) => fr.atMs >= afterwards[0]).map((fr) => fr.ssrc));
    assert.equal(ssrcs.size, 1);
    assert.equal([...ssrcs][0], 0x484f544c, 'the agent phone\'s SSRC as sipp sends it');
    assert.equal((await callerSipp.done).stats.successful, 1);
  } finally {
    await callerSipp.stop().catch(() => undefined);
    await supervisorSipp?.stop().catch(() => undefined);
    await phone.stop();
    await Promise.all([c.stop(), a.stop(), s.stop()]);
  }
});

test('force not ready (*35) and force logout (*36) from the supervisor\'s phone change the agent\'s state, with CTI events', async () => {
  await eventually(async () => ((await agentState('8001'))?.state === 'ready' ? true : undefined), 5000, 'the agent ready after wrap-up');
  const since = performance.now();
  const code = async (dialled: string) => runSipp({
    scenarioFile: scenario('feature-code'), remote: `127.0.0.1:${pbx.sipPort}`, service: dialled, localPort: await freePort(),
    auth: { username: SUPERVISOR, password: secret(SUPERVISOR) }, authUri: `${dialled}@127.0.0.1:${pbx.sipPort}`, timeoutSec: 20,
    vars: { caller: SUPERVISOR, rtp_port: 40002 },
  });
  assert.equal((await code('*358001')).stats.successful, 1);
  assert.deepEqual({ state: (await agentState('8001'))?.state, reason: (await agentState('8001'))?.reason }, { state: 'not-ready', reason: 'supervisor' });
  await event('AgentStateChanged', (e) => e.agent === '8001' && e.state === 'not-ready' && e.reason === 'supervisor', since);
  await event('AgentForced', (e) => e.action === 'not-ready' && e.supervisor === SUPERVISOR, since);
  assert.equal((await code('*368001')).stats.successful, 1);
  assert.equal((await agentState('8001'))?.state, 'logged-out');
  await event('AgentStateChanged', (e) => e.agent === '8001' && e.state === 'logged-out', since);
  // Forcing an agent who is not logged in is refused: the supervisor hears the failure prompt, the API answers 400.
  assert.equal((await code('*368001')).stats.successful, 1);
  await assert.rejects(control.call('POST', '/v1/acd/supervise', { agent: '8001', action: 'logout' }), (err) => err instanceof ControlRequestError && err.status === 400);
  await assert.rejects(control.call('POST', '/v1/acd/supervise', { agent: '8001', action: 'sing' }), (err) => err instanceof ControlRequestError && err.status === 400);
});

test('whisper on a direct extension call (not from a queue): the agent\'s leg is found by its extension; only the agent hears the supervisor', async () => {
  await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'login', extension: '2001' }).catch(() => undefined);
  const [c, a, s] = await Promise.all([startRtpAnalyzer(), startRtpAnalyzer(), startRtpAnalyzer()]) as [RtpAnalyzer, RtpAnalyzer, RtpAnalyzer];
  const phone = await agentPhone(pbx.sipPort, '2001', secret('2001'), logs, 200, { rtpPort: a.port, voice: voice(AGENT) });
  const since = performance.now();
  // Extension 2002 calls the agent's extension directly and hangs up after 4 s.
  const direct = await extensionCall('2002', '2001', CALLER, c.port, 4000);
  let supervisorSipp: SippProcess | undefined;
  try {
    await eventually(async () => ((await pbx.status()).activeCalls.some((x) => x.caller === '2002' && x.state === 'answered') ? true : undefined), 5000, 'the direct call answered');
    supervisorSipp = await extensionCall(SUPERVISOR, '*328001', THIRD, s.port);
    await event('SupervisionStarted', (e) => e.mode === 'whisper', since);
    const whisper = await window(1200);
    check('agent (whisper, direct call)', a.analysis, whisper, [CALLER, THIRD], [AGENT]);
    check('caller (whisper, direct call)', c.analysis, whisper, [AGENT], [THIRD, CALLER]);
    // The caller hangs up: the supervisor is hung up with the call.
    assert.equal((await direct.done).stats.successful, 1);
    assert.equal((await supervisorSipp.done).stats.successful, 1);
    await event('SupervisionEnded', (e) => e.agent === '8001', since);
  } finally {
    await direct.stop().catch(() => undefined);
    await supervisorSipp?.stop().catch(() => undefined);
    await phone.stop();
    await Promise.all([c.stop(), a.stop(), s.stop()]);
  }
});

test('3-party conference: the agent merges its queue call with a consult call, each hears the other two; the agent leaves and the other two go on; the room ends when the caller hangs up', async () => {
  await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'login', extension: '2001' });
  const [c, a1, a2, t] = await Promise.all([startRtpAnalyzer(), startRtpAnalyzer(), startRtpAnalyzer(), startRtpAnalyzer()]) as [RtpAnalyzer, RtpAnalyzer, RtpAnalyzer, RtpAnalyzer];
  // The agent's phone answers the queue call (its first dialog); the third party is extension 2002.
  const phone = await agentPhone(pbx.sipPort, '2001', secret('2001'), logs, 200, { rtpPort: a1.port, voice: voice(AGENT) });
  const third = await agentPhone(pbx.sipPort, '2002', secret('2002'), logs, 200, { rtpPort: t.port, voice: voice(THIRD) });
  const since = performance.now();
  const callerSipp = caller(c.port, 9000);
  let consult: SippProcess | undefined;
  try {
    await event('CallAnswered', (e) => e.agent === '8001', since);
    // Merging with only one call is refused.
    await assert.rejects(control.call('POST', '/v1/acd/conference', { agent: '8001', action: 'merge' }), (err) => err instanceof ControlRequestError && err.status === 400);
    // The consult call: the agent's extension dials 2002 (its second dialog) and hangs up 4.5 s after the answer.
    consult = await extensionCall('2001', '2002', AGENT, a2.port, 4500);
    let refusal = '';
    const merged = await eventually(async () => {
      try {
        return await control.call<{ room: string; parties: string[] }>('POST', '/v1/acd/conference', { agent: '8001', action: 'merge' });
      } catch (err) {
        refusal = (err as Error).message;
        return undefined;
      }
    }, 5000, 'the merge').catch(async (err: Error) => { throw new Error(`${err.message}: ${refusal}; calls ${JSON.stringify((await pbx.status()).activeCalls)}; cdr ${JSON.stringify((await pbx.cdr()).slice(-2))}; consult ${JSON.stringify(await Promise.race([consult!.done, sleep(100)]))}`); });
    assert.equal(merged.parties.length, 3);
    await event('ConferenceStarted', () => true, since);

    const together = await window(1500);
    check('caller (conference)', c.analysis, together, [AGENT, THIRD], [CALLER]);
    check('third party (conference)', t.analysis, together, [CALLER, AGENT], [THIRD]);
    check('agent on its consult dialog (conference)', a2.analysis, together, [CALLER, THIRD], [AGENT]);

    // The agent hangs up its consult dialog: it leaves, its held first dialog gets a BYE too.
    await event('ConferencePartyLeft', (e) => e.party === '2001', since);
    const left = performance.now();
    assert.equal((await consult.done).stats.successful, 1);
    const afterLeaving = await window(1500);
    check('caller (after the agent left)', c.analysis, afterLeaving, [THIRD], [AGENT, CALLER]);
    check('third party (after the agent left)', t.analysis, afterLeaving, [CALLER], [AGENT, THIRD]);
    assert.equal(a1.analysis.frames().filter((f) => f.atMs > left + 500).length, 0, 'the agent\'s first dialog was hung up');

    // The caller hangs up (9 s after its answer): one party left, the room ends and the third party gets a BYE.
    assert.equal((await callerSipp.done).stats.successful, 1);
    await event('ConferenceEnded', () => true, since);
    await eventually(async () => (third.invites().length === 1 && (await pbx.status()).activeCalls.length === 0 ? true : undefined), 5000, 'every call ended');
  } finally {
    await callerSipp.stop().catch(() => undefined);
    await consult?.stop().catch(() => undefined);
    await phone.stop();
    await third.stop();
    await Promise.all([c.stop(), a1.stop(), a2.stop(), t.stop()]);
  }
});

test('N-party: a second consult call and a second merge add a fourth party; leave by the API; the rest talk on until fewer than two remain', async () => {
  await eventually(async () => ((await agentState('8001'))?.state === 'ready' ? true : undefined), 5000, 'the agent ready after wrap-up');
  const [c, a1, a2, a3, t, f] = await Promise.all(Array.from({ length: 6 }, () => startRtpAnalyzer())) as RtpAnalyzer[] as [RtpAnalyzer, RtpAnalyzer, RtpAnalyzer, RtpAnalyzer, RtpAnalyzer, RtpAnalyzer];
  const phone = await agentPhone(pbx.sipPort, '2001', secret('2001'), logs, 200, { rtpPort: a1.port, voice: voice(AGENT) });
  const third = await agentPhone(pbx.sipPort, '2002', secret('2002'), logs, 200, { rtpPort: t.port, voice: voice(THIRD) });
  const fourth = await agentPhone(pbx.sipPort, '2003', secret('2003'), logs, 200, { rtpPort: f.port, voice: voice(FOURTH) });
  const since = performance.now();
  const callerSipp = caller(c.port, 9000);
  const consults: SippProcess[] = [];
  const merge = () => eventually(async () => {
    try {
      return await control.call<{ room: string; parties: string[] }>('POST', '/v1/acd/conference', { agent: '8001', action: 'merge' });
    } catch {
      return undefined;
    }
  }, 5000, 'the merge');
  try {
    await event('CallAnswered', (e) => e.agent === '8001', since);
    consults.push(await extensionCall('2001', '2002', AGENT, a2.port));
    assert.equal((await merge()).parties.length, 3);
    // The agent holds the conference on its phone and consults a fourth party, then merges again.
    consults.push(await extensionCall('2001', '2003', AGENT, a3.port));
    const four = await merge();
    assert.deepEqual(four.parties, ['2001', '13800000006', '2002', '2003']);
    await event('ConferencePartyJoined', (e) => e.party === '2003', since);

    const all = await window(1500);
    check('caller (4 parties)', c.analysis, all, [AGENT, THIRD, FOURTH], [CALLER]);
    check('third party (4 parties)', t.analysis, all, [CALLER, AGENT, FOURTH], [THIRD]);
    check('fourth party (4 parties)', f.analysis, all, [CALLER, AGENT, THIRD], [FOURTH]);
    check('agent on its newest dialog (4 parties)', a3.analysis, all, [CALLER, THIRD, FOURTH], [AGENT]);

    await control.call('POST', '/v1/acd/conference', { agent: '8001', action: 'leave' });
    // Each of the agent's dialogs gets a BYE: the two consult sipps finish.
    for (const k of consults) assert.equal((await k.done).stats.successful, 1);
    const without = await window(1500);
    check('caller (agent gone)', c.analysis, without, [THIRD, FOURTH], [AGENT]);
    check('fourth party (agent gone)', f.analysis, without, [CALLER, THIRD], [AGENT]);
    await assert.rejects(control.call('POST', '/v1/acd/conference', { agent: '8001', action: 'leave' }), (err) => err instanceof ControlRequestError && err.status === 400);

    // The caller hangs up: two parties remain and still hear each other.
    assert.equal((await callerSipp.done).stats.successful, 1);
    const two = await window(1200);
    check('third party (with the fourth only)', t.analysis, two, [FOURTH], [CALLER, AGENT]);
    assert.ok(!cti.some((x) => x.e.type === 'ConferenceEnded' && x.at > since), 'the room goes on with two parties');
  } finally {
    await callerSipp.stop().catch(() => undefined);
    for (const k of consults) await k.stop().catch(() => undefined);
    await phone.stop();
    await third.stop();
    await fourth.stop();
    await Promise.all([c, a1, a2, a3, t, f].map((x) => x.stop()));
  }
});

test('listen started by the API: the PBX calls the supervisor\'s phone ("listen 8001"); it hears both, nobody hears it; whisper by the API; its BYE leaves caller and agent talking', async () => {
  await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'login', extension: '2001' }).catch(() => undefined);
  await eventually(async () => ((await agentState('8001'))?.state === 'ready' ? true : undefined), 10_000, 'the agent ready');
  const [c, a, s] = await Promise.all([startRtpAnalyzer(), startRtpAnalyzer(), startRtpAnalyzer()]) as [RtpAnalyzer, RtpAnalyzer, RtpAnalyzer];
  const phone = await agentPhone(pbx.sipPort, '2001', secret('2001'), logs, 200, { rtpPort: a.port, voice: voice(AGENT) });
  const supervisorPort = await freePort();
  const supervisorLog = join(logs, 'supervisor-phone.log');
  const register = (expires: number) => runSipp({
    scenarioFile: scenario('register'), remote: `127.0.0.1:${pbx.sipPort}`, service: SUPERVISOR,
    auth: { username: SUPERVISOR, password: secret(SUPERVISOR) }, vars: { contact_port: supervisorPort, expires }, timeoutSec: 10, allowFailure: expires === 0,
  });
  const since = performance.now();
  const callerSipp = caller(c.port);
  let supervisorSipp: SippProcess | undefined;
  try {
    const answered = await event('CallAnswered', (e) => e.agent === '8001', since);
    const refused = (supervisor: string, message: RegExp) => assert.rejects(
      control.call('POST', '/v1/acd/supervise', { agent: '8001', action: 'listen', supervisor }),
      (err) => err instanceof ControlRequestError && err.status === 400 && message.test(JSON.stringify(err.body)),
    );
    // Refusals before anything rings: the supervisor's phone is not registered; not a supervisor.
    await refused(SUPERVISOR, /supervisor phone 2099 is not registered/);
    await refused(NOT_A_SUPERVISOR, /extension 2098 is not a supervisor/);

    // The supervisor's phone: answers at once, streams its tone, hangs up 5 s after answering.
    supervisorSipp = startSipp({
      scenarioFile: scenario('supervisor-phone'), localPort: supervisorPort, service: SUPERVISOR, timeoutSec: 60,
      vars: { rtp_port: s.port, log: supervisorLog }, files: { 'tone.pcap': voice(THIRD) }, extraArgs: ['-d', '5000'],
    });
    await waitForUdpBound(supervisorPort);
    await register(300);
    const started = await control.call<{ ringing?: boolean; callId?: string; supervisor?: string }>('POST', '/v1/acd/supervise', { agent: '8001', action: 'listen', supervisor: SUPERVISOR });
    assert.deepEqual([started.ringing, started.callId, started.supervisor], [true, answered.e.callId, SUPERVISOR]);
    await event('SupervisionStarted', (e) => e.agent === '8001' && e.mode === 'listen' && e.supervisor === SUPERVISOR, since);
    // The phone showed what the call is (From display name and user).
    assert.match(existsSync(supervisorLog) ? readFileSync(supervisorLog, 'utf8') : '', /^\s*"listen 8001" <sip:8001@/m);

    const listen = await window(1500);
    check('listening supervisor (called by the PBX)', s.analysis, listen, [CALLER, AGENT], []);
    check('caller (listen)', c.analysis, listen, [AGENT], [THIRD, CALLER]);
    check('agent (listen)', a.analysis, listen, [CALLER], [THIRD, AGENT]);

    // Switched by the API: the supervisor in the call is found without naming it.
    await control.call('POST', '/v1/acd/supervise', { agent: '8001', action: 'whisper' });
    const whisper = await window(1500);
    check('agent (whisper)', a.analysis, whisper, [CALLER, THIRD], [AGENT]);
    check('caller (whisper)', c.analysis, whisper, [AGENT], [THIRD]);

    // The supervisor's phone hangs up: caller and agent go on talking.
    assert.equal((await supervisorSipp.done).stats.successful, 1);
    await event('SupervisionEnded', (e) => e.agent === '8001' && e.supervisor === SUPERVISOR, since);
    const afterwards = await window(1500);
    check('caller (supervisor gone)', c.analysis, afterwards, [AGENT], [THIRD]);
    check('agent (supervisor gone)', a.analysis, afterwards, [CALLER], [THIRD]);
    await control.call('POST', '/v1/acd/supervise', { agent: '8001', action: 'release' });
    assert.equal((await callerSipp.done).stats.successful, 1);
  } finally {
    await callerSipp.stop().catch(() => undefined);
    await supervisorSipp?.stop().catch(() => undefined);
    await register(0).catch(() => undefined);
    await phone.stop();
    await Promise.all([c.stop(), a.stop(), s.stop()]);
  }
});
