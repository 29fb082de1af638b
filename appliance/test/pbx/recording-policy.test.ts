import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigValidationError, defaultConfig, validateConfig } from '../../src/config/index.ts';
import { recordingSettings, shouldRecord } from '../../src/pbx/recording/recording-policy.ts';

test('no recording section: nothing is recorded', () => {
  assert.equal(recordingSettings(defaultConfig()), undefined);
  assert.equal(shouldRecord(undefined, '1001', '1002'), false);
});

test('defaults: port 5080, record always, calls go on when the recorder is down', () => {
  const c = { ...defaultConfig(), recording: { recorder: { host: '10.0.0.5' } } };
  assert.deepEqual(recordingSettings(c), { recorder: { host: '10.0.0.5', port: 5080 }, default: 'always', extensions: {}, requireRecorder: false });
  assert.equal(shouldRecord(recordingSettings(c), '1001', '1002'), true);
});

test('per-extension policy: always wins over never, never over the default', () => {
  const s = recordingSettings({ ...defaultConfig(), recording: { recorder: { host: 'r' }, default: 'never', extensions: { '1001': 'always', '1009': 'never' } } })!;
  assert.equal(shouldRecord(s, '1002', '1003'), false, 'default never');
  assert.equal(shouldRecord(s, '1002', '1001'), true, 'callee always');
  assert.equal(shouldRecord(s, '1001', '1009'), true, 'always beats never');
  const t = recordingSettings({ ...defaultConfig(), recording: { recorder: { host: 'r' }, extensions: { '1009': 'never' } } })!;
  assert.equal(shouldRecord(t, '1009', '1002'), false, 'a privacy line is never recorded');
  assert.equal(shouldRecord(t, '1001', '1002'), true);
});

test('the schema takes a valid recording section and refuses bad ones with the path', () => {
  const ok = { ...defaultConfig(), recording: { recorder: { host: '127.0.0.1', port: 5080 }, default: 'always', extensions: { '1001': 'never' }, requireRecorder: true } };
  assert.equal(validateConfig(ok).recording?.requireRecorder, true);
  for (const bad of [{ recorder: {} }, { recorder: { host: 'r', port: 0 } }, { recorder: { host: 'r' }, default: 'sometimes' }, { recorder: { host: 'r' }, extensions: { abc: 'always' } }, { recorder: { host: 'r' }, extensions: { '1001': 'maybe' } }]) {
    assert.throws(() => validateConfig({ ...defaultConfig(), recording: bad }), (e: unknown) => e instanceof ConfigValidationError && e.errors.some((i) => i.path.startsWith("/recording")), JSON.stringify(bad));
  }
});
