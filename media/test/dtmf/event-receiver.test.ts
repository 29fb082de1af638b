import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelephoneEventReceiver, TelephoneEventSender, type ReceivedTelephoneEvent, type TelephoneEventPacketIn, type TelephoneEventPacketOut } from '../../src/dtmf/index.ts';

function toIn(p: TelephoneEventPacketOut): TelephoneEventPacketIn {
  return { timestamp: p.timestamp, marker: p.marker, ...p.payload };
}

function feed(rx: TelephoneEventReceiver, packets: readonly TelephoneEventPacketIn[]): ReceivedTelephoneEvent[] {
  return packets.flatMap((p) => [...rx.receive(p)]);
}

const sender = new TelephoneEventSender();

test('a full packet sequence gives one begin (marker seen) and one end with the final duration', () => {
  const rx = new TelephoneEventReceiver();
  const out = feed(rx, sender.sendDigit('7', 120, 1000).map(toIn));
  assert.deepEqual(out.map((e) => [e.type, e.digit, e.timestamp, e.duration, e.complete]), [
    ['begin', '7', 1000, 400, true],
    ['end', '7', 1000, 960, true],
  ]);
});

test('the three redundant end packets are reported once (retransmissions deduplicated)', () => {
  const rx = new TelephoneEventReceiver();
  const packets = sender.sendDigit('#', 100, 5000).map(toIn);
  const out = feed(rx, [...packets, packets[packets.length - 1]!, packets[packets.length - 1]!]);
  assert.equal(out.filter((e) => e.type === 'end').length, 1);
  assert.ok(rx.duplicates >= 4);
});

test('losing the marker packet still starts the digit, flagged as not seen from its start', () => {
  const rx = new TelephoneEventReceiver();
  const out = feed(rx, sender.sendDigit('3', 200, 0).map(toIn).slice(1));
  assert.deepEqual(out.map((e) => [e.type, e.digit, e.complete]), [['begin', '3', false], ['end', '3', true]]);
  assert.equal(out[1]!.duration, 1600);
});

test('a digit whose packets were all lost but one end packet is still reported', () => {
  const rx = new TelephoneEventReceiver();
  const packets = sender.sendDigit('9', 100, 0).map(toIn);
  const out = feed(rx, [packets[packets.length - 1]!]);
  assert.deepEqual(out.map((e) => [e.type, e.digit, e.duration]), [['begin', '9', 800], ['end', '9', 800]]);
});

test('when every end packet is lost, the next digit closes the previous one as incomplete', () => {
  const rx = new TelephoneEventReceiver();
  const first = sender.sendDigit('1', 200, 0).map(toIn).filter((p) => !p.end);
  const second = sender.sendDigit('2', 100, 3200).map(toIn);
  const out = feed(rx, [...first, ...second]);
  assert.deepEqual(out.map((e) => [e.type, e.digit, e.complete]), [
    ['begin', '1', true], ['end', '1', false], ['begin', '2', true], ['end', '2', true],
  ]);
  assert.equal(out[1]!.duration, 1200);
});

test('when every end packet is lost and nothing follows, expire() closes the digit after the timeout', () => {
  const rx = new TelephoneEventReceiver({ timeoutMs: 250 });
  feed(rx, sender.sendDigit('5', 200, 10000).map(toIn).filter((p) => !p.end));
  // Last update said 150 ms (1200); 250 ms more is 2000 samples.
  assert.equal(rx.expire(10000 + 1200 + 2000).length, 0);
  const out = rx.expire(10000 + 1200 + 2001);
  assert.deepEqual(out.map((e) => [e.type, e.digit, e.complete]), [['end', '5', false]]);
  assert.equal(rx.inEvent, false);
});

test('reordered updates never shrink the duration, and late packets of an ended digit are dropped', () => {
  const rx = new TelephoneEventReceiver();
  const p = sender.sendDigit('0', 200, 0).map(toIn);
  const out = feed(rx, [p[0]!, p[2]!, p[1]!, p[3]!, p[4]!, p[1]!]);
  assert.deepEqual(out.map((e) => e.type), ['begin', 'end']);
  assert.equal(out[1]!.duration, 1600);
  assert.equal(rx.receive(p[2]!).length, 0);
});

test('timestamps that wrap past 2^32 still order digits correctly', () => {
  const rx = new TelephoneEventReceiver();
  const a = sender.sendDigit('4', 100, 0xffffff00).map(toIn);
  const b = sender.sendDigit('6', 100, 0x00000300).map(toIn);
  const out = feed(rx, [...a, ...b, a[a.length - 1]!]);
  assert.equal(out.map((e) => `${e.type}:${e.digit}`).join(' '), 'begin:4 end:4 begin:6 end:6');
});

test('a long event continues across a 0xFFFF segment boundary as one digit (RFC 4733 §2.5.1.3)', () => {
  const rx = new TelephoneEventReceiver();
  const base = { marker: false, event: 1, volume: 10 };
  const out = feed(rx, [
    { ...base, marker: true, timestamp: 100, end: false, duration: 40000 },
    { ...base, timestamp: 100, end: false, duration: 0xffff },
    { ...base, timestamp: 100 + 0xffff, end: false, duration: 4000 },
    { ...base, timestamp: 100 + 0xffff, end: true, duration: 8000 },
  ]);
  assert.deepEqual(out.map((e) => [e.type, e.timestamp, e.duration]), [['begin', 100, 40000], ['end', 100, 0xffff + 8000]]);
});

test('non-DTMF event codes pass through with a null digit', () => {
  const rx = new TelephoneEventReceiver();
  const out = feed(rx, [{ timestamp: 1, marker: true, event: 16, end: true, volume: 0, duration: 800 }]);
  assert.deepEqual(out.map((e) => [e.type, e.event, e.digit]), [['begin', 16, null], ['end', 16, null]]);
});
