// FXS ports through AnalogPorts with a fake card, a fake clock and a recording SIP side;
// tones and caller ID are checked as signals (Goertzel, media's FSK and DTMF receivers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DtmfCallerIdDecoder, DtmfDetector, FskCallerIdReceiver, type CallerIdMessage,
} from '@hotline/media';
import { FakeClock } from '../../../src/sip/clock.ts';
import { AnalogPorts, HOWLER_AFTER_MS, STUCK_OFFHOOK_AFTER_MS, type PortPlan } from '../../../src/analog/ports/index.ts';
import type { DigitPlan } from '../../../src/analog/call-legs.ts';
import type { AnalogSettings } from '../../../src/config/index.ts';
import { FakeCard, FakeIncoming, FakeSip, markFrame, rms, settings, toneLevel } from './fakes.ts';

/** Extensions 8001-8009 are whole numbers; 9 + up to 11 digits is an outside number that can extend. */
const plan: DigitPlan = (d) => {
  if (/^800[1-9]$/.test(d)) return { full: true, canExtend: false };
  if (/^8(0(0)?)?$/.test(d)) return { full: false, canExtend: true };
  if (/^9\d{0,11}$/.test(d)) return { full: d.length >= 4, canExtend: d.length < 12 };
  return { full: false, canExtend: false };
};

const PLANS: PortPlan[] = [
  { port: 1, kind: 'FXS', card: 'c1', extension: '8001' },
  { port: 2, kind: 'FXS', card: 'c1', extension: '8002' },
];

function setup(over: Partial<AnalogSettings> = {}) {
  const clock = new FakeClock(Date.UTC(2026, 10, 30, 8, 30));
  const card = new FakeCard([{ port: 1, span: 1, kind: 'FXS' }, { port: 2, span: 1, kind: 'FXS' }], 'alaw', clock);
  const sip = new FakeSip();
  const ports = new AnalogPorts({ card, ports: PLANS, settings: settings(over), sip, dialPlan: plan, clock });
  ports.start();
  const state = (port: number) => ports.status().find((s) => s.port === port)!;
  return { clock, card, sip, ports, state };
}

function dial(card: FakeCard, port: number, digits: string): void {
  for (const d of digits) {
    card.emit({ type: 'Dtmf', port, digit: d });
    card.run(200);
  }
}

test('lifting the phone gives the zone\'s dial tone (450 Hz continuous in cn), which the first digit stops', () => {
  const { card, state } = setup();
  card.emit({ type: 'OffHook', port: 1 });
  card.run(1000);
  const tone = card.takePlayed(1);
  assert.equal(state(1).state, 'dialtone');
  assert.ok(toneLevel(tone, 450, 800, 4000) > 500, 'dial tone at 450 Hz');
  assert.ok(toneLevel(tone, 450, 4800, 2400) > 500, 'still on after 600 ms (continuous)');
  assert.ok(toneLevel(tone, 1000, 800, 4000) < 50, 'no energy away from 450 Hz');
  card.emit({ type: 'Dtmf', port: 1, digit: '8' });
  card.run(200);
  assert.ok(rms(card.takePlayed(1)) < 10, 'silent once dialling');
  assert.equal(state(1).state, 'dialing');
});

test('us zone dial tone is 350 + 440 Hz', () => {
  const { card } = setup({ toneZone: 'us' });
  card.emit({ type: 'OffHook', port: 1 });
  card.run(400);
  const tone = card.takePlayed(1);
  assert.ok(toneLevel(tone, 350, 160) > 300 && toneLevel(tone, 440, 160) > 300);
  assert.ok(toneLevel(tone, 450, 160) < toneLevel(tone, 440, 160) / 3);
});

test('a whole number that cannot extend is dialled at once, from the port\'s extension', () => {
  const { card, sip } = setup();
  card.emit({ type: 'OffHook', port: 2 });
  dial(card, 2, '800');
  assert.equal(sip.calls.length, 0);
  dial(card, 2, '1');
  assert.equal(sip.calls.length, 1);
  assert.deepEqual([sip.calls[0]!.port, sip.calls[0]!.from, sip.calls[0]!.to], [2, { number: '8002' }, '8001']);
});

test('a number that can extend waits the inter-digit timeout after the last digit, then dials', () => {
  const { card, sip, clock } = setup({ interDigitTimeoutSec: 3 });
  card.emit({ type: 'OffHook', port: 1 });
  dial(card, 1, '95598');
  const last = clock.now();
  card.run(2600);
  assert.equal(sip.calls.length, 0, 'still waiting');
  card.run(400);
  assert.equal(sip.calls.length, 1);
  assert.equal(sip.calls[0]!.to, '95598');
  assert.ok(clock.now() - last >= 3000);
});

test('a number that can extend but is not whole at the timeout gets congestion tone (700/700 ms in cn)', () => {
  const { card, sip, state } = setup();
  card.emit({ type: 'OffHook', port: 1 });
  dial(card, 1, '9');
  card.run(3800); // the timeout falls due 4 s after the digit, 200 ms of which dial() ran
  card.takePlayed(1);
  assert.equal(sip.calls.length, 0);
  assert.equal(state(1).state, 'congestion');
  card.run(1400);
  const t = card.takePlayed(1);
  assert.ok(toneLevel(t, 450, 800, 4000) > 500, 'on for the first 700 ms');
  assert.ok(toneLevel(t, 450, 6400, 4000) < 20, 'off for the next 700 ms');
});

test('digits no number starts with get congestion at once', () => {
  const { card, sip, state } = setup();
  card.emit({ type: 'OffHook', port: 1 });
  dial(card, 1, '7');
  assert.equal(state(1).state, 'congestion');
  assert.equal(sip.calls.length, 0);
});

test('ringing without early audio plays local ringback; answered audio flows both ways; on-hook hangs up', () => {
  const { card, sip, state } = setup();
  card.emit({ type: 'OffHook', port: 1 });
  dial(card, 1, '8002');
  const call = sip.calls[0]!;
  call.events.ringing(false);
  card.takePlayed(1);
  card.run(1000);
  assert.equal(state(1).state, 'ringback');
  assert.ok(toneLevel(card.takePlayed(1), 450, 800, 6400) > 500, 'ringback burst');
  call.events.answered();
  assert.equal(state(1).state, 'connected');
  call.audio.toPlay.push(markFrame(0x11), markFrame(0x22));
  card.receive(1, new Int16Array(160).fill(1000));
  card.tick(3);
  const played = card.played.get(1)!.slice(-3);
  assert.deepEqual(played.map((f) => f[0]), [0x11, 0x22, 0xd5], 'call audio, then silence when none is due');
  assert.equal(call.audio.sent.length, 3, 'every received frame goes to the far end');
  assert.notEqual(call.audio.sent[0]![0], 0xd5, 'the phone\'s audio, not silence');
  card.emit({ type: 'OnHook', port: 1 });
  assert.equal(call.hangups, 1);
  assert.equal(state(1).state, 'idle');
});

test('early audio is played from the call instead of local ringback', () => {
  const { card, sip } = setup();
  card.emit({ type: 'OffHook', port: 1 });
  dial(card, 1, '8002');
  sip.calls[0]!.audio.toPlay.push(markFrame(0x33));
  sip.calls[0]!.events.ringing(true);
  card.tick(2);
  assert.deepEqual(card.played.get(1)!.slice(-2).map((f) => f[0]), [0x33, 0xd5]);
});

test('a busy far end gives busy tone (350/350 ms) until on-hook, and the failed call is not hung up again', () => {
  const { card, sip, state } = setup();
  card.emit({ type: 'OffHook', port: 1 });
  dial(card, 1, '8002');
  sip.calls[0]!.events.failed('busy', 486);
  card.takePlayed(1);
  card.run(700);
  const t = card.takePlayed(1);
  assert.equal(state(1).state, 'busy-tone');
  assert.ok(toneLevel(t, 450, 400, 2000) > 500 && toneLevel(t, 450, 3200, 2000) < 20);
  card.emit({ type: 'OnHook', port: 1 });
  assert.equal(sip.calls[0]!.hangups, 0);
  assert.equal(state(1).state, 'idle');
});

test('a call that fails while sip.call() is still returning leaves the phone in congestion', () => {
  const { card, sip, state } = setup();
  sip.onCall = (c) => c.events.failed('congestion', 503);
  card.emit({ type: 'OffHook', port: 1 });
  dial(card, 1, '8002');
  assert.equal(state(1).state, 'congestion');
  card.emit({ type: 'OnHook', port: 1 });
  assert.equal(sip.calls[0]!.hangups, 0);
});

test('the far end hanging up gives busy tone', () => {
  const { card, sip, state } = setup();
  card.emit({ type: 'OffHook', port: 1 });
  dial(card, 1, '8002');
  sip.calls[0]!.events.answered();
  sip.calls[0]!.events.ended();
  assert.equal(state(1).state, 'busy-tone');
});

test('hook flash in a call holds the far end, and a second flash takes it off hold', () => {
  const { card, sip } = setup();
  card.emit({ type: 'OffHook', port: 1 });
  dial(card, 1, '8002');
  sip.calls[0]!.events.answered();
  card.emit({ type: 'HookFlash', port: 1 });
  card.emit({ type: 'HookFlash', port: 1 });
  assert.deepEqual(sip.calls[0]!.holds, [true, false]);
});

test('a phone left off hook gets the howler after 15 s, is parked stuck-offhook after 30 s and refuses calls (480) until on-hook', () => {
  const { card, ports, state } = setup();
  card.emit({ type: 'OffHook', port: 1 });
  card.run(HOWLER_AFTER_MS - 1000);
  assert.equal(state(1).state, 'dialtone');
  card.run(1000);
  assert.equal(state(1).state, 'congestion');
  card.run(STUCK_OFFHOOK_AFTER_MS - HOWLER_AFTER_MS);
  assert.equal(state(1).state, 'stuck-offhook');
  const call = new FakeIncoming('8001', { number: '8002' });
  ports.offerToStation('8001', call);
  assert.deepEqual(call.log, ['reject 480']);
  card.emit({ type: 'OnHook', port: 1 });
  assert.equal(state(1).state, 'idle');
});

test('calls to an unknown extension are refused 480, to a phone off hook 486', () => {
  const { card, ports } = setup();
  const unknown = new FakeIncoming('8099');
  ports.offerToStation('8099', unknown);
  assert.deepEqual(unknown.log, ['reject 480']);
  card.emit({ type: 'OffHook', port: 2 });
  const busy = new FakeIncoming('8002');
  ports.offerToStation('8002', busy);
  assert.deepEqual(busy.log, ['reject 486']);
});

/** Decodes FSK caller ID from linear audio. */
function decodeFsk(pcm: Int16Array, standard: 'bell202' | 'v23' = 'bell202'): CallerIdMessage | undefined {
  const rx = new FskCallerIdReceiver({ standard });
  for (let i = 0; i < pcm.length; i += 160) {
    for (const ev of rx.process(pcm.subarray(i, i + 160))) if (ev.type === 'message') return ev.message;
  }
  return undefined;
}

test('an offered call rings with the cn cadence (1 s on, 4 s off) and sends MDMF caller ID between the first and second ring', () => {
  const { card, ports, state, clock } = setup();
  const call = new FakeIncoming('8001', { number: '13800138000', name: 'Zhang San' });
  ports.offerToStation('8001', call);
  assert.deepEqual(call.log, ['ringing']);
  assert.equal(state(1).state, 'ringing');
  assert.equal(state(1).callerId, 'Zhang San <13800138000>');
  const rings: Array<[string, number]> = [];
  const start = clock.now();
  let seen = 0;
  const record = () => {
    const h = card.hooksOf(1);
    for (; seen < h.length; seen++) rings.push([h[seen]!, clock.now() - start]);
  };
  record();
  for (let t = 0; t < 5200; t += 20) {
    card.tick();
    record();
  }
  assert.deepEqual(rings, [['ring', 0], ['ringoff', 1000], ['ring', 5000]]);
  const audio = card.takePlayed(1);
  const firstRing = audio.subarray(0, 8000);
  assert.ok(rms(firstRing) < 10, 'nothing played during the first ring');
  const msg = decodeFsk(audio);
  assert.ok(msg, 'caller ID decodes');
  assert.equal(msg.format, 'mdmf');
  assert.equal(msg.number, '13800138000');
  assert.equal(msg.name, 'Zhang San');
  assert.ok(msg.time && msg.time.month === new Date(start).getMonth() + 1 && msg.time.minute === new Date(start).getMinutes());
});

test('a caller name a phone cannot show (not ASCII) is left out, the number still goes', () => {
  const { card, ports } = setup({ callerId: 'v23' });
  ports.offerToStation('8001', new FakeIncoming('8001', { number: '8002', name: '张三' }));
  card.run(3000);
  const msg = decodeFsk(card.takePlayed(1), 'v23');
  assert.equal(msg?.number, '8002');
  assert.equal(msg?.name, undefined);
});

test('DTMF caller ID sends D<number>C', () => {
  const { card, ports } = setup({ callerId: 'dtmf' });
  ports.offerToStation('8001', new FakeIncoming('8001', { number: '02088886666' }));
  card.run(4000);
  const pcm = card.takePlayed(1);
  const det = new DtmfDetector();
  const dec = new DtmfCallerIdDecoder();
  let got: string | undefined;
  for (let i = 0; i < pcm.length; i += 160) {
    for (const ev of det.process(pcm.subarray(i, i + 160))) if (ev.type === 'begin') got = dec.push(ev.digit)?.number ?? got;
  }
  assert.equal(got, '02088886666');
});

test('caller ID off sends nothing', () => {
  const { card, ports } = setup({ callerId: 'off' });
  ports.offerToStation('8001', new FakeIncoming('8001', { number: '8002' }));
  card.run(4000);
  assert.ok(rms(card.takePlayed(1)) < 10);
});

test('lifting a ringing phone stops the ringer, answers the call and connects the audio', () => {
  const { card, ports, state } = setup();
  const call = new FakeIncoming('8001', { number: '8002' });
  ports.offerToStation('8001', call);
  card.run(600);
  card.emit({ type: 'OffHook', port: 1 });
  assert.deepEqual(card.hooksOf(1), ['ring', 'ringoff']);
  assert.deepEqual(call.log, ['ringing', 'answer']);
  assert.equal(state(1).state, 'connected');
  card.run(6000);
  assert.deepEqual(card.hooksOf(1), ['ring', 'ringoff'], 'the cadence stopped');
  call.audio.toPlay.push(markFrame(0x44));
  card.tick();
  assert.equal(card.played.get(1)!.at(-1)![0], 0x44);
  assert.ok(call.audio.sent.length > 0);
  call.onEnded!();
  assert.equal(state(1).state, 'busy-tone');
  card.emit({ type: 'OnHook', port: 1 });
  assert.deepEqual(call.log, ['ringing', 'answer'], 'a call the far end ended is not hung up again');
});

test('a caller giving up (CANCEL) stops the ringing', () => {
  const { card, ports, state } = setup();
  const call = new FakeIncoming('8001', { number: '8002' });
  ports.offerToStation('8001', call);
  card.run(500);
  call.onCancelled!();
  assert.equal(state(1).state, 'idle');
  assert.deepEqual(card.hooksOf(1), ['ring', 'ringoff']);
  card.run(6000);
  assert.deepEqual(card.hooksOf(1), ['ring', 'ringoff']);
});

test('a span alarm ends the call on its ports, puts them in alarm (calls refused 480) until cleared', () => {
  const { card, sip, ports, state } = setup();
  card.emit({ type: 'OffHook', port: 1 });
  dial(card, 1, '8002');
  sip.calls[0]!.events.answered();
  card.emit({ type: 'Alarm', span: 1, alarms: 1 });
  assert.equal(sip.calls[0]!.hangups, 1);
  assert.equal(state(1).state, 'alarm');
  assert.equal(state(2).state, 'alarm');
  const call = new FakeIncoming('8002');
  ports.offerToStation('8002', call);
  assert.deepEqual(call.log, ['reject 480']);
  card.emit({ type: 'AlarmCleared', span: 1 });
  assert.equal(state(2).state, 'idle');
});

test('stop() hangs up calls, stops the ringer and unsubscribes from the card', () => {
  const { card, sip, ports } = setup();
  card.emit({ type: 'OffHook', port: 1 });
  dial(card, 1, '8002');
  const ringing = new FakeIncoming('8002');
  ports.offerToStation('8002', ringing);
  ports.stop();
  assert.equal(sip.calls[0]!.hangups, 1);
  assert.deepEqual(ringing.log, ['ringing', 'hangup']);
  assert.equal(card.hooksOf(2).at(-1), 'ringoff');
  assert.equal(card.listeners, 0);
});

test('a config reload keeps a call going and takes the new extension', () => {
  const { card, sip, ports, state } = setup();
  card.emit({ type: 'OffHook', port: 1 });
  dial(card, 1, '8002');
  sip.calls[0]!.events.answered();
  ports.update([{ ...PLANS[0]!, extension: '8005' }], settings(), plan);
  assert.equal(state(1).state, 'connected');
  assert.equal(state(1).extension, '8005');
  assert.equal(ports.status().length, 1, 'port 2 removed');
  assert.equal(sip.calls[0]!.hangups, 0);
});
