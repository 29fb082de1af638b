// FXO lines through AnalogPorts with a fake card and clock: caller ID decoded from the
// line's audio, answer after the configured rings, disconnect detection, outbound seizure
// with in-band DTMF checked by media's detector, line-group hunting and 503.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DtmfGenerator, ToneGenerator, encodeCallerId, enqueueDtmfCallerId, renderFskCallerId,
  DtmfDetector,
} from '@hotline/media';
import { FakeClock } from '../../../src/sip/clock.ts';
import { AnalogPorts, DIAL_TONE_DELAY_MS, RING_GONE_MS, SILENCE_DISCONNECT_MS, huntLine, type PortPlan } from '../../../src/analog/ports/index.ts';
import type { AnalogSettings } from '../../../src/config/index.ts';
import { FakeCard, FakeIncoming, FakeSip, markFrame, settings, toneLevel } from './fakes.ts';

const PLANS: PortPlan[] = [
  { port: 1, kind: 'FXO', card: 'c1', group: 'pstn', did: '4008001234' },
  { port: 2, kind: 'FXO', card: 'c1', group: 'pstn' },
  { port: 3, kind: 'FXO', card: 'c1', group: 'pstn' },
  { port: 4, kind: 'FXO', card: 'c2', group: 'backup' },
];

function setup(over: Partial<AnalogSettings> = {}) {
  const clock = new FakeClock(Date.UTC(2026, 10, 30, 8, 30));
  const card = new FakeCard(PLANS.map((p) => ({ port: p.port, span: p.card === 'c1' ? 1 : 2, kind: 'FXO' as const })), 'alaw', clock);
  const sip = new FakeSip();
  const ports = new AnalogPorts({
    card, ports: PLANS, sip, clock, dialPlan: () => ({ full: false, canExtend: false }),
    settings: settings({ lineGroups: [{ name: 'pstn', hunt: 'sequential' }, { name: 'backup', hunt: 'sequential' }], ...over }),
  });
  ports.start();
  const state = (port: number) => ports.status().find((s) => s.port === port)!;
  return { clock, card, sip, ports, state };
}

/** Linear audio of a generator that ends (FSK, DTMF) or of `ms` of a tone. */
function render(gen: { fill(out: Int16Array): boolean }, ms: number): Int16Array {
  const out = new Int16Array((ms * 8000) / 1000);
  gen.fill(out);
  return out;
}

/** The exchange rings: a Ring event then a 4 s gap, the FSK (or other) audio arriving in the gap. */
function ring(card: FakeCard, port: number, between?: Int16Array): void {
  card.emit({ type: 'Ring', port });
  card.run(1000);
  if (between) card.receive(port, between);
  card.run(4000);
}

test('a ringing line with FSK caller ID is answered after ringsBeforeAnswer rings and called to the PBX as the caller, to the line\'s DID', () => {
  const { card, sip, state } = setup();
  const fsk = renderFskCallerId(encodeCallerId({ number: '13912345678', name: 'LI SI', time: { month: 11, day: 30, hour: 16, minute: 30 } }, 'mdmf'));
  ring(card, 1, fsk);
  assert.equal(state(1).state, 'incoming');
  assert.equal(state(1).callerId, 'LI SI <13912345678>');
  assert.equal(sip.calls.length, 0, 'one ring is not enough');
  assert.deepEqual(card.hooksOf(1), []);
  card.emit({ type: 'Ring', port: 1 });
  assert.deepEqual(card.hooksOf(1), ['offhook']);
  assert.equal(sip.calls.length, 1);
  const call = sip.calls[0]!;
  assert.deepEqual([call.port, call.from, call.to], [1, { number: '13912345678', name: 'LI SI' }, '4008001234']);
  call.events.ringing(false);
  call.events.answered();
  assert.equal(state(1).state, 'connected');
  call.audio.toPlay.push(markFrame(0x55));
  card.receive(1, new Int16Array(160).fill(2000));
  card.tick();
  assert.equal(card.played.get(1)!.at(-1)![0], 0x55);
  assert.equal(call.audio.sent.length, 1);
  call.events.ended();
  assert.deepEqual(card.hooksOf(1), ['offhook', 'onhook'], 'far end BYE releases the line');
  assert.equal(call.hangups, 0);
  assert.equal(state(1).state, 'idle');
});

test('V.23 SDMF caller ID and a line without DID give the number and `s`', () => {
  const { card, sip } = setup({ callerId: 'v23', ringsBeforeAnswer: 2 });
  const fsk = renderFskCallerId(encodeCallerId({ number: '01012345678', time: { month: 1, day: 2, hour: 3, minute: 4 } }, 'sdmf'), { standard: 'v23' });
  ring(card, 2, fsk);
  card.emit({ type: 'Ring', port: 2 });
  assert.deepEqual([sip.calls[0]!.from, sip.calls[0]!.to], [{ number: '01012345678' }, 's']);
});

test('DTMF caller ID (D<number>C) is decoded from the line', () => {
  const { card, sip } = setup({ callerId: 'dtmf', ringsBeforeAnswer: 2 });
  const gen = new DtmfGenerator();
  enqueueDtmfCallerId(gen, { number: '075512345678' });
  ring(card, 1, render(gen, 3000));
  card.emit({ type: 'Ring', port: 1 });
  assert.deepEqual(sip.calls[0]!.from, { number: '075512345678' });
});

test('a line that stops ringing before the answer goes back to idle and forgets the caller', () => {
  const { card, sip, state } = setup({ ringsBeforeAnswer: 3 });
  ring(card, 1, renderFskCallerId(encodeCallerId({ number: '123', time: { month: 1, day: 1, hour: 0, minute: 0 } }, 'mdmf')));
  card.run(RING_GONE_MS);
  assert.equal(state(1).state, 'idle');
  card.emit({ type: 'Ring', port: 1 });
  card.emit({ type: 'Ring', port: 1 });
  card.emit({ type: 'Ring', port: 1 });
  assert.deepEqual(sip.calls[0]!.from, {}, 'the previous call\'s caller ID is not reused');
});

function answered(over: Partial<AnalogSettings> = {}) {
  const s = setup({ ringsBeforeAnswer: 1, ...over });
  s.card.emit({ type: 'Ring', port: 1 });
  const call = s.sip.calls[0]!;
  call.events.answered();
  return { ...s, call };
}

test('a polarity reversal on a connected line hangs the call up and releases the line', () => {
  const { card, call, state } = answered();
  card.emit({ type: 'PolarityReversal', port: 1 });
  assert.equal(call.hangups, 1);
  assert.deepEqual(card.hooksOf(1), ['offhook', 'onhook']);
  assert.equal(state(1).state, 'idle');
});

test('busy tone from the exchange (cn: 450 Hz 350/350 ms) hangs up; continuous tone and speech-like audio do not', () => {
  const { card, call } = answered();
  const dial = new ToneGenerator({ zone: 'cn' });
  dial.start('dial');
  card.receive(1, render(dial, 3000));
  card.run(3000);
  assert.equal(call.hangups, 0, 'continuous 450 Hz is not busy');
  const ringback = new ToneGenerator({ zone: 'cn' });
  ringback.start('ringback');
  card.receive(1, render(ringback, 10000));
  card.run(10000);
  assert.equal(call.hangups, 0, 'ringback cadence is not busy');
  const busy = new ToneGenerator({ zone: 'cn' });
  busy.start('busy');
  card.receive(1, render(busy, 3000));
  card.run(3000);
  assert.equal(call.hangups, 1);
  assert.deepEqual(card.hooksOf(1), ['offhook', 'onhook']);
});

test('us busy tone (480 + 620 Hz, 500/500 ms) is detected in the us zone', () => {
  const { card, call } = answered({ toneZone: 'us' });
  const busy = new ToneGenerator({ zone: 'us' });
  busy.start('busy');
  card.receive(1, render(busy, 4000));
  card.run(4000);
  assert.equal(call.hangups, 1);
});

test('silence for SILENCE_DISCONNECT_MS hangs up; sound resets the count', () => {
  const { card, call } = answered();
  card.run(SILENCE_DISCONNECT_MS - 1000);
  const voice = new ToneGenerator({ zone: 'cn' });
  voice.start({ frequencies: [300, 1100], cadenceMs: [] });
  card.receive(1, render(voice, 200));
  card.run(SILENCE_DISCONNECT_MS - 1000);
  assert.equal(call.hangups, 0);
  card.run(2000);
  assert.equal(call.hangups, 1);
});

test('a failed PBX call releases the line', () => {
  const { card, sip, state } = setup({ ringsBeforeAnswer: 1 });
  card.emit({ type: 'Ring', port: 3 });
  sip.calls[0]!.events.failed('congestion', 404);
  assert.deepEqual(card.hooksOf(3), ['offhook', 'onhook']);
  assert.equal(state(3).state, 'idle');
});

/** Digits detected in linear audio by media's in-band detector. */
function detectDigits(pcm: Int16Array): string {
  const det = new DtmfDetector();
  let s = '';
  for (let i = 0; i < pcm.length; i += 160) for (const ev of det.process(pcm.subarray(i, i + 160))) if (ev.type === 'begin') s += ev.digit;
  return s;
}

test('a call out through a line group seizes the first line, waits for dial tone, dials in-band DTMF, then answers', () => {
  const { card, ports, state } = setup();
  const call = new FakeIncoming('95598');
  ports.offerToLineGroup('pstn', call);
  assert.deepEqual(card.hooksOf(1), ['offhook']);
  assert.equal(state(1).state, 'seized');
  assert.deepEqual(call.log, ['ringing']);
  card.run(DIAL_TONE_DELAY_MS);
  const before = card.takePlayed(1);
  assert.equal(detectDigits(before), '', 'nothing dialled before the dial-tone delay');
  card.run(1200);
  assert.deepEqual(call.log, ['ringing', 'answer']);
  assert.equal(state(1).state, 'connected');
  assert.equal(detectDigits(card.takePlayed(1)), '95598');
  call.audio.toPlay.push(markFrame(0x66));
  card.tick();
  assert.equal(card.played.get(1)!.at(-1)![0], 0x66);
  assert.ok(call.audio.sent.length > 0);
  call.onEnded!();
  assert.deepEqual(card.hooksOf(1), ['offhook', 'onhook']);
  assert.equal(state(1).state, 'idle');
});

test('CANCEL while dialling releases the line and the call is never answered', () => {
  const { card, ports } = setup();
  const call = new FakeIncoming('95598');
  ports.offerToLineGroup('pstn', call);
  card.run(DIAL_TONE_DELAY_MS + 200);
  call.onCancelled!();
  card.run(2000);
  assert.deepEqual(call.log, ['ringing']);
  assert.deepEqual(card.hooksOf(1), ['offhook', 'onhook']);
});

test('busy tone after dialling out refuses the call towards the PBX and releases the line', () => {
  const { card, ports } = setup();
  const call = new FakeIncoming('95598');
  ports.offerToLineGroup('pstn', call);
  card.run(3000);
  const busy = new ToneGenerator({ zone: 'cn' });
  busy.start('busy');
  card.receive(1, render(busy, 3000));
  card.run(3000);
  assert.deepEqual(call.log, ['ringing', 'answer', 'hangup']);
  assert.deepEqual(card.hooksOf(1), ['offhook', 'onhook']);
});

test('sequential hunting takes the lowest free line; lines in use, ringing or in alarm are skipped; none left is 503', () => {
  const { card, ports } = setup({ ringsBeforeAnswer: 3 });
  const a = new FakeIncoming('1');
  ports.offerToLineGroup('pstn', a);
  card.emit({ type: 'Ring', port: 2 });
  const b = new FakeIncoming('2');
  ports.offerToLineGroup('pstn', b);
  assert.deepEqual([card.hooksOf(1), card.hooksOf(2), card.hooksOf(3)], [['offhook'], [], ['offhook']]);
  const c = new FakeIncoming('3');
  ports.offerToLineGroup('pstn', c);
  assert.deepEqual(c.log, ['reject 503']);
  a.onEnded!();
  const d = new FakeIncoming('4');
  ports.offerToLineGroup('pstn', d);
  assert.deepEqual(card.hooksOf(1), ['offhook', 'onhook', 'offhook'], 'lowest free again');
  card.emit({ type: 'Alarm', span: 2, alarms: 1 });
  const e = new FakeIncoming('5');
  ports.offerToLineGroup('backup', e);
  assert.deepEqual(e.log, ['reject 503'], 'the only backup line is in alarm');
  const f = new FakeIncoming('6');
  ports.offerToLineGroup('nosuchgroup', f);
  assert.deepEqual(f.log, ['reject 503']);
});

test('round-robin hunting takes the free line after the one used last, wrapping around', () => {
  const { card, ports } = setup({ lineGroups: [{ name: 'pstn', hunt: 'round-robin' }] });
  const used: number[] = [];
  for (let i = 0; i < 4; i++) {
    const call = new FakeIncoming(String(i));
    ports.offerToLineGroup('pstn', call);
    const port = [1, 2, 3].find((p) => card.hooksOf(p).length % 2 === 1)!;
    used.push(port);
    call.onEnded!();
  }
  assert.deepEqual(used, [1, 2, 3, 1]);
  assert.equal(huntLine([3, 1], 'round-robin', 3), 1);
  assert.equal(huntLine([], 'sequential'), undefined);
});

test('a number with characters DTMF cannot carry is refused 503 without seizing', () => {
  const { card, ports } = setup();
  const call = new FakeIncoming('+86 10');
  ports.offerToLineGroup('pstn', call);
  assert.deepEqual(call.log, ['reject 503']);
  assert.deepEqual(card.hooksOf(1), []);
});

test('an alarm on a span ends its calls, releases the lines and shows alarm until cleared', () => {
  const { card, call, state } = answered();
  card.emit({ type: 'Alarm', span: 1, alarms: 1 });
  assert.equal(call.hangups, 1);
  assert.deepEqual(card.hooksOf(1), ['offhook', 'onhook']);
  assert.deepEqual([state(1).state, state(2).state, state(4).state], ['alarm', 'alarm', 'idle']);
  card.emit({ type: 'Ring', port: 1 });
  assert.equal(state(1).state, 'alarm', 'rings on a line in alarm are ignored');
  card.emit({ type: 'AlarmCleared', span: 1 });
  assert.equal(state(1).state, 'idle');
});

test('stop() hangs up and releases every seized line', () => {
  const { card, ports, call } = answered();
  const out = new FakeIncoming('110');
  ports.offerToLineGroup('pstn', out);
  ports.stop();
  assert.equal(call.hangups, 1);
  assert.deepEqual(out.log, ['ringing', 'hangup']);
  assert.deepEqual(card.hooksOf(2), ['offhook', 'onhook']);
  assert.equal(card.listeners, 0);
});

test('while the PBX sets the call up the PSTN caller hears local ringback, or the PBX\'s early audio', () => {
  const { card, sip } = setup({ ringsBeforeAnswer: 1 });
  card.emit({ type: 'Ring', port: 1 });
  sip.calls[0]!.events.ringing(false);
  card.takePlayed(1);
  card.run(1000);
  assert.ok(toneLevel(card.takePlayed(1), 450, 800, 6400) > 500, 'cn ringback burst');
  sip.onCall = (c) => {
    c.audio.toPlay.push(markFrame(0x77));
    c.events.ringing(true);
  };
  card.emit({ type: 'Ring', port: 2 });
  card.tick();
  assert.equal(card.played.get(2)!.at(-1)![0], 0x77, 'early audio reported before sip.call() returned still plays');
});
