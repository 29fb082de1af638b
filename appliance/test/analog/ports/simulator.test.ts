// The port machines on the DAHDI backend over libdahdisim, opened the way the gateway
// opens it (card-opener.ts), in real time: the simulator plays the phone and the exchange.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALAW_ENCODE, DtmfDetector, FskCallerIdReceiver, decodeAlaw, encodeCallerId, renderFskCallerId,
} from '@hotline/media';
import { loadSimulator, openDahdiCard, simulatorBinding, type SimulatorControl, type TelephonyCard } from '@hotline/drivers';
import { portsOf } from '../../../src/analog/card-opener.ts';
import { AnalogPorts, type PortPlan } from '../../../src/analog/ports/index.ts';
import type { AnalogSettings } from '../../../src/config/index.ts';
import { FakeIncoming, FakeSip, settings, toneLevel } from './fakes.ts';

const SETTINGS: AnalogSettings = settings({
  cards: [{
    name: 'sim1', driver: 'simulator', ports: [
      { port: 1, kind: 'FXS', extension: '8001' },
      { port: 2, kind: 'FXO', group: 'pstn', did: '4001' },
      { port: 3, kind: 'FXO', group: 'pstn' },
    ],
  }],
});
const PLANS: PortPlan[] = SETTINGS.cards[0]!.ports.map((p) => ({ ...p, card: 'sim1' }));
const DAHDI_ONHOOK = 0;
const DAHDI_OFFHOOK = 1;

let card: TelephonyCard;
let sim: SimulatorControl;
let sip: FakeSip;
let ports: AnalogPorts;

before(async () => {
  // As card-opener.ts opens the simulator, but with a 64-frame receive ring: the simulator
  // hands a caller-ID burst (31 frames) over as fast as it is read, where a line gives it
  // at 20 ms a frame, and the default 16-slot ring would drop most of it.
  sim = loadSimulator();
  sim.reset();
  sim.createCard(SETTINGS.cards[0]!.ports.map((p) => p.kind));
  card = await openDahdiCard({ binding: simulatorBinding(sim.library), ports: portsOf(SETTINGS), law: 'alaw', ringSlots: 64 });
  sip = new FakeSip();
  ports = new AnalogPorts({
    card, ports: PLANS, settings: SETTINGS, sip,
    dialPlan: (d) => ({ full: d.length === 4, canExtend: d.length < 4 }),
  });
  ports.start();
});
after(async () => {
  ports.stop();
  await card.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const state = (port: number) => ports.status().find((s) => s.port === port)!.state;

async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Collects what the channel plays for `ms` (drained often: the simulator keeps 2 s), decoded to linear. */
async function record(ch: number, ms: number): Promise<Int16Array> {
  const parts: Buffer[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await sleep(100);
    parts.push(sim.readPlayed(ch, 16000));
  }
  const bytes = Buffer.concat(parts);
  const pcm = new Int16Array(bytes.length);
  decodeAlaw(bytes, pcm);
  return pcm;
}

test('simulator: a phone lifted on the FXS port hears 450 Hz dial tone, dials, and on-hook hangs up', async () => {
  sim.readPlayed(1, 16000);
  sim.offHook(1);
  await waitFor(() => state(1) === 'dialtone', 'dial tone state');
  const pcm = await record(1, 500);
  assert.ok(pcm.length >= 2400, `played ${pcm.length} samples`);
  const tail = pcm.subarray(pcm.length - 2400);
  assert.ok(toneLevel(tail, 450) > 500, 'dial tone at 450 Hz');
  assert.ok(toneLevel(tail, 1000) < 50);
  for (const d of '8002') sim.injectDtmf(1, d);
  await waitFor(() => sip.calls.length === 1, 'the call placed');
  assert.deepEqual([sip.calls[0]!.port, sip.calls[0]!.from, sip.calls[0]!.to], [1, { number: '8001' }, '8002']);
  sim.onHook(1);
  await waitFor(() => sip.calls[0]!.hangups === 1, 'hang-up');
  assert.equal(state(1), 'idle');
});

test('simulator: a call offered to the phone rings it and the FSK caller ID it is sent decodes to the caller', async () => {
  sim.readPlayed(1, 16000);
  const call = new FakeIncoming('8001', { number: '13800138000', name: 'WANG WU' });
  ports.offerToStation('8001', call);
  const pcm = await record(1, 3000);
  assert.equal(state(1), 'ringing');
  const rx = new FskCallerIdReceiver();
  const got = rx.process(pcm).find((e) => e.type === 'message');
  assert.ok(got && got.type === 'message', 'caller ID decodes');
  assert.equal(got.message.number, '13800138000');
  assert.equal(got.message.name, 'WANG WU');
  sim.offHook(1);
  await waitFor(() => call.log.includes('answer'), 'answer');
  assert.equal(state(1), 'connected');
  sim.onHook(1);
  await waitFor(() => state(1) === 'idle', 'idle');
  assert.deepEqual(call.log, ['ringing', 'answer', 'hangup']);
});

test('simulator: an FXO line rung with FSK caller ID is answered and called in with the number and DID; polarity reversal releases it', async () => {
  const fsk = renderFskCallerId(encodeCallerId({ number: '02161234567', time: { month: 11, day: 30, hour: 9, minute: 0 } }, 'mdmf'));
  const bytes = Uint8Array.from(fsk, (v) => ALAW_ENCODE[v & 0xffff]!);
  const before = sip.calls.length;
  sim.ring(2, bytes);
  await waitFor(() => ports.status().find((s) => s.port === 2)!.callerId === '02161234567', 'caller ID decoded');
  sim.ring(2);
  await waitFor(() => sip.calls.length === before + 1, 'call to the PBX');
  const call = sip.calls.at(-1)!;
  assert.deepEqual([call.port, call.from, call.to], [2, { number: '02161234567' }, '4001']);
  await waitFor(() => sim.hookState(2) === DAHDI_OFFHOOK, 'line seized');
  call.events.answered();
  await sleep(100);
  assert.ok(call.audio.sent.length > 0, 'line audio reaches the call');
  sim.polarity(2);
  await waitFor(() => call.hangups === 1, 'hang-up on polarity reversal');
  await waitFor(() => sim.hookState(2) === DAHDI_ONHOOK, 'line released');
});

test('simulator: a call out through the line group seizes the lowest line and dials DTMF a detector reads back', async () => {
  sim.readPlayed(2, 16000);
  const call = new FakeIncoming('95598');
  ports.offerToLineGroup('pstn', call);
  await waitFor(() => sim.hookState(2) === DAHDI_OFFHOOK, 'line seized');
  const parts: Int16Array[] = [];
  const start = Date.now();
  while (!call.log.includes('answer')) {
    if (Date.now() - start > 6000) throw new Error('never answered');
    parts.push(await record(2, 200));
  }
  const det = new DtmfDetector();
  let digits = '';
  for (const p of parts) for (const ev of det.process(p)) if (ev.type === 'begin') digits += ev.digit;
  assert.equal(digits, '95598');
  call.onEnded!();
  await waitFor(() => sim.hookState(2) === DAHDI_ONHOOK, 'line released');
});

test('simulator: a span alarm puts every port in alarm, and clearing it brings them back', async () => {
  sim.raiseAlarm(1);
  await waitFor(() => ports.status().every((s) => s.state === 'alarm'), 'alarm on every port');
  const call = new FakeIncoming('8001');
  ports.offerToStation('8001', call);
  assert.deepEqual(call.log, ['reject 480']);
  sim.clearAlarm(1);
  await waitFor(() => ports.status().every((s) => s.state === 'idle'), 'idle again');
});
