import { test } from 'node:test';
import assert from 'node:assert/strict';
import { featureCodeVerdict, parseFeatureCode } from '../../src/dialplan/index.ts';
import { Router } from '../../src/pbx/routing/index.ts';
import { defaultConfig, validateConfig } from '../../src/config/index.ts';

test('parses the agent feature codes: login with and without PIN, logout, ready, not ready with a reason digit', () => {
  assert.deepEqual(parseFeatureCode('*218001#1234#'), { kind: 'login', agent: '8001', pin: '1234' });
  assert.deepEqual(parseFeatureCode('*218001##'), { kind: 'login', agent: '8001', pin: '' });
  assert.deepEqual(parseFeatureCode('*22'), { kind: 'logout' });
  assert.deepEqual(parseFeatureCode('*23'), { kind: 'ready' });
  assert.deepEqual(parseFeatureCode('*242'), { kind: 'not-ready', reasonIndex: 2 });
  for (const bad of ['*21', '*218001', '*218001#12', '*240', '*25', '*2', '1001']) assert.equal(parseFeatureCode(bad), undefined, bad);
});

test('the router dial verdict treats * codes as complete numbers, so an analog phone dials them without waiting', () => {
  const router = new Router(validateConfig({ ...defaultConfig(), extensions: [{ number: '1001', secret: 'abcdefgh' }] }));
  assert.deepEqual(router.dialVerdict('*23'), { full: true, canExtend: false });
  assert.deepEqual(router.dialVerdict('*24'), { full: false, canExtend: true });
  assert.deepEqual(router.dialVerdict('*241'), { full: true, canExtend: false });
  assert.deepEqual(router.dialVerdict('*218001#1'), { full: false, canExtend: true });
  assert.deepEqual(router.dialVerdict('*218001#1234#'), { full: true, canExtend: false });
  assert.deepEqual(featureCodeVerdict('*9'), { full: false, canExtend: false });
  assert.deepEqual(router.decide({ origin: { kind: 'extension', number: '1001' }, dialled: '*23', callerNumber: '1001' }, () => 'up'), { kind: 'feature', code: { kind: 'ready' } });
  assert.deepEqual(router.decide({ origin: { kind: 'extension', number: '1001' }, dialled: '*21', callerNumber: '1001' }, () => 'up'), { kind: 'not-found', status: 484 });
});
