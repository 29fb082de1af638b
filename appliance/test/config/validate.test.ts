import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigValidationError, defaultConfig, migrateConfigDocument, validateConfig } from '../../src/config/index.ts';

function errorsOf(value: unknown): Array<{ path: string; message: string }> {
  try {
    validateConfig(value);
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError);
    return err.errors;
  }
  assert.fail('expected ConfigValidationError');
}

test('the default configuration is valid and validation returns a copy, not the input', () => {
  const input = defaultConfig();
  const out = validateConfig(input);
  assert.deepEqual(out, input);
  assert.notEqual(out, input);
});

test('fills in extension defaults (maxContacts 5, callWaiting false) without touching the input', () => {
  const input = { ...defaultConfig(), extensions: [{ number: '1001', secret: 'abcdefgh' }] };
  const out = validateConfig(input);
  assert.deepEqual(out.extensions[0], { number: '1001', secret: 'abcdefgh', maxContacts: 5, callWaiting: false });
  assert.deepEqual(input.extensions[0], { number: '1001', secret: 'abcdefgh' });
});

test('reports every error at once, each with its JSON pointer', () => {
  const bad = defaultConfig() as any;
  bad.extensions = [
    { number: '1', secret: 'short' },
    { number: '1001', secret: '12345678', colour: 'red' },
    { number: '1001', secret: '12345678', maxContacts: 21 },
  ];
  delete bad.site.name;
  bad.sip.digestAlgorithms = ['MD4'];
  bad.rtp.portMin = 30000;
  const paths = errorsOf(bad).map((e) => e.path).sort();
  assert.deepEqual(paths, [
    '/extensions/0/number',
    '/extensions/0/secret',
    '/extensions/1/colour',
    '/extensions/2/maxContacts',
    '/extensions/2/number',
    '/rtp/portMin',
    '/sip/digestAlgorithms/0',
    '/site/name',
  ]);
});

test('the error message lists each path with its reason', () => {
  const bad = defaultConfig() as any;
  bad.extensions = [{ number: '12', secret: 'x' }];
  bad.sip.udpPort = 0;
  try {
    validateConfig(bad);
    assert.fail('should throw');
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError);
    assert.match(err.message, /\/extensions\/0\/secret: must NOT have fewer than 8 characters/);
    assert.match(err.message, /\/sip\/udpPort: must be >= 1/);
    assert.match(err.message, /2 errors/);
  }
});

test('semantic checks: duplicate numbers, inverted expiry bounds, SIP port inside RTP range, non-IP addresses', () => {
  const bad = defaultConfig() as any;
  bad.extensions = [
    { number: '1001', secret: '12345678' },
    { number: '1001', secret: '12345678' },
  ];
  bad.sip.registerDefaultExpiresSec = 30;
  bad.sip.udpPort = 15000;
  bad.sip.bindAddress = 'localhost';
  bad.security.trustedPeers = [{ address: '10.0.0.300', name: 'gw' }, { address: '2001:db8::1', name: 'gw6' }];
  const errs = errorsOf(bad);
  assert.deepEqual(errs.map((e) => e.path).sort(), [
    '/extensions/1/number',
    '/security/trustedPeers/0/address',
    '/sip/bindAddress',
    '/sip/registerDefaultExpiresSec',
    '/sip/udpPort',
  ]);
  assert.match(errs.find((e) => e.path === '/extensions/1/number')!.message, /duplicates extension 1001 at \/extensions\/0/);
});

test('refuses non-objects and unknown top-level fields', () => {
  assert.deepEqual(errorsOf(null).map((e) => e.path), ['']);
  assert.ok(errorsOf({ ...defaultConfig(), extra: 1 }).some((e) => e.path === '/extra'));
});

test('refuses a document from a newer schema revision instead of dropping its fields', () => {
  const errs = errorsOf({ ...defaultConfig(), schemaVersion: 2 });
  assert.equal(errs[0].path, '/schemaVersion');
  assert.match(errs[0].message, /newer than this release/);
});

test('the migrations hook chains steps from an older revision up to the target', () => {
  const migrated = migrateConfigDocument(
    { schemaVersion: 1, sip: { port: 5060 } },
    [{ from: 1, migrate: (d) => ({ ...d, sip: { udpPort: (d.sip as any).port } }) }],
    2,
  );
  assert.deepEqual(migrated, { schemaVersion: 2, sip: { udpPort: 5060 } });
});

test('routes: patterns parse, destinations and trunks exist, defaults filled in by routeSettings', async () => {
  const { routeSettings } = await import('../../src/config/index.ts');
  const base = {
    ...defaultConfig(),
    extensions: [{ number: '1001', secret: 'abcdefgh' }],
    trunks: [{ name: 'carrier', host: '192.0.2.1' }],
    analog: { cards: [{ name: 'c1', driver: 'simulator', ports: [{ port: 1, kind: 'FXO', group: 'pstn' }] }], lineGroups: [{ name: 'pstn' }] },
  };
  const good = validateConfig({
    ...base,
    routes: {
      inbound: [{ name: 'hotline', did: '95598', destination: { kind: 'extension', number: '1001' } }],
      outbound: [{ name: 'local', patterns: ['_9NXXXXXXX', '_9[1,3-5]X.'], strip: 1, trunks: ['carrier', 'pstn'] }],
    },
  });
  const s = routeSettings(good);
  assert.deepEqual(s.outbound[0], { name: 'local', patterns: ['_9NXXXXXXX', '_9[1,3-5]X.'], strip: 1, prepend: '', trunks: ['carrier', 'pstn'] });
  assert.ok(s.emergencyNumbers.includes('110') && s.emergencyNumbers.includes('120'));
  assert.deepEqual(routeSettings(defaultConfig()), { inbound: [], outbound: [], emergencyNumbers: ['110', '119', '120', '122', '112'] });

  const errs = errorsOf({
    ...base,
    routes: {
      inbound: [{ name: 'x', did: '_9[5', destination: { kind: 'extension', number: '2002' } }, { name: 'y', destination: { kind: 'queue' } }],
      outbound: [{ name: 'z', patterns: ['_9X.'], trunks: ['nowhere'] }],
    },
  });
  const paths = errs.map((e) => e.path);
  assert.ok(paths.includes('/routes/inbound/0/did'), JSON.stringify(errs));
  assert.ok(paths.includes('/routes/inbound/0/destination/number'), JSON.stringify(errs));
  assert.ok(paths.some((p) => p.startsWith('/routes/inbound/1/destination')), JSON.stringify(errs));
  assert.ok(paths.includes('/routes/outbound/0/trunks/0'), JSON.stringify(errs));
});
