// Every RFC 4475 torture message, one test each, with what the RFC expects of a parser.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse, parseDatagram } from '../../../src/sip/message/index.ts';
import { loadFixtures } from './fixtures.ts';

// RFC 4475 §3.1.1, §3.2, §3.3, §3.4: syntactically valid, so they parse.
const VALID_EXPECT: Record<string, string> = {
  valid: 'RFC 4475 §3.1.1: a valid message',
  transaction: 'RFC 4475 §3.2: valid syntax, transaction-layer case',
  semantics: 'RFC 4475 §3.3: valid syntax, application-layer case',
  compat: 'RFC 4475 §3.4: RFC 2543 style, still processed',
};

for (const [folder, expectation] of Object.entries(VALID_EXPECT)) {
  describe(`RFC 4475 ${folder}/`, () => {
    for (const { name, bytes } of loadFixtures(folder)) {
      test(`${name} parses as a message (${expectation})`, () => {
        const r = parseDatagram(bytes);
        assert.equal(r.kind, 'message', r.kind === 'malformed' ? r.reason : r.kind);
      });
    }
  });
}

// RFC 4475 §3.1.2: what each invalid message must be rejected for, and whether a
// 400 (or the status given) can be sent back. badinv01's Via cannot be parsed and
// bigcode/scalarlg are responses, so those are dropped.
const INVALID: Record<string, { why: string; answer: number | null }> = {
  'badaspec.dat': { why: 'whitespace inside <> of To (§3.1.2.13)', answer: 400 },
  'baddate.dat': { why: 'non-GMT Date (§3.1.2.11)', answer: 400 },
  'baddn.dat': { why: 'unquoted display name with a comma, no blank line (§3.1.2.14)', answer: 400 },
  'badinv01.dat': { why: 'empty Via params (§3.1.2.1), no routable Via so dropped', answer: null },
  'badvers.dat': { why: 'SIP/7.0 (§3.1.2.15), answered 505', answer: 505 },
  'bigcode.dat': { why: 'status code 4294967301 (§3.1.2.18), a response so dropped', answer: null },
  'clerr.dat': { why: 'Content-Length larger than the body (§3.1.2.2)', answer: 400 },
  'escruri.dat': { why: 'escaped headers in the Request-URI (§3.1.2.10)', answer: 400 },
  'ltgtruri.dat': { why: 'Request-URI in <> (§3.1.2.6)', answer: 400 },
  'lwsruri.dat': { why: 'LWS inside the Request-URI (§3.1.2.7)', answer: 400 },
  'lwsstart.dat': { why: 'several spaces in the Request-Line (§3.1.2.8)', answer: 400 },
  'mismatch01.dat': { why: 'CSeq method INVITE on an OPTIONS (§3.1.2.16)', answer: 400 },
  'mismatch02.dat': { why: 'CSeq method INVITE on NEWMETHOD (§3.1.2.17)', answer: 400 },
  'ncl.dat': { why: 'negative Content-Length (§3.1.2.3)', answer: 400 },
  'quotbal.dat': { why: 'unbalanced quote in To (§3.1.2.5)', answer: 400 },
  'regbadct.dat': { why: 'unbracketed Contact URI with ? (§3.1.2.12)', answer: 400 },
  'scalar02.dat': { why: 'CSeq, Max-Forwards, Expires out of range (§3.1.2.4)', answer: 400 },
  'scalarlg.dat': { why: 'response with out-of-range CSeq (§3.1.2.4), dropped', answer: null },
  'trws.dat': { why: 'trailing whitespace after SIP/2.0 (§3.1.2.9)', answer: 400 },
};

describe('RFC 4475 syntax-invalid/', () => {
  const files = loadFixtures('syntax-invalid');
  test('every invalid fixture has an expectation in this test', () => {
    assert.deepEqual(files.map((f) => f.name), Object.keys(INVALID).sort());
  });
  for (const { name, bytes } of files) {
    const exp = INVALID[name]!;
    const verdict = exp.answer === null ? 'dropped without a response' : `answered ${exp.answer}`;
    test(`${name} is malformed: ${exp.why}; ${verdict}`, () => {
      const r = parseDatagram(bytes);
      assert.equal(r.kind, 'malformed');
      if (r.kind !== 'malformed') return;
      if (exp.answer === null) {
        assert.equal(r.request, undefined);
        return;
      }
      assert.ok(r.request, `a request to answer is expected (${r.reason})`);
      assert.equal(r.status ?? 400, exp.answer);
      const resp = createResponse(r.request, r.status ?? 400, r.reason);
      assert.deepEqual(resp.headers.getRaw('Via'), r.request.headers.getRaw('Via'));
      assert.equal(resp.headers.get('Call-ID'), r.request.headers.get('Call-ID'));
      assert.equal(resp.headers.get('CSeq'), r.request.headers.get('CSeq'));
      assert.equal(resp.status, exp.answer);
      assert.ok(resp.toBuffer().toString('latin1').startsWith(`SIP/2.0 ${exp.answer} `));
    });
  }
});
