import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VoicemailDialog } from '../../src/voicemail/index.ts';

const types = (a: Array<{ type: string }>) => a.map((x) => x.type);

test('voicemail dialog: greeting and beep, then capture with the length limit; # ends, a long enough message is stored and the call hung up', () => {
  const d = new VoicemailDialog('vm-greet', { maxMessageMs: 60_000 });
  assert.deepEqual(d.start(), [{ type: 'play', prompts: ['vm-greet', 'beep'] }]);
  assert.deepEqual(d.digit('#'), [], 'a key during the greeting does nothing: the beep is the cue');
  assert.deepEqual(d.promptFinished(), [{ type: 'start-capture' }, { type: 'arm-timer', ms: 60_000 }]);
  assert.deepEqual(d.digit('5'), []);
  assert.deepEqual(d.digit('#'), [{ type: 'cancel-timer' }, { type: 'stop-capture' }]);
  assert.deepEqual(types(d.messageReady(2500)), ['store', 'hangup']);
  assert.equal(d.phase, 'done');
  assert.deepEqual(d.digit('#'), []);
  assert.deepEqual(d.callerHungUp(), []);
});

test('voicemail dialog: a message shorter than the minimum is discarded', () => {
  const d = new VoicemailDialog('g', { maxMessageMs: 60_000, minMessageMs: 1000 });
  d.start(); d.promptFinished(); d.digit('#');
  assert.deepEqual(types(d.messageReady(999)), ['discard', 'hangup']);
});

test('voicemail dialog: the length limit ends the message like #', () => {
  const d = new VoicemailDialog('g', { maxMessageMs: 5000 });
  d.start(); d.promptFinished();
  assert.deepEqual(d.timeout(), [{ type: 'stop-capture' }]);
  assert.deepEqual(types(d.messageReady(5000)), ['store', 'hangup']);
});

test('voicemail dialog: a hang-up while speaking keeps the message and does not hang up again; a short one is discarded', () => {
  const d = new VoicemailDialog('g', { maxMessageMs: 60_000 });
  d.start(); d.promptFinished();
  assert.deepEqual(d.callerHungUp(), [{ type: 'cancel-timer' }, { type: 'stop-capture' }]);
  assert.deepEqual(types(d.messageReady(3000)), ['store']);
  const e = new VoicemailDialog('g', { maxMessageMs: 60_000 });
  e.start(); e.promptFinished(); e.callerHungUp();
  assert.deepEqual(types(e.messageReady(300)), ['discard']);
});

test('voicemail dialog: a hang-up during the greeting records nothing', () => {
  const d = new VoicemailDialog('g', { maxMessageMs: 60_000 });
  d.start();
  assert.deepEqual(d.callerHungUp(), []);
  assert.deepEqual(d.promptFinished(), []);
  assert.deepEqual(d.messageReady(5000), []);
  assert.equal(d.phase, 'done');
});
