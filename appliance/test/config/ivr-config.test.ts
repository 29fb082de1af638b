import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigValidationError, defaultConfig, ivrSettings, validateConfig } from '../../src/config/index.ts';

function errorsOf(value: unknown): Array<{ path: string; message: string }> {
  try {
    validateConfig(value);
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError);
    return err.errors;
  }
  assert.fail('expected ConfigValidationError');
}

const base = () => ({
  ...defaultConfig(),
  extensions: [{ number: '1001', secret: 'abcdefgh' }],
  acd: { queues: [{ name: 'repair' }, { name: 'billing' }] },
});

const goodIvr = {
  language: 'en',
  menus: [
    {
      name: 'main', prompt: 'welcome',
      options: [
        { digit: '1', destination: { kind: 'queue', name: 'repair' }, skills: [] },
        { digit: '2', destination: { kind: 'menu', menu: 'account' } },
        { digit: '0', destination: { kind: 'extension', number: '1001' } },
        { digit: '*', destination: { kind: 'repeat' } },
      ],
    },
    { name: 'account', prompt: 'enter-account', collect: { name: 'account', maxDigits: 8, then: { kind: 'queue', name: 'billing' } } },
    { name: 'closed', prompt: 'closed', options: [{ digit: '1', destination: { kind: 'hangup' } }] },
  ],
  timeConditions: [{ name: 'hours', hours: [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }], holidays: ['10-01', '2026-02-17'], open: 'main', closed: 'closed' }],
};

test('ivr: a full section validates, ivrSettings fills the defaults, and routes may name a menu, a time condition or a queue', () => {
  const cfg = validateConfig({
    ...base(), ivr: goodIvr,
    routes: { inbound: [{ name: 'hotline', did: '95598', destination: { kind: 'ivr', menu: 'hours' } }, { name: 'direct', destination: { kind: 'queue', name: 'repair' } }] },
  });
  const s = ivrSettings(cfg);
  assert.equal(s.language, 'en');
  const main = s.menus[0]!;
  assert.equal(main.timeoutSec, 5);
  assert.equal(main.maxRetries, 2);
  assert.equal(main.invalidPrompt, 'invalid');
  assert.deepEqual(main.failDestination, { kind: 'hangup' });
  assert.equal(ivrSettings(validateConfig(base())).menus.length, 0);
});

test('ivr: dangling destinations are refused with the path of each (menus, queues, extensions, conditions, routes)', () => {
  const ivr = structuredClone(goodIvr);
  ivr.menus[0]!.options![0]!.destination = { kind: 'queue', name: 'nosuch' };
  ivr.menus[0]!.options![1]!.destination = { kind: 'menu', menu: 'ghost' };
  ivr.menus[0]!.options![2]!.destination = { kind: 'extension', number: '9999' };
  ivr.timeConditions[0]!.closed = 'gone';
  const errors = errorsOf({ ...base(), ivr, routes: { inbound: [{ name: 'r', destination: { kind: 'ivr', menu: 'nomenu' } }, { name: 'q', destination: { kind: 'queue', name: 'x' } }] } });
  const paths = errors.map((e) => e.path);
  assert.ok(paths.includes('/ivr/menus/0/options/0/destination/name'));
  assert.ok(paths.includes('/ivr/menus/0/options/1/destination/menu'));
  assert.ok(paths.includes('/ivr/menus/0/options/2/destination/number'));
  assert.ok(paths.includes('/ivr/timeConditions/0/closed'));
  assert.ok(paths.includes('/routes/inbound/0/destination/menu'));
  assert.ok(paths.includes('/routes/inbound/1/destination/name'));
});

test('ivr: duplicate keys and names, a menu with neither options nor collection, bad hours and holidays are refused', () => {
  const ivr = structuredClone(goodIvr) as typeof goodIvr;
  ivr.menus[0]!.options!.push({ digit: '1', destination: { kind: 'hangup' } } as never);
  ivr.menus.push({ name: 'hours', prompt: 'x', options: [] } as never);
  ivr.timeConditions[0]!.hours[0]!.to = '08:00';
  ivr.timeConditions[0]!.holidays = ['13-40'];
  const errors = errorsOf({ ...base(), ivr });
  const paths = errors.map((e) => e.path);
  assert.ok(paths.includes('/ivr/menus/0/options/4/digit'));
  assert.ok(paths.includes('/ivr/menus/3/options'));
  assert.ok(paths.includes('/ivr/timeConditions/0/name'), 'menu and condition names share one namespace');
  assert.ok(paths.includes('/ivr/timeConditions/0/hours/0/to'));
  assert.ok(paths.includes('/ivr/timeConditions/0/holidays/0'));
});
