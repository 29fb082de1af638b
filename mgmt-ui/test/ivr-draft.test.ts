import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freeDigit, freshMenuName, ivrTree, validateIvr, type IvrNode } from '../src/lib/ivr-draft.ts';
import type { IvrConfig } from '../src/lib/api/types.ts';

const ivr: IvrConfig = {
  menus: [
    { name: 'main', prompt: 'welcome', options: [
      { digit: '1', destination: { kind: 'queue', name: 'repair' } },
      { digit: '2', destination: { kind: 'menu', menu: 'account' } },
      { digit: '9', destination: { kind: 'menu', menu: 'main' } },
    ] },
    { name: 'account', prompt: 'enter-account', collect: { name: 'account', maxDigits: 8, then: { kind: 'queue', name: 'billing' } }, failDestination: { kind: 'menu', menu: 'main' } },
    { name: 'closed-menu', prompt: 'closed', options: [{ digit: '0', destination: { kind: 'hangup' } }] },
    { name: 'orphan', prompt: 'welcome', options: [{ digit: '1', destination: { kind: 'menu', menu: 'account' } }] },
  ],
  timeConditions: [{ name: 'hours', hours: [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }], open: 'main', closed: 'closed-menu' }],
};
const known = { queues: new Set(['repair', 'billing']), extensions: new Set(['1001']), prompts: new Set(['welcome', 'enter-account', 'closed']), boxes: new Set(['800']) };
const shape = (n: IvrNode): unknown => [n.name, n.children.map(shape)];

test('the tree starts at the inbound route entry, shows each menu once and survives loops', () => {
  assert.deepEqual(ivrTree(ivr, ['hours']).map(shape), [
    ['hours', [['main', [['account', []]]], ['closed-menu', []]]],
    ['orphan', []],
  ]);
  // Without an entry point: the condition is not reached from anything, so it is a root anyway.
  assert.deepEqual(ivrTree(ivr).map((n) => n.name), ['hours', 'orphan']);
  assert.deepEqual(ivrTree({ menus: [{ name: 'a', prompt: 'p', options: [{ digit: '1', destination: { kind: 'menu', menu: 'b' } }] }, { name: 'b', prompt: 'p', options: [{ digit: '1', destination: { kind: 'menu', menu: 'a' } }] }] }).map(shape), [['a', [['b', []]]]], 'a pure loop still shows both');
});

test('a valid section passes; a dangling queue, a duplicate key, a missing prompt and a bad condition are found at the server pointers', () => {
  assert.deepEqual(validateIvr(ivr, known), []);
  const bad: IvrConfig = structuredClone(ivr);
  bad.menus![0]!.options!.push({ digit: '1', destination: { kind: 'queue', name: 'nowhere' } });
  bad.menus![0]!.prompt = 'not-uploaded';
  bad.menus![1]!.failDestination = { kind: 'menu', menu: 'gone' };
  bad.menus![2]!.options = [];
  bad.timeConditions![0]!.closed = 'hours';
  bad.timeConditions![0]!.hours.push({ days: [], from: '18:00', to: '09:00' });
  bad.timeConditions![0]!.holidays = ['10-01', '13-45'];
  assert.deepEqual(validateIvr(bad, known).map((d) => d.path), [
    '/ivr/menus/0/prompt',
    '/ivr/menus/0/options/3/digit',
    '/ivr/menus/0/options/3/destination/name',
    '/ivr/menus/1/failDestination/menu',
    '/ivr/menus/2/options',
    '/ivr/timeConditions/0/closed',
    '/ivr/timeConditions/0/hours/1/days',
    '/ivr/timeConditions/0/hours/1/to',
    '/ivr/timeConditions/0/holidays/1',
  ]);
});

test('new names and keys are ones not used yet', () => {
  assert.equal(freshMenuName({ menus: [{ name: 'menu-1', prompt: 'x' }] }), 'menu-2');
  assert.equal(freeDigit(ivr.menus![0]!), '3');
});

test('a voicemail destination must name a configured box', () => {
  const withBox: IvrConfig = structuredClone(ivr);
  withBox.menus![0]!.failDestination = { kind: 'voicemail', box: '800' };
  assert.deepEqual(validateIvr(withBox, known), []);
  withBox.menus![0]!.failDestination = { kind: 'voicemail', box: '999' };
  assert.deepEqual(validateIvr(withBox, known).map((d) => [d.path, d.message]), [['/ivr/menus/0/failDestination/box', 'names no voicemail box (999)']]);
});
