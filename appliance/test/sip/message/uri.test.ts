import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SipParseError, formatUri, parseUri } from '../../../src/sip/message/index.ts';

test('parses user, password, host, port, params and headers of a SIP URI', () => {
  const u = parseUri('sips:alice:secret@example.com:5061;transport=tcp;lr?subject=hi&priority=urgent');
  assert.equal(u.scheme, 'sips');
  assert.equal(u.user, 'alice');
  assert.equal(u.password, 'secret');
  assert.equal(u.host, 'example.com');
  assert.equal(u.port, 5061);
  assert.deepEqual([...u.params], [['transport', 'tcp'], ['lr', null]]);
  assert.deepEqual([...u.headers], [['subject', 'hi'], ['priority', 'urgent']]);
});

test('lower-cases the scheme and parameter names but keeps values as written', () => {
  const u = parseUri('SIP:Bob@Example.COM;Maddr=X.example');
  assert.equal(u.scheme, 'sip');
  assert.equal(u.host, 'Example.COM');
  assert.equal(u.params.get('maddr'), 'X.example');
});

test('finds the host after the last @ when the user part holds ; ? and escapes (RFC 4475 intmeth, semiuri)', () => {
  const u = parseUri("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
  assert.equal(u.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  assert.equal(u.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  assert.equal(u.host, 'example.com');
  const s = parseUri('sip:user;par=u%40example.net@example.com');
  assert.equal(s.user, 'user;par=u%40example.net');
});

test('parses IPv6 references and hosts without a user', () => {
  const u = parseUri('sip:[2001:db8::10]:5070;transport=udp');
  assert.equal(u.host, '[2001:db8::10]');
  assert.equal(u.port, 5070);
  assert.equal(u.user, undefined);
});

test('keeps tel numbers in user and other schemes as an opaque host', () => {
  const t = parseUri('tel:+86-10-1234-5678;phone-context=example.com');
  assert.equal(t.user, '+86-10-1234-5678');
  assert.equal(t.params.get('phone-context'), 'example.com');
  const o = parseUri('soap.beep://192.0.2.103:3002');
  assert.equal(o.scheme, 'soap.beep');
  assert.equal(o.host, '//192.0.2.103:3002');
  assert.equal(formatUri(o), 'soap.beep://192.0.2.103:3002');
});

test('formatUri reproduces what parseUri read', () => {
  for (const text of [
    'sip:alice@example.com',
    'sip:alice:pw@example.com:5060;transport=tcp;lr',
    'sips:[::1]:5061',
    'sip:cal%6Cer@host5.example.net;%6c%72;n%61me=v%61lue%25%34%31',
    'sip:user@example.com?Route=%3Csip:sip.example.com%3E',
    'tel:+12015550123;ext=1',
  ]) {
    assert.equal(formatUri(parseUri(text)), text);
  }
});

test('rejects URIs without a scheme, with spaces, bad ports or empty parameters', () => {
  for (const bad of ['user@example.com', '<sip:a@b>', 'sip:a@b c', 'sip:a@example.com:99999', 'sip:a@example.com;', 'sip:a@example.com;;lr', 'sip:', 'sip:@example.com']) {
    assert.throws(() => parseUri(bad), SipParseError, bad);
  }
});
