import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judge, thresholdText } from '../../src/maintenance/inspection/thresholds.ts';
import { measure, measureAll } from '../../src/maintenance/inspection/measure.ts';
import { DEFAULT_TEMPLATE } from '../../src/maintenance/inspection/default-template.ts';
import { templateItems, validateTemplate } from '../../src/maintenance/inspection/template-validate.ts';
import type { AutomaticItem } from '../../src/maintenance/inspection/template-types.ts';
import { fakeProbes } from './fake-probes.ts';

const auto = (probe: string, threshold?: AutomaticItem['threshold']): AutomaticItem => ({ kind: 'automatic', id: 'x', label: { en: 'x', zh: 'x' }, probe, threshold });

test('a max threshold fails at the fail limit and warns from the warn limit; a min threshold the other way round', () => {
  const max = { direction: 'max' as const, warn: 80, fail: 90 };
  assert.equal(judge(79.9, max), 'pass');
  assert.equal(judge(80, max), 'warn');
  assert.equal(judge(90, max), 'fail');
  const min = { direction: 'min' as const, warn: 30, fail: 7 };
  assert.equal(judge(31, min), 'pass');
  assert.equal(judge(30, min), 'warn');
  assert.equal(judge(7, min), 'fail');
  assert.equal(judge(-3, min), 'fail');
  assert.equal(judge(null, max), 'na', 'an unmeasurable value is never a pass');
  assert.equal(judge(5, undefined), 'pass');
  assert.equal(thresholdText(max, '%'), '< 80 / 90 %');
  assert.equal(thresholdText(min, 'd'), '> 30 / 7 d');
});

test('disk probe reports the fullest disk and the threshold judges it', async () => {
  const m = await measure(auto('host.disk-used', { direction: 'max', warn: 80, fail: 90 }), fakeProbes());
  assert.equal(m.valueNum, 85);
  assert.equal(m.status, 'warn');
  assert.equal(m.detail?.en, 'mount /var');
});

test('no temperature sensor reads na with a reason, not a pass', async () => {
  const m = await measure(auto('host.cpu-temperature', { direction: 'max', warn: 75, fail: 90 }), fakeProbes());
  assert.equal(m.status, 'na');
  assert.equal(m.valueNum, null);
  assert.match(m.detail!.en, /sensor/);
});

test('certificate days left and stale-password accounts are counted from the injected clock', async () => {
  const cert = await measure(auto('tls.cert-days-left', { direction: 'min', warn: 30, fail: 7 }), fakeProbes());
  assert.equal(cert.valueNum, 40);
  assert.equal(cert.status, 'pass');
  const stale = await measure(auto('accounts.stale-passwords', { direction: 'max', warn: 1 }), fakeProbes());
  assert.equal(stale.valueNum, 1);
  assert.equal(stale.status, 'warn');
  assert.equal(stale.detail?.en, 'old');
});

test('backup items read na (not available) until a BackupStatusSource is wired, then judge its figures', async () => {
  const age = auto('backup.last-age', { direction: 'max', warn: 26, fail: 170 });
  assert.equal((await measure(age, fakeProbes())).status, 'na');
  assert.match((await measure(age, fakeProbes())).detail!.en, /not available/);
  const now = Date.parse('2026-11-30T08:00:00Z');
  const backups = { status: async () => ({ lastSuccessAt: now - 30 * 3_600_000, lastResult: 'ok' as const, lastTestRestore: { at: now - 86_400_000, ok: false, detail: '3 files differ' } }) };
  const m = await measure(age, fakeProbes({ backups }));
  assert.equal(m.valueNum, 30);
  assert.equal(m.status, 'warn');
  const tr = await measure(auto('backup.test-restore'), fakeProbes({ backups }));
  assert.equal(tr.status, 'fail');
  const never = { status: async () => ({ lastSuccessAt: null, lastResult: null, lastTestRestore: null }) };
  assert.equal((await measure(age, fakeProbes({ backups: never }))).status, 'fail', 'no backup ever is a fail');
});

test('a PBX that does not answer fails the service item and makes trunk states na; a throwing probe is na', async () => {
  const src = fakeProbes({ pbx: async () => undefined });
  assert.equal((await measure(auto('services.states'), src)).status, 'fail');
  assert.equal((await measure(auto('trunks.down', { direction: 'max', fail: 1 }), src)).status, 'na');
  const boom = await measure(auto('host.cpu-load'), fakeProbes({ host: async () => { throw new Error('no /proc'); } }));
  assert.equal(boom.status, 'na');
  assert.match(boom.detail!.en, /no \/proc/);
  assert.equal((await measure(auto('time.sync'), fakeProbes({ timeSync: async () => 'unknown' }))).status, 'na');
});

test('the shipped template is valid, covers every probe, and a run reads the host once', async () => {
  validateTemplate(DEFAULT_TEMPLATE);
  const items = templateItems(DEFAULT_TEMPLATE).map((x) => x.item);
  const probes = new Set(items.flatMap((i) => (i.kind === 'automatic' ? [i.probe] : [])));
  const { PROBE_IDS } = await import('../../src/maintenance/inspection/probes.ts');
  for (const p of PROBE_IDS) assert.ok(probes.has(p), `default template uses ${p}`);
  assert.ok(items.some((i) => i.kind === 'manual' && i.id === 'ups-test'));
  let hostCalls = 0;
  const src = fakeProbes();
  const host = src.host;
  await measureAll(items.filter((i): i is AutomaticItem => i.kind === 'automatic'), { ...src, host: () => { hostCalls++; return host(); } });
  assert.equal(hostCalls, 1);
});

test('template validation refuses duplicate ids, unknown probes, thresholds on text probes and warn after fail', () => {
  const base = () => structuredClone(DEFAULT_TEMPLATE);
  const dup = base();
  dup.sections[0]!.items.push({ ...dup.sections[0]!.items[0]! });
  assert.throws(() => validateTemplate(dup), /unique/);
  const unknown = base();
  (unknown.sections[0]!.items[0] as AutomaticItem).probe = 'nope';
  assert.throws(() => validateTemplate(unknown), /unknown probe/);
  const textT = base();
  const smart = textT.sections[0]!.items.find((i) => i.id === 'smart') as AutomaticItem;
  smart.threshold = { direction: 'max', fail: 1 };
  assert.throws(() => validateTemplate(textT), /takes no threshold/);
  const order = base();
  (order.sections[0]!.items[0] as AutomaticItem).threshold = { direction: 'max', warn: 95, fail: 90 };
  assert.throws(() => validateTemplate(order), /warn must come before fail/);
});
