import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigValidationError, defaultConfig, validateConfig, type HotlineConfig } from '../../src/config/index.ts';
import { recordingSettings, recordingVerdict, type RecordingSettings } from '../../src/pbx/recording/recording-policy.ts';

const settings = (recording: NonNullable<HotlineConfig['recording']>): RecordingSettings => recordingSettings({ ...defaultConfig(), recording })!;

test('no recording section: no settings (nothing is recorded)', () => {
  assert.equal(recordingSettings(defaultConfig()), undefined);
});

test('defaults: port 5080, record always, calls go on when the recorder is down, probe every 5 s, pauses end after 120 s', () => {
  assert.deepEqual(settings({ recorder: { host: '10.0.0.5' } }), {
    recorder: { host: '10.0.0.5', port: 5080 }, default: 'always', extensions: {}, trunks: {}, queues: {}, routes: {}, requireRecorder: false, probeIntervalMs: 5000, maxPauseMs: 120_000,
  });
  assert.deepEqual(recordingVerdict(settings({ recorder: { host: 'r' } }), { extensions: ['1001', '1002'] }), { mode: 'always', by: 'default' });
  assert.equal(settings({ recorder: { host: 'r' }, probeIntervalSec: 0 }).probeIntervalMs, 0, '0 turns the probe off');
});

test('per-extension policy: always wins over never, never over the default', () => {
  const s = settings({ recorder: { host: 'r' }, default: 'never', extensions: { '1001': 'always', '1009': 'never' } });
  assert.equal(recordingVerdict(s, { extensions: ['1002', '1003'] }).mode, 'never', 'default never');
  assert.deepEqual(recordingVerdict(s, { extensions: ['1002', '1001'] }), { mode: 'always', by: 'extension 1001' });
  assert.deepEqual(recordingVerdict(s, { extensions: ['1009', '1001'] }), { mode: 'always', by: 'extension 1001' }, 'always beats never');
  const t = settings({ recorder: { host: 'r' }, extensions: { '1009': 'never' } });
  assert.deepEqual(recordingVerdict(t, { extensions: ['1009', '1002'] }), { mode: 'never', by: 'extension 1009' }, 'a privacy line is never recorded');
});

test('trunk, queue and route policies vote with the extensions: always, then never, then on-demand, then the default', () => {
  const s = settings({
    recorder: { host: 'r' }, default: 'on-demand',
    extensions: { '1009': 'never', '1010': 'on-demand' },
    trunks: { 'carrier-a': 'always', 'analog:fxo': 'never' },
    queues: { complaints: 'always', sales: 'on-demand' },
    routes: { 'did-hr': 'never', 'out-intl': 'always' },
  });
  assert.deepEqual(recordingVerdict(s, { extensions: ['1009'], trunk: 'carrier-a' }), { mode: 'always', by: 'trunk carrier-a' }, 'a compliance trunk outweighs a privacy extension');
  assert.deepEqual(recordingVerdict(s, { extensions: ['1010'], trunk: 'analog:fxo' }), { mode: 'never', by: 'trunk analog:fxo' }, 'never outweighs on-demand');
  assert.deepEqual(recordingVerdict(s, { extensions: ['1009'], queue: 'complaints', trunk: 'analog:fxo' }), { mode: 'always', by: 'queue complaints' });
  assert.deepEqual(recordingVerdict(s, { extensions: [], queue: 'sales' }), { mode: 'on-demand', by: 'queue sales' });
  assert.deepEqual(recordingVerdict(s, { extensions: ['1010'], route: 'did-hr' }), { mode: 'never', by: 'route did-hr' });
  assert.deepEqual(recordingVerdict(s, { extensions: ['1009'], route: 'out-intl' }), { mode: 'always', by: 'route out-intl' });
  assert.deepEqual(recordingVerdict(s, { extensions: ['1002'], trunk: 'other' }), { mode: 'on-demand', by: 'default' }, 'subjects without a setting leave it to the default');
  assert.deepEqual(recordingVerdict(s, { extensions: ['1009', '1010'] }), { mode: 'never', by: 'extension 1009' });
});

/** A config with one of everything a policy can name. */
function site(): HotlineConfig {
  const c = defaultConfig();
  c.extensions = [{ number: '1001', secret: 'secret-1001', maxContacts: 1, callWaiting: false }];
  c.trunks = [{ name: 'carrier-a', host: '192.0.2.10' }];
  c.routes = { inbound: [{ name: 'did-main', destination: { kind: 'extension', number: '1001' } }], outbound: [{ name: 'out', patterns: ['_0X.'], trunks: ['carrier-a'] }] } as HotlineConfig['routes'];
  return c;
}

test('the schema and validation take a valid recording section', () => {
  const ok = validateConfig({
    ...site(), recording: {
      recorder: { host: '127.0.0.1', port: 5080 }, default: 'on-demand', extensions: { '1001': 'never' }, trunks: { 'carrier-a': 'always' },
      routes: { 'did-main': 'always', out: 'on-demand', emergency: 'always' }, requireRecorder: true, probeIntervalSec: 3,
    },
  });
  assert.equal(ok.recording?.requireRecorder, true);
  assert.equal(ok.recording?.trunks?.['carrier-a'], 'always');
});

test('bad recording sections are refused with the path and a message naming what is wrong', () => {
  const cases: Array<[unknown, RegExp, RegExp]> = [
    [{ recorder: {} }, /^\/recording\/recorder\/host$/, /required/],
    [{ recorder: { host: '127.0.0.1', port: 0 } }, /^\/recording\/recorder\/port$/, /.+/],
    [{ recorder: { host: 'recorder.local' } }, /^\/recording\/recorder\/host$/, /IPv4 or IPv6 address/],
    [{ recorder: { host: '127.0.0.1' }, default: 'sometimes' }, /^\/recording\/default$/, /.+/],
    [{ recorder: { host: '127.0.0.1' }, extensions: { abc: 'always' } }, /^\/recording\/extensions$/, /.+/],
    [{ recorder: { host: '127.0.0.1' }, extensions: { '1001': 'maybe' } }, /^\/recording\/extensions\/1001$/, /.+/],
    [{ recorder: { host: '127.0.0.1' }, extensions: { '1002': 'always' } }, /^\/recording\/extensions\/1002$/, /no extension in \/extensions: 1002/],
    [{ recorder: { host: '127.0.0.1' }, trunks: { 'carrier-b': 'always' } }, /^\/recording\/trunks\/carrier-b$/, /no trunk in \/trunks.*carrier-b/],
    [{ recorder: { host: '127.0.0.1' }, trunks: { 'analog:fxo': 'never' } }, /^\/recording\/trunks\/analog:fxo$/, /line group/],
    [{ recorder: { host: '127.0.0.1' }, queues: { complaints: 'always' } }, /^\/recording\/queues\/complaints$/, /no queue in \/acd\/queues: complaints/],
    [{ recorder: { host: '127.0.0.1' }, routes: { 'did-other': 'never' } }, /^\/recording\/routes\/did-other$/, /no route/],
    [{ recorder: { host: '127.0.0.1' }, probeIntervalSec: 1000 }, /^\/recording\/probeIntervalSec$/, /.+/],
    [{ recorder: { host: '127.0.0.1' }, maxPauseSec: -1 }, /^\/recording\/maxPauseSec$/, /.+/],
  ];
  for (const [bad, path, message] of cases) {
    assert.throws(() => validateConfig({ ...site(), recording: bad }), (e: unknown) => {
      assert.ok(e instanceof ConfigValidationError);
      assert.ok(e.errors.some((i) => path.test(i.path) && message.test(i.message)), `${JSON.stringify(bad)} → ${JSON.stringify(e.errors)}`);
      return true;
    });
  }
});
