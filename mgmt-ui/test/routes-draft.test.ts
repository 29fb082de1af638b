import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldErrors, fromDraft, patternList, toDraft } from '../src/lib/routes-draft.ts';
import type { RoutesConfig } from '../src/lib/api/types.ts';

test('a stored routes section survives the form unchanged', () => {
  const routes: RoutesConfig = {
    inbound: [
      { name: 'hotline', did: '95598', destination: { kind: 'extension', number: '1001' } },
      { name: 'spam', callerNumber: '_170X.', destination: { kind: 'hangup' } },
    ],
    outbound: [{ name: 'mobile', patterns: ['_1XXXXXXXXXX', '_01XXXXXXXXXX'], strip: 1, prepend: '0', trunks: ['carrier-b', 'pstn'] }],
    emergencyNumbers: ['110', '119'],
  };
  assert.deepEqual(fromDraft(toDraft(routes)), routes);
});

test('empty form fields are left out so the server defaults apply; odd text goes as it is for the server to name', () => {
  const d = toDraft(undefined);
  assert.deepEqual(fromDraft(d), { inbound: [], outbound: [] });
  d.outbound.push({ key: 1, name: ' intl ', patterns: '\n _00. \n\n', strip: 'two', prepend: ' ', trunks: ['a'] });
  d.inbound.push({ key: 2, name: 'x', did: ' ', callerNumber: '', kind: 'hangup', number: '1001' });
  d.emergency = '110，119, 120  122';
  const out = fromDraft(d);
  assert.deepEqual(out.outbound, [{ name: 'intl', patterns: ['_00.'], strip: 'two', trunks: ['a'] }]);
  assert.deepEqual(out.inbound, [{ name: 'x', destination: { kind: 'hangup' } }]);
  assert.deepEqual(out.emergencyNumbers, ['110', '119', '120', '122']);
  assert.deepEqual(patternList('a\n\n b \n'), ['a', 'b']);
});

test('server details are found by the JSON pointer of their field, and the rest are listed apart', () => {
  const e = new FieldErrors([
    { path: '/routes/outbound/0/trunks/1', message: 'names no trunk' },
    { path: '/routes/outbound/0/patterns/1', message: 'bad pattern' },
    { path: '/routes/inbound/2/destination/number', message: 'no such extension' },
    { path: '/routes/emergencyNumbers/0', message: 'bad number' },
    { path: '/routes', message: 'is not a known field' },
    { path: '/routes/outbound/0/weird', message: 'is not a known field' },
  ]);
  assert.equal(e.at('/routes/outbound/0/trunks/1'), 'names no trunk');
  assert.equal(e.at('/routes/outbound/0/trunks/0'), undefined);
  assert.equal(e.at('/routes/outbound/0/trunks'), undefined);
  assert.deepEqual(e.under('/routes/outbound/0/patterns').map((d) => d.path), ['/routes/outbound/0/patterns/1']);
  assert.deepEqual(e.under('/routes/inbound/2/destination').map((d) => d.message), ['no such extension']);
  assert.deepEqual(e.unplaced().map((d) => d.path), ['/routes', '/routes/outbound/0/weird']);
});
