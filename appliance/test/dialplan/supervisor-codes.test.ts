import { test } from 'node:test';
import assert from 'node:assert/strict';
import { featureCodeVerdict, parseFeatureCode, parseSupervisorCode, supervisorCodeVerdict } from '../../src/dialplan/index.ts';

test('supervisor codes *31–*36 name the action and the agent, with or without the closing #', () => {
  assert.deepEqual(parseSupervisorCode('*318001'), { kind: 'supervise', action: 'listen', agent: '8001' });
  assert.deepEqual(parseSupervisorCode('*328001#'), { kind: 'supervise', action: 'whisper', agent: '8001' });
  assert.deepEqual(parseFeatureCode('*3312'), { kind: 'supervise', action: 'barge', agent: '12' });
  assert.equal(parseFeatureCode('*3487654321')?.kind, 'supervise');
  assert.deepEqual(['*34', '*35', '*36'].map((c) => parseSupervisorCode(`${c}8001`)?.action), ['release', 'not-ready', 'logout']);
});

test('malformed supervisor codes are no code: unknown action, agent too short or too long, junk', () => {
  for (const bad of ['*30', '*378001', '*318', '*31123456789', '*318001##', '*31abcd', '*31', '31 8001']) assert.equal(parseSupervisorCode(bad), undefined, bad);
});

test('keyed one by one (FXS): a supervisor code is complete at its #, and every prefix can still grow', () => {
  assert.deepEqual(supervisorCodeVerdict('*3'), { full: false, canExtend: true });
  assert.deepEqual(supervisorCodeVerdict('*318001'), { full: false, canExtend: true });
  assert.deepEqual(featureCodeVerdict('*318001#'), { full: true, canExtend: false });
  assert.deepEqual(featureCodeVerdict('*318001'), { full: false, canExtend: true });
  assert.deepEqual(featureCodeVerdict('*39'), { full: false, canExtend: false });
  // The agent codes are unchanged.
  assert.deepEqual(featureCodeVerdict('*23'), { full: true, canExtend: false });
});
