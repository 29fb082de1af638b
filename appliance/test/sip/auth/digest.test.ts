import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AuthHeaderError,
  NonceManager,
  buildChallenges,
  computeResponse,
  parseAuthorization,
  verifyRequest,
} from '../../../src/sip/auth/index.ts';
import type { AuthenticatableRequest, DigestAlgorithm } from '../../../src/sip/auth/index.ts';

/** A fake clock the tests move by hand. */
function fakeClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

/** A minimal request carrying credentials headers; header names compared case-insensitively like SIP. */
function request(method: string, uri: string, headers: Array<[string, string]>): AuthenticatableRequest {
  return {
    method,
    uri,
    headers: { getAll: (name) => headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v) },
  };
}

/** Builds an Authorization value the way a phone would after a challenge. */
function authorization(p: { username: string; realm: string; password: string; method: string; uri: string; nonce: string; algorithm: DigestAlgorithm; cnonce?: string }): string {
  const nc = '00000001';
  const cnonce = p.cnonce ?? 'deadbeef';
  const response = computeResponse({ ...p, qop: 'auth', nc, cnonce });
  return `Digest username="${p.username}", realm="${p.realm}", nonce="${p.nonce}", uri="${p.uri}", response="${response}", algorithm=${p.algorithm}, qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}

describe('computeResponse', () => {
  // RFC 7616 §3.9.1: the same Mufasa request with MD5 and with SHA-256.
  const rfc7616 = {
    username: 'Mufasa',
    realm: 'http-auth@example.org',
    password: 'Circle of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    qop: 'auth',
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  };

  test('matches the RFC 7616 §3.9.1 MD5 example', () => {
    assert.equal(computeResponse({ ...rfc7616, algorithm: 'MD5' }), '8ca523f5e9506fed4657c9700eebdbec');
  });

  test('matches the RFC 7616 §3.9.1 SHA-256 example', () => {
    assert.equal(
      computeResponse({ ...rfc7616, algorithm: 'SHA-256' }),
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  test('matches the RFC 2617 §3.5 example (password "Circle Of Life")', () => {
    const r = computeResponse({
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      algorithm: 'MD5',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
    });
    assert.equal(r, '6629fae49393a05397450978507c4ef1');
  });

  test('without qop uses the RFC 2069 form H(HA1:nonce:HA2)', () => {
    const withQop = computeResponse({ ...rfc7616, algorithm: 'MD5' });
    const { qop: _q, nc: _n, cnonce: _c, ...noQop } = rfc7616;
    const legacy = computeResponse({ ...noQop, algorithm: 'MD5' });
    assert.match(legacy, /^[0-9a-f]{32}$/);
    assert.notEqual(legacy, withQop);
  });
});

describe('parseAuthorization', () => {
  test('parses the RFC 7616 §3.9.1 SHA-256 Authorization header', () => {
    const c = parseAuthorization(
      'Digest username="Mufasa",\r\n realm="http-auth@example.org",\r\n uri="/dir/index.html",\r\n algorithm=SHA-256,\r\n' +
        ' nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",\r\n nc=00000001,\r\n cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",\r\n' +
        ' qop=auth,\r\n response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",\r\n opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    );
    assert.deepEqual(c, {
      username: 'Mufasa',
      realm: 'http-auth@example.org',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      uri: '/dir/index.html',
      response: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
      algorithm: 'SHA-256',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
      opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
    });
  });

  test('defaults to MD5, accepts a lower-case scheme, unescapes quoted-pairs and lower-cases the response', () => {
    const c = parseAuthorization('digest username="a\\"b", realm="r", nonce="n", uri="sip:x@y", response="ABCDEF0123456789ABCDEF0123456789"');
    assert.equal(c.algorithm, 'MD5');
    assert.equal(c.username, 'a"b');
    assert.equal(c.response, 'abcdef0123456789abcdef0123456789');
    assert.equal(c.qop, undefined);
  });

  test('decodes username* (RFC 7616 §3.4.4)', () => {
    const c = parseAuthorization(
      "Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"0123456789abcdef0123456789abcdef\"",
    );
    assert.equal(c.username, 'Jäsøn Doe');
  });

  const rejects: Array<[string, string, string]> = [
    ['Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==', 'unsupported-scheme', 'a Basic header'],
    ['Digest username="a", realm="r", nonce="n", uri="u", response="0123456789abcdef0123456789abcdef", algorithm=MD5-sess', 'unsupported-algorithm', 'MD5-sess'],
    ['Digest username="a", realm="r", nonce="n", uri="u", response="0123456789abcdef0123456789abcdef", qop=auth-int, nc=00000001, cnonce="c"', 'unsupported-qop', 'qop=auth-int'],
    ['Digest username="a", realm="r", nonce="n", uri="u"', 'malformed', 'a missing response'],
    ['Digest username="a", realm="r", nonce="n", uri="u", response="0123"', 'malformed', 'a short response'],
    ['Digest username="a", realm="r", nonce="n", uri="u", response="0123456789abcdef0123456789abcdef", algorithm=SHA-256', 'malformed', 'an MD5-length response for SHA-256'],
    ['Digest username="a", realm="r", nonce="n", uri="u", response="0123456789abcdef0123456789abcdef", qop=auth', 'malformed', 'qop without nc/cnonce'],
    ['Digest username="a", username="b", realm="r", nonce="n", uri="u", response="0123456789abcdef0123456789abcdef"', 'malformed', 'a duplicate parameter'],
    ['Digest username="a, realm="r"', 'malformed', 'an unterminated quote'],
    ['Digest username', 'malformed', 'a parameter without value'],
    ['', 'malformed', 'an empty value'],
  ];
  for (const [value, code, what] of rejects) {
    test(`rejects ${what} with AuthHeaderError code ${code}`, () => {
      assert.throws(() => parseAuthorization(value), (err: unknown) => err instanceof AuthHeaderError && err.code === code);
    });
  }

  test('arbitrary strings only ever parse or throw AuthHeaderError (fast-check)', () => {
    const digestish = fc
      .array(
        fc.tuple(
          fc.constantFrom('username', 'realm', 'nonce', 'uri', 'response', 'algorithm', 'qop', 'nc', 'cnonce', 'opaque', 'username*', 'x'),
          fc.oneof(fc.string(), fc.string().map((s) => `"${s}"`), fc.constantFrom('MD5', 'SHA-256', 'auth', '00000001')),
        ),
      )
      .map((ps) => `Digest ${ps.map(([k, v]) => `${k}=${v}`).join(', ')}`);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), digestish), (s) => {
        try {
          const c = parseAuthorization(s);
          assert.equal(typeof c.username, 'string');
        } catch (err) {
          if (!(err instanceof AuthHeaderError)) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('NonceManager', () => {
  test('accepts its own nonce within the lifetime and reports it stale after', () => {
    const clock = fakeClock();
    const nm = new NonceManager({ lifetimeSec: 30, now: clock.now });
    const n = nm.issue();
    assert.equal(nm.check(n), 'valid');
    clock.advance(30_000);
    assert.equal(nm.check(n), 'valid');
    clock.advance(1);
    assert.equal(nm.check(n), 'stale');
  });

  test('rejects a tampered nonce, a foreign key nonce, a future nonce and junk as invalid', () => {
    const clock = fakeClock();
    const nm = new NonceManager({ lifetimeSec: 30, now: clock.now });
    const n = nm.issue();
    const flipped = (n[5] === 'A' ? 'B' : 'A');
    assert.equal(nm.check(n.slice(0, 5) + flipped + n.slice(6)), 'invalid');
    assert.equal(new NonceManager({ lifetimeSec: 30, now: clock.now }).check(n), 'invalid');
    const future = new NonceManager({ lifetimeSec: 30, now: () => clock.now() + 3_600_000, key: Buffer.alloc(32, 1) });
    assert.equal(new NonceManager({ lifetimeSec: 30, now: clock.now, key: Buffer.alloc(32, 1) }).check(future.issue()), 'invalid');
    assert.equal(nm.check(''), 'invalid');
    assert.equal(nm.check('x'.repeat(46)), 'invalid');
  });

  test('issues distinct nonces and uses the injected random source', () => {
    let calls = 0;
    const nm = new NonceManager({ lifetimeSec: 30, random: (n) => { calls++; return Buffer.alloc(n, calls); } });
    const a = nm.issue();
    const b = nm.issue();
    assert.notEqual(a, b);
    assert.equal(calls, 2);
  });
});

describe('buildChallenges', () => {
  test('offers the algorithms in the configured order with qop="auth" and one shared valid nonce', () => {
    const nm = new NonceManager({ lifetimeSec: 30 });
    const ch = buildChallenges(nm, { realm: 'hotline', algorithms: ['SHA-256', 'MD5'] });
    assert.equal(ch.length, 2);
    assert.match(ch[0]!, /^Digest realm="hotline", nonce="[A-Za-z0-9_-]+", algorithm=SHA-256, qop="auth"$/);
    assert.match(ch[1]!, /algorithm=MD5, qop="auth"$/);
    const nonces = ch.map((c) => /nonce="([^"]+)"/.exec(c)![1]!);
    assert.equal(nonces[0], nonces[1]);
    assert.equal(nm.check(nonces[0]!), 'valid');
    assert.match(buildChallenges(nm, { realm: 'hotline', algorithms: ['MD5', 'SHA-256'] })[0]!, /algorithm=MD5/, 'MD5 first when configured so');
  });

  test('adds stale=TRUE when asked and quotes the realm', () => {
    const nm = new NonceManager({ lifetimeSec: 30 });
    const [ch] = buildChallenges(nm, { realm: 'a"b', algorithms: ['MD5'], stale: true });
    assert.match(ch!, /^Digest realm="a\\"b", .*algorithm=MD5, qop="auth", stale=TRUE$/);
  });
});

describe('verifyRequest', () => {
  const realm = 'hotline.local';
  const users: Record<string, string> = { '1001': 's3cret', '1002': 'other' };
  const lookup = (u: string): string | undefined => users[u];
  const uri = 'sip:hotline.local';

  function setup(): { clock: ReturnType<typeof fakeClock>; nonces: NonceManager } {
    const clock = fakeClock();
    return { clock, nonces: new NonceManager({ lifetimeSec: 60, now: clock.now }) };
  }

  for (const algorithm of ['MD5', 'SHA-256'] as const) {
    test(`accepts correct ${algorithm} credentials answering our challenge`, () => {
      const { nonces } = setup();
      const nonce = nonces.issue();
      const req = request('REGISTER', uri, [['Authorization', authorization({ username: '1001', realm, password: 's3cret', method: 'REGISTER', uri, nonce, algorithm })]]);
      assert.deepEqual(verifyRequest(req, { realm, header: 'authorization', nonces, algorithms: ['SHA-256', 'MD5'], lookup }), { ok: true, username: '1001' });
    });
  }

  test('reports no-credentials when the header is absent', () => {
    const { nonces } = setup();
    const r = verifyRequest(request('REGISTER', uri, []), { realm, header: 'authorization', nonces, algorithms: ['MD5'], lookup });
    assert.deepEqual(r, { ok: false, reason: 'no-credentials' });
  });

  test('reports bad-password for a wrong password', () => {
    const { nonces } = setup();
    const nonce = nonces.issue();
    const req = request('REGISTER', uri, [['Authorization', authorization({ username: '1001', realm, password: 'guess', method: 'REGISTER', uri, nonce, algorithm: 'MD5' })]]);
    assert.deepEqual(verifyRequest(req, { realm, header: 'authorization', nonces, algorithms: ['MD5'], lookup }), { ok: false, reason: 'bad-password', username: '1001' });
  });

  test('reports unknown-user for a user the lookup does not know', () => {
    const { nonces } = setup();
    const nonce = nonces.issue();
    const req = request('REGISTER', uri, [['Authorization', authorization({ username: 'admin', realm, password: 'admin', method: 'REGISTER', uri, nonce, algorithm: 'MD5' })]]);
    assert.deepEqual(verifyRequest(req, { realm, header: 'authorization', nonces, algorithms: ['MD5'], lookup }), { ok: false, reason: 'unknown-user', username: 'admin' });
  });

  test('reports stale-nonce for right credentials on an expired nonce, bad-password for wrong ones', () => {
    const { clock, nonces } = setup();
    const nonce = nonces.issue();
    clock.advance(61_000);
    const good = request('REGISTER', uri, [['Authorization', authorization({ username: '1001', realm, password: 's3cret', method: 'REGISTER', uri, nonce, algorithm: 'MD5' })]]);
    const bad = request('REGISTER', uri, [['Authorization', authorization({ username: '1001', realm, password: 'nope', method: 'REGISTER', uri, nonce, algorithm: 'MD5' })]]);
    const opts = { realm, header: 'authorization' as const, nonces, algorithms: ['MD5' as const], lookup };
    assert.deepEqual(verifyRequest(good, opts), { ok: false, reason: 'stale-nonce', username: '1001' });
    assert.deepEqual(verifyRequest(bad, opts), { ok: false, reason: 'bad-password', username: '1001' });
  });

  test('reports invalid-nonce for a nonce we never issued', () => {
    const { nonces } = setup();
    const forged = new NonceManager({ lifetimeSec: 60 }).issue();
    const req = request('REGISTER', uri, [['Authorization', authorization({ username: '1001', realm, password: 's3cret', method: 'REGISTER', uri, nonce: forged, algorithm: 'MD5' })]]);
    assert.deepEqual(verifyRequest(req, { realm, header: 'authorization', nonces, algorithms: ['MD5'], lookup }), { ok: false, reason: 'invalid-nonce', username: '1001' });
  });

  test('reports realm-mismatch for credentials of another realm', () => {
    const { nonces } = setup();
    const nonce = nonces.issue();
    const req = request('REGISTER', uri, [['Authorization', authorization({ username: '1001', realm: 'elsewhere', password: 's3cret', method: 'REGISTER', uri, nonce, algorithm: 'MD5' })]]);
    assert.deepEqual(verifyRequest(req, { realm, header: 'authorization', nonces, algorithms: ['MD5'], lookup }), { ok: false, reason: 'realm-mismatch', username: '1001' });
  });

  test('picks the Proxy-Authorization for our realm among several (RFC 3261 §22.3)', () => {
    const { nonces } = setup();
    const nonce = nonces.issue();
    const target = 'sip:2000@hotline.local';
    const req = request('INVITE', target, [
      ['Proxy-Authorization', authorization({ username: '1001', realm: 'upstream', password: 'x', method: 'INVITE', uri: target, nonce: 'abc', algorithm: 'MD5' })],
      ['Proxy-Authorization', authorization({ username: '1002', realm, password: 'other', method: 'INVITE', uri: target, nonce, algorithm: 'SHA-256' })],
    ]);
    assert.deepEqual(verifyRequest(req, { realm, header: 'proxy-authorization', nonces, algorithms: ['SHA-256'], lookup }), { ok: true, username: '1002' });
  });

  test('reports uri-mismatch when the digest-uri is not the Request-URI', () => {
    const { nonces } = setup();
    const nonce = nonces.issue();
    const req = request('INVITE', 'sip:2000@hotline.local', [['Authorization', authorization({ username: '1001', realm, password: 's3cret', method: 'INVITE', uri: 'sip:9999@hotline.local', nonce, algorithm: 'MD5' })]]);
    assert.deepEqual(verifyRequest(req, { realm, header: 'authorization', nonces, algorithms: ['MD5'], lookup }), { ok: false, reason: 'uri-mismatch', username: '1001' });
  });

  test('reports algorithm-not-allowed for MD5 when only SHA-256 is configured, and for MD5-sess', () => {
    const { nonces } = setup();
    const nonce = nonces.issue();
    const md5 = request('REGISTER', uri, [['Authorization', authorization({ username: '1001', realm, password: 's3cret', method: 'REGISTER', uri, nonce, algorithm: 'MD5' })]]);
    assert.deepEqual(verifyRequest(md5, { realm, header: 'authorization', nonces, algorithms: ['SHA-256'], lookup }), { ok: false, reason: 'algorithm-not-allowed', username: '1001' });
    const sess = request('REGISTER', uri, [['Authorization', `Digest username="1001", realm="${realm}", nonce="${nonce}", uri="${uri}", response="0123456789abcdef0123456789abcdef", algorithm=MD5-sess`]]);
    assert.deepEqual(verifyRequest(sess, { realm, header: 'authorization', nonces, algorithms: ['MD5'], lookup }), { ok: false, reason: 'algorithm-not-allowed' });
  });

  test('reports malformed for an unparsable header', () => {
    const { nonces } = setup();
    const req = request('REGISTER', uri, [['Authorization', 'Digest username="1001", realm=']]);
    assert.deepEqual(verifyRequest(req, { realm, header: 'authorization', nonces, algorithms: ['MD5'], lookup }), { ok: false, reason: 'malformed' });
  });

  test('a response for REGISTER does not authenticate an INVITE with the same nonce (method bound)', () => {
    const { nonces } = setup();
    const nonce = nonces.issue();
    const req = request('INVITE', uri, [['Authorization', authorization({ username: '1001', realm, password: 's3cret', method: 'REGISTER', uri, nonce, algorithm: 'MD5' })]]);
    assert.deepEqual(verifyRequest(req, { realm, header: 'authorization', nonces, algorithms: ['MD5'], lookup }), { ok: false, reason: 'bad-password', username: '1001' });
  });
});
