import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PromptRecordDialog } from '../../src/ivr/index.ts';
import { featureCodeVerdict, parseFeatureCode } from '../../src/dialplan/index.ts';

const types = (a: Array<{ type: string }>) => a.map((x) => x.type);

test('*51<n># records prompt rec-<n>; prefixes can be extended on an analog phone; other *5x codes are not it', () => {
  assert.deepEqual(parseFeatureCode('*517#'), { kind: 'record-prompt', prompt: 'rec-7' });
  assert.deepEqual(parseFeatureCode('*51123456#'), { kind: 'record-prompt', prompt: 'rec-123456' });
  assert.equal(parseFeatureCode('*51#'), undefined);
  assert.equal(parseFeatureCode('*511234567#'), undefined);
  assert.equal(parseFeatureCode('*5112'), undefined, 'needs the #');
  assert.deepEqual(featureCodeVerdict('*5'), { full: false, canExtend: true });
  assert.deepEqual(featureCodeVerdict('*5112'), { full: false, canExtend: true });
  assert.deepEqual(featureCodeVerdict('*5112#'), { full: true, canExtend: false });
  assert.deepEqual(featureCodeVerdict('*52'), { full: false, canExtend: false });
  assert.deepEqual(parseFeatureCode('*23'), { kind: 'ready' }, 'agent codes unchanged');
});

test('beep, speak, # ends, the take is played back, 1 keeps it and the caller hears "saved"', () => {
  const d = new PromptRecordDialog();
  assert.deepEqual(d.start(), [{ type: 'play', prompts: ['record-after-beep', 'beep'] }]);
  assert.deepEqual(d.digit('5'), [], 'keys during the intro do nothing');
  assert.deepEqual(d.promptFinished(), [{ type: 'start-capture' }, { type: 'arm-timer', ms: 120_000 }]);
  assert.deepEqual(d.digit('3'), [], 'only # ends the take');
  assert.deepEqual(d.digit('#'), [{ type: 'cancel-timer' }, { type: 'stop-capture' }]);
  assert.deepEqual(d.takeReady(true), [{ type: 'play-take', then: ['record-review'] }]);
  assert.deepEqual(d.promptFinished(), [{ type: 'arm-timer', ms: 8000 }]);
  assert.deepEqual(d.digit('1'), [{ type: 'cancel-timer' }, { type: 'keep' }, { type: 'play', prompts: ['record-saved'] }]);
  assert.deepEqual(d.promptFinished(), [{ type: 'hangup' }]);
  assert.equal(d.phase, 'done');
});

test('2 records again (the take is discarded), a key during the review cuts it, the length limit ends a take', () => {
  const d = new PromptRecordDialog({ maxRecordMs: 5000 });
  d.start();
  d.promptFinished();
  assert.deepEqual(d.timeout(), [{ type: 'stop-capture' }], 'the limit stops the capture like #');
  d.takeReady(true);
  assert.deepEqual(types(d.digit('2')), ['stop-playback', 'discard', 'play'], 'barge-in during the review');
  assert.equal(d.phase, 'intro');
  d.promptFinished();
  d.digit('#');
  d.takeReady(true);
  assert.deepEqual(types(d.digit('1')), ['stop-playback', 'keep', 'play']);
});

test('no choice after three reviews, or an empty take, discards and hangs up; nothing is kept', () => {
  const d = new PromptRecordDialog();
  d.start();
  d.promptFinished();
  d.digit('#');
  d.takeReady(true);
  const all: string[] = [];
  for (let i = 0; i < 3; i++) {
    all.push(...types(d.promptFinished()));
    all.push(...types(d.timeout()));
  }
  assert.deepEqual(all, ['arm-timer', 'play-take', 'arm-timer', 'play-take', 'arm-timer', 'discard', 'hangup']);
  assert.ok(!all.includes('keep'));
  const e = new PromptRecordDialog();
  e.start();
  e.promptFinished();
  e.digit('#');
  assert.deepEqual(e.takeReady(false), [{ type: 'discard' }, { type: 'play', prompts: ['feature-failed'] }]);
  assert.deepEqual(e.promptFinished(), [{ type: 'hangup' }]);
});
