import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, validateConfig } from '../../src/config/index.ts';
import { stationDialPlan } from '../../src/analog/station-dial-plan.ts';

test('an FXS phone dial plan: extensions, route patterns and emergency numbers end dialling', () => {
  const config = validateConfig({
    ...defaultConfig(),
    extensions: [{ number: '1001', secret: 'abcdefgh' }, { number: '10011', secret: 'abcdefgh' }],
    trunks: [{ name: 'carrier', host: '192.0.2.1' }],
    routes: { outbound: [{ name: 'city', patterns: ['_9NXXXXXXX'], trunks: ['carrier'] }] },
  });
  const plan = stationDialPlan(config);
  assert.deepEqual(plan('100'), { full: false, canExtend: true });
  // 1001 is a number, but 10011 is too: wait for the inter-digit timeout.
  assert.deepEqual(plan('1001'), { full: true, canExtend: true });
  assert.deepEqual(plan('10011'), { full: true, canExtend: false });
  assert.deepEqual(plan('952345678'), { full: true, canExtend: false });
  assert.deepEqual(plan('91'), { full: false, canExtend: false }, '9 then 1 matches no N');
  assert.deepEqual(plan('110'), { full: true, canExtend: false }, 'emergency numbers dial at once');
  assert.deepEqual(plan('7'), { full: false, canExtend: false });
});
