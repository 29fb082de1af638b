// DahdiEventDecoder: the pure mapping of DAHDI event codes to card events by port kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DahdiEventDecoder } from '../src/dahdi/event-map.ts';
import * as abi from '../src/dahdi/abi.ts';

const ports = [
  { port: 1, span: 1, kind: 'FXO' as const },
  { port: 2, span: 1, kind: 'FXS' as const },
  { port: 3, span: 2, kind: 'FXS' as const },
];

test('RINGOFFHOOK is a Ring on an FXO line and an OffHook on an FXS phone', () => {
  const d = new DahdiEventDecoder(ports);
  assert.deepEqual(d.decode(1, abi.DAHDI_EVENT_RINGOFFHOOK), { type: 'Ring', port: 1 });
  assert.deepEqual(d.decode(2, abi.DAHDI_EVENT_RINGOFFHOOK), { type: 'OffHook', port: 2 });
  assert.equal(d.state(1)!.ringing, true);
  assert.equal(d.state(2)!.hook, 'offhook');
});

test('DTMF key-up carries the digit; key-down, ringer and unknown codes give no event', () => {
  const d = new DahdiEventDecoder(ports);
  assert.deepEqual(d.decode(2, abi.DAHDI_EVENT_DTMFUP | 0x23), { type: 'Dtmf', port: 2, digit: '#' });
  assert.equal(d.decode(2, abi.DAHDI_EVENT_DTMFDOWN | 0x23), null);
  assert.equal(d.decode(2, abi.DAHDI_EVENT_RINGERON), null);
  assert.equal(d.decode(2, 999), null);
  assert.equal(d.decode(42, abi.DAHDI_EVENT_ONHOOK), null);
});

test('a span alarm is one Alarm per span however many channels report it, and only that span\'s ports are in alarm', () => {
  const d = new DahdiEventDecoder(ports);
  assert.deepEqual(d.decode(1, abi.DAHDI_EVENT_ALARM, abi.DAHDI_ALARM_RED), { type: 'Alarm', span: 1, alarms: abi.DAHDI_ALARM_RED });
  assert.equal(d.decode(2, abi.DAHDI_EVENT_ALARM, abi.DAHDI_ALARM_RED), null);
  assert.equal(d.state(2)!.alarm, true);
  assert.equal(d.state(3)!.alarm, false);
  assert.deepEqual(d.decode(2, abi.DAHDI_EVENT_NOALARM), { type: 'AlarmCleared', span: 1 });
  assert.equal(d.decode(1, abi.DAHDI_EVENT_NOALARM), null);
});

test('a span already in alarm at open reports AlarmCleared, not Alarm, when its first event arrives', () => {
  const d = new DahdiEventDecoder(ports);
  d.setInitialSpanAlarms(2, abi.DAHDI_ALARM_BLUE);
  assert.equal(d.state(3)!.alarm, true);
  assert.equal(d.decode(3, abi.DAHDI_EVENT_ALARM, abi.DAHDI_ALARM_BLUE), null);
  assert.deepEqual(d.decode(3, abi.DAHDI_EVENT_NOALARM), { type: 'AlarmCleared', span: 2 });
});
