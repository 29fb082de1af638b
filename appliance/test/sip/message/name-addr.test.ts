import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SipParseError, formatNameAddr, parseNameAddr } from '../../../src/sip/message/index.ts';

test('reads a quoted display name, the URI with its own params and the header params', () => {
  const na = parseNameAddr('"Agent 1001" <sip:1001@example.com;transport=tcp>;tag=abc;expires=60');
  assert.equal(na.displayName, 'Agent 1001');
  assert.equal(na.uri.user, '1001');
  assert.equal(na.uri.params.get('transport'), 'tcp');
  assert.deepEqual([...na.params], [['tag', 'abc'], ['expires', '60']]);
});

test('treats params of a bare addr-spec as header params (RFC 3261 §20.10)', () => {
  const na = parseNameAddr('sip:+19725552222@gw1.example.net;unknownparam;tag=x');
  assert.equal(na.uri.params.size, 0);
  assert.deepEqual([...na.params], [['unknownparam', null], ['tag', 'x']]);
});

test('accepts token display names, no space before <, and LWS around ; and = (RFC 4475 lwsdisp, wsinv)', () => {
  assert.equal(parseNameAddr('caller<sip:caller@example.com>;tag=323').displayName, 'caller');
  assert.equal(parseNameAddr("token1~` token2'+_ token3*%!.- <sip:mundane@example.com>").displayName, "token1~` token2'+_ token3*%!.-");
  const w = parseNameAddr('sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n');
  assert.equal(w.params.get('tag'), '1918181833n');
});

test('unescapes quoted-pairs in the display name and escapes them again when formatting', () => {
  const na = parseNameAddr('"J Rosenberg \\\\\\"" <sip:jdrosen@example.com>;tag=98asjd8');
  assert.equal(na.displayName, 'J Rosenberg \\"');
  const again = parseNameAddr(formatNameAddr(na));
  assert.equal(again.displayName, na.displayName);
  assert.equal(again.params.get('tag'), '98asjd8');
});

test('preserves UTF-8 in display names and quoted parameter values', () => {
  const na = parseNameAddr('"张三 客服" <sip:zs@example.com>;note="Привет"');
  assert.equal(na.displayName, '张三 客服');
  assert.equal(na.params.get('note'), '"Привет"');
  assert.equal(formatNameAddr(na), '"张三 客服" <sip:zs@example.com>;note="Привет"');
});

test('formatNameAddr always uses the <...> form', () => {
  assert.equal(formatNameAddr(parseNameAddr('sip:a@b;tag=1')), '<sip:a@b>;tag=1');
});

test('rejects unbalanced quotes and brackets, spaces inside <>, unquoted commas and ? in a bare address', () => {
  for (const bad of [
    '"Mr. J. User <sip:j.user@example.com>', // RFC 4475 quotbal
    '"Watson, Thomas" < sip:t.watson@example.org >', // badaspec
    'Bell, Alexander <sip:a.g.bell@example.com>;tag=43', // baddn
    'sip:user@example.com?Route=%3Csip:sip.example.com%3E', // regbadct
    '<sip:a@b',
    '"Joe" <sip:joe@example.org>;;;;', // badinv01
    '',
  ]) {
    assert.throws(() => parseNameAddr(bad), SipParseError, bad);
  }
});
