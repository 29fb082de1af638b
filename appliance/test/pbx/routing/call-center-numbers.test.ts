// Numbers that reach the call center from an extension (issue 6): a queue's and an IVR menu's
// `number` (dial a group; a blind transfer names them too) and an agent's number (dial an agent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, validateConfig, ConfigValidationError, type HotlineConfig } from '../../../src/config/index.ts';
import { Router } from '../../../src/pbx/routing/index.ts';

function config(mutate?: (c: HotlineConfig) => void): HotlineConfig {
  const c = defaultConfig();
  c.extensions = ['1001', '8009'].map((n) => ({ number: n, secret: `secret-${n}`, maxContacts: 5, callWaiting: false }));
  c.acd = {
    queues: [{ name: 'repair', number: '5001' }, { name: 'billing' }],
    agents: [{ number: '8001', queues: [{ queue: 'repair' }] }, { number: '8009', queues: [{ queue: 'billing' }] }],
  };
  c.ivr = { menus: [{ name: 'main', number: '5100', prompt: 'welcome', options: [{ digit: '1', destination: { kind: 'queue', name: 'repair' } }] }] };
  mutate?.(c);
  return validateConfig(c);
}
const up = () => 'up' as const;
const fromExtension = (r: Router, dialled: string) => r.decide({ origin: { kind: 'extension', number: '1001' }, dialled, callerNumber: '1001' }, up);

test('an extension dialling a queue\'s number joins the queue, a menu\'s number hears the menu, an agent\'s number reaches the agent', () => {
  const r = new Router(config());
  assert.deepEqual(fromExtension(r, '5001'), { kind: 'queue', name: 'repair' });
  assert.deepEqual(fromExtension(r, '5100'), { kind: 'ivr', menu: 'main' });
  assert.deepEqual(fromExtension(r, '8001'), { kind: 'agent', agent: '8001' });
});

test('an agent number that is also an extension rings the extension', () => {
  assert.deepEqual(fromExtension(new Router(config()), '8009'), { kind: 'extension', number: '8009' });
});

test('calls from a trunk never reach these numbers directly (only through inbound routes)', () => {
  const r = new Router(config());
  assert.deepEqual(r.decide({ origin: { kind: 'trunk', name: 'x' }, dialled: '5001', callerNumber: '13800000000' }, up), { kind: 'not-found', status: 404 });
});

test('digit-by-digit dialling: the numbers are complete, their prefixes can extend', () => {
  const r = new Router(config());
  assert.deepEqual(r.dialVerdict('5001'), { full: true, canExtend: false });
  assert.deepEqual(r.dialVerdict('51'), { full: false, canExtend: true });
  assert.equal(r.dialVerdict('800').canExtend, true);
});

test('validation refuses a queue or menu number that is an extension\'s, an agent\'s, or another queue\'s or menu\'s', () => {
  const paths = (mutate: (c: HotlineConfig) => void) => {
    try {
      config(mutate);
      return [];
    } catch (err) {
      if (!(err instanceof ConfigValidationError)) throw err;
      return err.errors.map((e) => e.path);
    }
  };
  assert.deepEqual(paths((c) => { c.acd!.queues![1]!.number = '1001'; }), ['/acd/queues/1/number']);
  assert.deepEqual(paths((c) => { c.acd!.queues![1]!.number = '8001'; }), ['/acd/queues/1/number']);
  assert.deepEqual(paths((c) => { c.ivr!.menus![0]!.number = '5001'; }), ['/ivr/menus/0/number']);
  assert.deepEqual(paths((c) => { c.acd!.queues![1]!.number = '5-01'; }).length, 1, 'not digits');
});
