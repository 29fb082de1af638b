import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, ivrSettings, validateConfig } from '../../src/config/index.ts';
import { IvrRun, isOpen, type IvrAction } from '../../src/ivr/index.ts';

const config = validateConfig({
  ...defaultConfig(),
  extensions: [{ number: '1001', secret: 'abcdefgh' }],
  acd: { queues: [{ name: 'repair' }, { name: 'billing' }] },
  ivr: {
    menus: [
      {
        name: 'main', prompt: 'welcome', timeoutSec: 4, maxRetries: 1,
        options: [
          { digit: '1', destination: { kind: 'queue', name: 'repair' }, skills: [{ skill: 'water', minLevel: 3 }] },
          { digit: '2', destination: { kind: 'menu', menu: 'account' } },
          { digit: '9', destination: { kind: 'repeat' } },
        ],
      },
      { name: 'account', prompt: 'enter-account', collect: { name: 'account', minDigits: 4, maxDigits: 6, then: { kind: 'queue', name: 'billing' } }, failDestination: { kind: 'extension', number: '1001' }, maxRetries: 0 },
      { name: 'closed', prompt: 'closed', options: [{ digit: '1', destination: { kind: 'hangup' } }] },
    ],
    timeConditions: [{ name: 'hours', hours: [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }], holidays: ['10-01'], open: 'main', closed: 'closed' }],
  },
});
const settings = ivrSettings(config);
const exitOf = (actions: IvrAction[]) => actions.find((a) => a.type === 'exit');

test('plays the menu, arms the timer when the prompt ends, and a key leads to its queue with the option skills', () => {
  const run = new IvrRun(settings, 'Asia/Shanghai', () => new Date());
  assert.deepEqual(run.start('main'), [{ type: 'cancel-timer' }, { type: 'play', prompts: ['welcome'] }]);
  assert.deepEqual(run.promptFinished(), [{ type: 'arm-timer', ms: 4000 }]);
  assert.deepEqual(exitOf(run.digit('1')), { type: 'exit', to: { kind: 'queue', name: 'repair', skills: [{ skill: 'water', minLevel: 3 }] }, goodbye: false });
  assert.deepEqual(run.choices, [{ menu: 'main', digit: '1' }]);
  assert.deepEqual(run.digit('2'), [], 'nothing after the exit');
});

test('a wrong key plays invalid + the menu again; after maxRetries the fail destination (hangup with goodbye)', () => {
  const run = new IvrRun(settings, 'Asia/Shanghai', () => new Date());
  run.start('main');
  assert.deepEqual(run.digit('7'), [{ type: 'cancel-timer' }, { type: 'play', prompts: ['invalid', 'welcome'] }]);
  run.promptFinished();
  assert.deepEqual(run.timeout(), [{ type: 'cancel-timer' }, { type: 'exit', to: { kind: 'hangup' }, goodbye: true }]);
});

test('timeouts play the timeout notice; repeat plays the menu again', () => {
  const run = new IvrRun(settings, 'Asia/Shanghai', () => new Date());
  run.start('main');
  run.promptFinished();
  assert.deepEqual(run.timeout(), [{ type: 'cancel-timer' }, { type: 'play', prompts: ['timeout', 'welcome'] }]);
  assert.deepEqual(run.digit('9'), [{ type: 'cancel-timer' }, { type: 'play', prompts: ['welcome'] }]);
});

test('digit collection: barge-in, # ends, the digits are kept with the call and the caller goes on', () => {
  const run = new IvrRun(settings, 'Asia/Shanghai', () => new Date());
  run.start('main');
  run.digit('2');
  assert.equal(run.currentMenu, 'account');
  assert.deepEqual(run.digit('1'), [{ type: 'play', prompts: [] }, { type: 'arm-timer', ms: 5000 }], 'the first digit cuts the prompt');
  for (const d of '2345') run.digit(d);
  assert.deepEqual(exitOf(run.digit('#')), { type: 'exit', to: { kind: 'queue', name: 'billing', skills: [] }, goodbye: false });
  assert.deepEqual(run.digits, { account: '12345' });
});

test('digit collection: too few digits go to the fail destination; maxDigits ends without #', () => {
  const short = new IvrRun(settings, 'Asia/Shanghai', () => new Date());
  short.start('account');
  short.digit('1');
  assert.deepEqual(exitOf(short.digit('#')), { type: 'exit', to: { kind: 'extension', number: '1001' }, goodbye: false });
  const full = new IvrRun(settings, 'Asia/Shanghai', () => new Date());
  full.start('account');
  let last: IvrAction[] = [];
  for (const d of '987654') last = full.digit(d);
  assert.equal(exitOf(last)?.type, 'exit');
  assert.deepEqual(full.digits, { account: '987654' });
});

test('time conditions: weekday hours in the site time zone, holidays by MM-DD, the boundary is exclusive', () => {
  const cond = settings.timeConditions[0]!;
  // 2026-11-30 is a Monday. 01:00Z = 09:00 in Shanghai.
  assert.equal(isOpen(cond, new Date('2026-11-30T01:00:00Z'), 'Asia/Shanghai'), true);
  assert.equal(isOpen(cond, new Date('2026-11-30T09:30:00Z'), 'Asia/Shanghai'), false, '17:30 closes');
  assert.equal(isOpen(cond, new Date('2026-11-29T01:00:00Z'), 'Asia/Shanghai'), false, 'Sunday');
  assert.equal(isOpen(cond, new Date('2026-10-01T02:00:00Z'), 'Asia/Shanghai'), false, 'national day holiday');
  const open = new IvrRun(settings, 'Asia/Shanghai', () => new Date('2026-11-30T01:00:00Z'));
  assert.deepEqual(open.start('hours')[1], { type: 'play', prompts: ['welcome'] });
  const closed = new IvrRun(settings, 'Asia/Shanghai', () => new Date('2026-11-29T01:00:00Z'));
  assert.deepEqual(closed.start('hours')[1], { type: 'play', prompts: ['closed'] });
});
