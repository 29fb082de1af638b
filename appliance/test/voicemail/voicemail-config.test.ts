import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigValidationError, defaultConfig, validateConfig, voicemailBoxes } from '../../src/config/index.ts';

function errorsOf(value: unknown): Array<{ path: string; message: string }> {
  try {
    validateConfig(value);
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError);
    return err.errors;
  }
  assert.fail('expected ConfigValidationError');
}

const base = () => ({ ...defaultConfig(), extensions: [{ number: '1001', secret: 'abcdefgh' }] });
const menuTo = (destination: unknown) => ({ menus: [{ name: 'main', prompt: 'welcome', options: [{ digit: '9', destination }], failDestination: destination }] });

test('voicemail: boxes validate, voicemailBoxes fills the greeting and length defaults, and a menu may lead to a box', () => {
  const cfg = validateConfig({
    ...base(),
    voicemail: { boxes: [{ box: '800', name: 'After hours', owners: ['1001'] }, { box: '801', name: 'Billing', greeting: 'rec-1', maxMessageSec: 60 }] },
    ivr: menuTo({ kind: 'voicemail', box: '800' }),
  });
  assert.deepEqual(voicemailBoxes(cfg), [
    { box: '800', name: 'After hours', owners: ['1001'], greeting: 'voicemail-greeting', maxMessageSec: 120 },
    { box: '801', name: 'Billing', owners: [], greeting: 'rec-1', maxMessageSec: 60 },
  ]);
  assert.deepEqual(voicemailBoxes(validateConfig(base())), []);
});

test('voicemail: a destination naming no box is refused at its pointer (option and fail destination)', () => {
  const errors = errorsOf({ ...base(), voicemail: { boxes: [{ box: '800', name: 'a' }] }, ivr: menuTo({ kind: 'voicemail', box: '999' }) });
  assert.deepEqual(errors.map((e) => e.path).sort(), ['/ivr/menus/0/failDestination/box', '/ivr/menus/0/options/0/destination/box']);
  assert.match(errors[0]!.message, /no voicemail box.*999/);
});

test('voicemail: duplicate box numbers and owners that are not extensions are refused, each at its pointer', () => {
  const errors = errorsOf({ ...base(), voicemail: { boxes: [{ box: '800', name: 'a', owners: ['1001', '2002'] }, { box: '800', name: 'b' }] } });
  assert.deepEqual(errors.map((e) => e.path).sort(), ['/voicemail/boxes/0/owners/1', '/voicemail/boxes/1/box']);
});

test('voicemail: schema refuses bad box numbers, names, greetings and lengths', () => {
  for (const box of [{ box: 'abc', name: 'x' }, { box: '800', name: '' }, { box: '800', name: 'x', greeting: '../etc' }, { box: '800', name: 'x', maxMessageSec: 1 }, { box: '800', name: 'x', maxMessageSec: 601 }, { box: '800' }, { box: '800', name: 'x', extra: 1 }]) {
    assert.ok(errorsOf({ ...base(), voicemail: { boxes: [box] } }).length > 0, JSON.stringify(box));
  }
  assert.ok(errorsOf({ ...base(), voicemail: { boxes: [] }, ivr: menuTo({ kind: 'voicemail' }) }).length > 0);
});

test('voicemail: a queue may overflow to a box; a box that does not exist is refused at the overflow pointer', () => {
  const queues = (box: string) => ({ ...base(), voicemail: { boxes: [{ box: '800', name: 'a' }] }, acd: { queues: [{ name: 'repair', overflow: { kind: 'voicemail', box } }] } });
  assert.deepEqual(validateConfig(queues('800')).acd?.queues?.[0]?.overflow, { kind: 'voicemail', box: '800' });
  assert.deepEqual(errorsOf(queues('801')).map((e) => e.path), ['/acd/queues/0/overflow/box']);
});
