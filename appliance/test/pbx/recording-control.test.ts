// The PBX's recording decisions on a fake network and clock, against the recorder's own SIP
// side (SessionRecordingServer with an in-memory backend): policy at answer, *41..*44 keyed
// in the call, API commands, and the OPTIONS probe noticing a dead recorder within seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransactionLayer, defaultTimers, senderOver } from '../../src/sip/transaction/index.ts';
import type { Endpoint } from '../../src/sip/transport/index.ts';
import { LocalIdentity } from '../../src/sip/local-address.ts';
import { SessionRecordingServer, type RecordingBackend } from '../../src/recorder/srs.ts';
import { RecordingOfferError } from '../../src/recorder/errors.ts';
import type { RecordingMetadata } from '../../src/recorder/metadata.ts';
import type { OfferedStream } from '../../src/recorder/recording-sdp.ts';
import { acdSettings, ivrSettings, type HotlineConfig, type RecordingConfig } from '../../src/config/index.ts';
import { CallCenter, PromptSet } from '../../src/pbx/call-center/index.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingCommandError } from '../../src/pbx/recording/recording-control.ts';
import { answeredCallOf } from '../../src/pbx/recording/answered-call.ts';
import { FakePhone, fakePbx } from './fake-phone.ts';
import { CallbackDialer } from '../../src/pbx/call-center/callbacks.ts';
import type { AcdEvent } from '../../src/acd/index.ts';

const SRS_AT: Endpoint = { transport: 'udp', address: '10.0.0.9', port: 5080 };

/** What the fake recorder saw: sessions opened (with their metadata), updates (pause/resume) and closes. */
interface SrsLog { opened: RecordingMetadata[]; updates: Array<'paused' | 'recording'>; closed: string[]; metadata: RecordingMetadata[] }

async function setup(recording: Partial<RecordingConfig> = {}, more?: (c: HotlineConfig) => void) {
  const env = fakePbx({ mutate: (c) => { c.recording = { recorder: { host: SRS_AT.address, port: SRS_AT.port }, ...recording }; more?.(c); } });
  const seen: SrsLog = { opened: [], updates: [], closed: [], metadata: [] };
  const srs = { alive: true, refusing: undefined as string | undefined };
  let n = 0;
  const backend: RecordingBackend = {
    admit: () => { if (srs.refusing) throw new RecordingOfferError(503, srs.refusing); },
    refusal: () => (srs.refusing ? new RecordingOfferError(503, srs.refusing) : undefined),
    open: async (o) => { seen.opened.push(o.metadata!); return { id: `r${++n}`, ports: o.streams.map((_, i) => 31000 + 2 * i) }; },
    update: async (_id, o: { streams?: OfferedStream[]; metadata?: RecordingMetadata }) => {
      if (o.metadata) seen.metadata.push(o.metadata);
      else if (o.streams) seen.updates.push(o.streams.every((s) => s.direction === 'inactive') ? 'paused' : 'recording');
      return { ports: [31000, 31002] };
    },
    close: (id) => { seen.closed.push(id); },
  };
  let layer!: TransactionLayer;
  // A dead recorder drops everything, as a killed process's port does.
  const t = env.net.endpoint(SRS_AT, { onMessage: (m, s) => { if (srs.alive) layer.receive(m, s); } });
  layer = new TransactionLayer(senderOver(t), env.clock, defaultTimers);
  layer.setUser(new SessionRecordingServer({ tx: layer, local: new LocalIdentity(SRS_AT.address, { udp: SRS_AT.port, tcp: SRS_AT.port }), clock: env.clock, timers: defaultTimers, backend, userAgent: 'fake-srs' }));
  const alice = new FakePhone(env, '1001', '10.0.0.11');
  const bob = new FakePhone(env, '1002', '10.0.0.12');
  alice.register();
  bob.register();
  await env.run(100);
  return { env, seen, srs, alice, bob };
}

/** The AOR user of the party sending on `label` in the recorder's view of the metadata. */
function senderUser(m: RecordingMetadata, label: string): string | undefined {
  const stream = m.streams.find((s) => s.label === label);
  return m.participants.find((p) => stream && p.send.includes(stream.id))?.aor?.replace(/^sip:([^@]+)@.*$/, '$1');
}

/** Keys `digits` on a leg of the only call, 150 ms apart, as the relay reports RFC 4733 ends. */
async function key(env: Awaited<ReturnType<typeof setup>>['env'], leg: 'a' | 'b', digits: string): Promise<void> {
  const sessionId = [...env.media.sessions.keys()].at(-1)!;
  for (const digit of digits) {
    env.media.emit({ type: 'dtmf', sessionId, leg, digit, durationMs: 100 });
    await env.run(150);
  }
}

test('always (the default): the answered call is recorded with direction, caller and callee; its end closes the recording', async () => {
  const { env, seen, alice } = await setup();
  alice.call('1002');
  await env.run(200);
  assert.equal(seen.opened.length, 1);
  assert.equal(seen.opened[0]!.hotline.direction, 'internal');
  assert.equal(seen.opened[0]!.hotline.callId, env.stack.b2bua.activeCalls()[0]!.callId);
  assert.ok(env.media.forks.at(-1)!.targets.a, 'the relay forks leg a to the recorder');
  alice.bye();
  await env.run(200);
  assert.deepEqual(seen.closed, ['r1']);
});

test('on-demand: nothing until *41 from an extension; *43 pauses (fork stopped, streams inactive), *44 resumes, *42 stops', async () => {
  const { env, seen, alice } = await setup({ default: 'on-demand' });
  alice.call('1002');
  await env.run(200);
  assert.equal(seen.opened.length, 0, 'not recorded at the answer');
  await key(env, 'a', '12*41');
  assert.equal(seen.opened.length, 1, '*41 started the recording');
  const forksBefore = env.media.forks.length;
  await key(env, 'b', '*43');
  assert.deepEqual(env.media.forks.at(-1)!.targets, { a: null, b: null }, 'the pause stops the fork at once');
  assert.ok(env.media.forks.length > forksBefore);
  await key(env, 'a', '4111*44');
  assert.ok(env.media.forks.at(-1)!.targets.a, 'forking again');
  assert.deepEqual(seen.updates, ['paused', 'recording'], 'the recorder saw a=inactive, then a=sendonly (RFC 7866 §8.1.3)');
  await key(env, 'a', '*42');
  assert.deepEqual(seen.closed, ['r1'], '*42 ends an on-demand recording');
  assert.equal(env.stack.recordingControl.counters.dtmfCommands, 4);
});

test('never: *41 is refused and nothing reaches the recorder; always: *42 is refused (pause instead), pause works', async () => {
  const never = await setup({ extensions: { '1002': 'never' } });
  never.alice.call('1002');
  await never.env.run(200);
  await key(never.env, 'a', '*41');
  assert.equal(never.seen.opened.length, 0);
  assert.equal(never.env.stack.recordingControl.counters.commandsRefused, 1);
  const callId = never.env.stack.b2bua.activeCalls()[0]!.callId;
  assert.throws(() => never.env.stack.recordingControl.command(callId, 'start'), (e: unknown) => e instanceof RecordingCommandError && /must not be recorded \(never, by extension 1002\)/.test(e.message));

  const always = await setup({ extensions: { '1001': 'always' }, default: 'on-demand' });
  always.alice.call('1002');
  await always.env.run(200);
  const id = always.env.stack.b2bua.activeCalls()[0]!.callId;
  assert.throws(() => always.env.stack.recordingControl.command(id, 'stop'), /recorded by policy \(always, by extension 1001\): pause it instead/);
  assert.throws(() => always.env.stack.recordingControl.command(id, 'start'), /already being recorded/);
  assert.deepEqual(always.env.stack.recordingControl.command(id, 'pause'), { callId: id, recording: 'paused' });
  assert.throws(() => always.env.stack.recordingControl.command('no-such-call', 'pause'), /no answered call no-such-call/);
  await always.env.run(200);
  assert.deepEqual(always.seen.updates, ['paused']);
});

test('a forgotten pause ends by itself after maxPauseSec; a resume in time cancels that', async () => {
  const { env, seen, alice } = await setup({ maxPauseSec: 30 });
  alice.call('1002');
  await env.run(200);
  const id = env.stack.b2bua.activeCalls()[0]!.callId;
  await key(env, 'a', '*43');
  await env.run(20_000);
  await key(env, 'b', '*44');
  await key(env, 'b', '*43');
  await env.run(29_000);
  assert.deepEqual(seen.updates, ['paused', 'recording', 'paused'], 'the first pause was resumed by hand before 30 s');
  await env.run(2_000);
  assert.deepEqual(seen.updates, ['paused', 'recording', 'paused', 'recording'], 'the second, forgotten, ended at 30 s');
  assert.equal(env.stack.recordingControl.counters.pausesEndedByTimer, 1);
  assert.deepEqual(env.stack.recordingControl.command(id, 'pause'), { callId: id, recording: 'paused' });
  alice.bye();
  await env.run(40_000);
  assert.equal(env.stack.recordingControl.counters.pausesEndedByTimer, 1, 'the call\'s end cancels its pause timer');
});

test('only extension legs may key codes: an outside caller (leg a of an inbound call) cannot, the agent on leg b can', () => {
  const { env } = fakePbxCall();
  // The agent's phone is on leg b (Call.agentExtension), as when the call center bridged it.
  const call = { callId: 'c1', caller: '0105551234', callee: '1002', callerName: undefined, extensions: ['1002'], carrier: 'carrier-a', media: env, agentExtension: '1002' };
  const inbound = answeredCallOf(call as never, { direction: 'inbound', route: 'did-main', queue: 'complaints', agent: '8001', agentExtension: '1002' })!;
  assert.deepEqual(inbound.controlLegs, ['b']);
  assert.equal(inbound.trunk, 'carrier-a');
  assert.equal(inbound.callee, '1002');
  assert.deepEqual([inbound.queue, inbound.agent, inbound.route], ['complaints', '8001', 'did-main']);
  assert.deepEqual(answeredCallOf(call as never, { direction: 'outbound' })!.controlLegs, ['a']);
  assert.deepEqual(answeredCallOf(call as never, {})!.controlLegs, ['a', 'b']);
});

/** A stand-in for a call's media with both legs agreed. */
function fakePbxCall() {
  const env = {
    session: { sessionId: 's1', a: { rtpPort: 30000, rtcpPort: 30001 }, b: { rtpPort: 30002, rtcpPort: 30003 } },
    agreed: () => ({ law: 'PCMU' as const, payloadType: 0 }),
  };
  return { env };
}

test('the OPTIONS probe: up at start, down within interval + 2 s of the recorder dying (alarm, calls go on unrecorded), up again when it answers', async () => {
  const { env, seen, srs, alice, bob } = await setup({ probeIntervalSec: 3 });
  env.stack.start();
  await env.run(200);
  assert.equal(env.stack.recording!.status().state, 'up');
  srs.alive = false;
  const diedAt = env.clock.now();
  let downAt: number | undefined;
  for (let i = 0; i < 60 && downAt === undefined; i++) {
    await env.run(100);
    if (env.stack.recording!.status().state === 'down') downAt = env.clock.now();
  }
  assert.ok(downAt !== undefined && downAt - diedAt <= 5_100, `noticed after ${downAt! - diedAt} ms (probe every 3 s, 2 s deadline)`);
  assert.match(env.stack.recording!.status().lastError!, /no answer to OPTIONS within 2 s/);
  assert.equal(env.stack.recording!.alarms()[0]?.id, 'recorder-unreachable');
  alice.call('1002');
  await env.run(300);
  assert.equal(env.stack.b2bua.activeCalls()[0]?.state, 'answered', 'the call goes on');
  assert.equal(env.stack.recording!.counters.skipped, 1, 'no recording INVITE while the recorder is known down');
  alice.bye();
  await env.run(200);
  srs.alive = true;
  await env.run(3_500);
  assert.equal(env.stack.recording!.status().state, 'up');
  assert.deepEqual(env.stack.recording!.alarms(), [], 'the alarm clears');
  bob.call('1001');
  await env.run(300);
  assert.equal(seen.opened.length, 1, 'new calls are recorded again');
  env.stack.stop();
});

test('a recorder that refuses new sessions answers the probe 503: down with its reason; requireRecorder then refuses calls with 503', async () => {
  const { env, srs, alice } = await setup({ probeIntervalSec: 2, requireRecorder: true });
  srs.refusing = 'recording disk 97% full (refusing at 95%)';
  env.stack.start();
  await env.run(300);
  assert.equal(env.stack.recording!.status().state, 'down');
  assert.match(env.stack.recording!.status().lastError!, /OPTIONS 503 \(recording disk 97% full/);
  alice.call('1002');
  await env.run(300);
  assert.equal(alice.statuses('INVITE').at(-1), 503);
  assert.equal(env.records.at(-1)!.sipCode, 503);
  env.stack.stop();
});

test('blind transfer of a recorded call: one re-INVITE with the next segment and the new party as new participant; streams, fork and recording session stay', async () => {
  const { env, seen, alice, bob } = await setup();
  const carol = new FakePhone(env, '1003', '10.0.0.13');
  carol.register();
  await env.run(100);
  alice.call('1002');
  await env.run(500);
  assert.equal(seen.opened.length, 1);
  assert.equal(senderUser(seen.opened[0]!, '2'), '1002');
  const forks = env.media.forks.length;
  bob.refer('<sip:1003@10.0.0.1>');
  await env.run(1_000);
  assert.equal(env.stack.b2bua.activeCalls()[0]!.callee, '1003', 'transferred');
  assert.equal(seen.metadata.length, 1, 'one metadata update');
  const m = seen.metadata[0]!;
  assert.equal(m.hotline.segment, 2);
  assert.equal(m.hotline.callId, seen.opened[0]!.hotline.callId, 'the same call');
  assert.equal(senderUser(m, '1'), '1001', 'the transferee stays on label 1');
  assert.equal(senderUser(m, '2'), '1003', 'the new party sends on label 2');
  const oldIds = new Set(seen.opened[0]!.participants.map((p) => p.id));
  assert.ok(m.participants.every((p) => !oldIds.has(p.id)), 'new participant ids for the new segment');
  assert.equal(m.participants.find((p) => p.aor?.startsWith('sip:1003@'))?.role, 'callee');
  assert.deepEqual(seen.closed, [], 'the recording session goes on');
  assert.ok(env.media.forks.length > forks && env.media.forks.at(-1)!.targets.b, 'the fork is set again (same targets)');
  assert.equal(env.stack.recording!.counters.segments, 1);
  // A pause after the transfer is a pause of segment 2, not another segment.
  const id = env.stack.b2bua.activeCalls()[0]!.callId;
  env.stack.recordingControl.command(id, 'pause');
  await env.run(200);
  assert.deepEqual(seen.updates, ['paused']);
  assert.equal(seen.metadata.length, 1);
  alice.bye();
  await env.run(300);
  assert.deepEqual(seen.closed, ['r1']);
});

test('a queue agent who transfers the caller to an extension: the next segment names the extension as callee, without the agent', () => {
  const { env } = fakePbxCall();
  const call = { callId: 'c1', caller: '0105551234', callee: '1003', callerName: undefined, extensions: ['1003'], carrier: 'carrier-a', media: env, agentExtension: undefined };
  const after = answeredCallOf(call as never, { direction: 'inbound', queue: 'complaints', agent: '8001', agentExtension: '1002' })!;
  assert.equal(after.callee, '1003');
  assert.equal(after.agent, undefined);
  assert.equal(after.queue, 'complaints', 'the call still came through the queue');
  const during = answeredCallOf({ ...call, agentExtension: '1002' } as never, { direction: 'inbound', queue: 'complaints', agent: '8001', agentExtension: '1002' })!;
  assert.deepEqual([during.callee, during.agent], ['1002', '8001']);
});

/** The call center's callback dialer on the stack's own origination (as call-center.ts wires it); places callback `q1` for queue `queue`. */
async function placeCallback(env: Awaited<ReturnType<typeof setup>>['env'], queue: string, agentExtension: string, customer: string) {
  const fed: AcdEvent[] = [];
  const dialer: CallbackDialer = new CallbackDialer({
    ...env.stack.b2bua.origination(), clock: env.clock, media: env.media,
    contactsOf: (ext, from) => env.stack.b2bua.contactsOf(ext, from), publish: () => undefined,
    feed: (e) => { fed.push(e); if (e.type === 'AgentAnswered') dialer.placed(e.callId, customer); },
    queue: () => undefined,
  });
  dialer.requested({ callId: 'q1', queue, number: customer, callerName: 'Customer', ivr: { choices: [], digits: {} } });
  dialer.offer('q1', 'agent-7', agentExtension);
  await env.run(500);
  return { dialer, fed };
}

test('a callback placed by the PBX (agent, then customer) is recorded under the queue\'s policy: outbound, queue, agent, agent on label 1; its end closes it', async () => {
  const { env, seen, alice } = await setup({ default: 'never', queues: { sales: 'always' } });
  const { fed } = await placeCallback(env, 'sales', '1002', '1001');
  assert.ok(fed.some((e) => e.type === 'AgentAnswered'));
  assert.equal(seen.opened.length, 1, 'recorded once the customer answered');
  const m = seen.opened[0]!;
  assert.deepEqual([m.hotline.direction, m.hotline.queue, m.hotline.agent], ['outbound', 'sales', 'agent-7']);
  assert.match(m.hotline.callId ?? '', /^callback-q1-1$/, 'the call id the callback\'s CDR carries');
  assert.equal(senderUser(m, '1'), '1002', 'the agent on leg a, label 1');
  assert.equal(senderUser(m, '2'), '1001', 'the customer on label 2');
  assert.deepEqual(m.participants.map((p) => p.role).sort(), ['agent', 'customer']);
  assert.ok(env.media.forks.at(-1)!.targets.a && env.media.forks.at(-1)!.targets.b, 'both legs forked');
  alice.bye();
  await env.run(300);
  assert.deepEqual(seen.closed, ['r1'], 'the customer\'s BYE ends the recording');
});

test('a callback for a queue without a policy follows the default: never means not recorded', async () => {
  const { env, seen, alice } = await setup({ default: 'never' });
  await placeCallback(env, 'sales', '1002', '1001');
  assert.ok(alice.received.some((r) => r.method === 'INVITE'), 'the customer was called');
  assert.equal(env.stack.b2bua.activeCalls().length, 0, 'a callback is not a B2BUA call');
  assert.equal(seen.opened.length, 0);
});

test('a recorded call transferred into a queue: the next segment starts when the new agent answers, naming the agent, its queue and role', async () => {
  const { env, seen, alice, bob } = await setup({}, (c) => { c.acd = { queues: [{ name: 'q', number: '5001' }], agents: [{ number: '8001', queues: [{ queue: 'q' }] }] }; });
  const cc = new CallCenter({
    clock: env.clock, media: Object.assign(env.media, { play() {} }), prompts: new PromptSet(join(tmpdir(), 'no-prompts'), 'zh-CN'),
    contactsOf: (ext, from) => env.stack.b2bua.contactsOf(ext, from), publish: () => undefined, timeZone: 'Asia/Shanghai',
  }, { acd: acdSettings(env.config), ivr: ivrSettings(env.config), screenPopLeadMs: 0 });
  env.stack.b2bua.setHost(cc);
  const carol = new FakePhone(env, '1003', '10.0.0.13');
  carol.register();
  await env.run(100);
  alice.call('1002');
  await env.run(300);
  assert.equal(seen.opened.length, 1);
  bob.refer('<sip:5001@10.0.0.1>');
  await env.run(300);
  assert.equal(seen.metadata.length, 0, 'no new segment while the caller waits in the queue');
  cc.login('8001', '1003');
  cc.setReady('8001', true);
  await env.run(1_000);
  assert.equal(cc.snapshot().agents[0]?.state, 'on-call', 'the agent answered');
  assert.ok(carol.received.some((r) => r.method === 'INVITE'), 'the agent\'s phone was rung');
  assert.equal(seen.metadata.length, 1, 'one metadata update, at the agent\'s answer');
  const m = seen.metadata[0]!;
  assert.deepEqual([m.hotline.segment, m.hotline.queue, m.hotline.agent], [2, 'q', '8001']);
  assert.equal(senderUser(m, '2'), '1003');
  assert.equal(m.participants.find((p) => p.aor?.startsWith('sip:1003@'))?.role, 'agent');
  assert.deepEqual(seen.closed, []);
});
