import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SipParseError, formatVia, parseVia } from '../../../src/sip/message/index.ts';

test('parses protocol, upper-cased transport, host, port and params including a flag rport', () => {
  const [v] = parseVia('SIP/2.0/udp 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport;received=192.0.2.1');
  assert.ok(v);
  assert.equal(v.protocol, 'SIP/2.0');
  assert.equal(v.transport, 'UDP');
  assert.equal(v.host, '192.0.2.10');
  assert.equal(v.port, 5060);
  assert.equal(v.params.get('branch'), 'z9hG4bK776asdhds');
  assert.equal(v.params.get('rport'), null);
  assert.equal(v.params.get('received'), '192.0.2.1');
});

test('splits comma-separated vias and allows LWS around / ; = and , (RFC 4475 wsinv)', () => {
  const vias = parseVia('SIP  / 2.0  / TCP     spindle.example.com   ;  branch  =   z9hG4bK9ikj8  , SIP  /    2.0   / UDP  192.168.255.111   ; branch= z9hG4bK30239');
  assert.equal(vias.length, 2);
  assert.equal(vias[0]!.transport, 'TCP');
  assert.equal(vias[0]!.host, 'spindle.example.com');
  assert.equal(vias[0]!.params.get('branch'), 'z9hG4bK9ikj8');
  assert.equal(vias[1]!.host, '192.168.255.111');
  assert.equal(vias[1]!.params.get('branch'), 'z9hG4bK30239');
});

test('parses IPv6 sent-by and IPv6 received values', () => {
  const [v] = parseVia('SIP/2.0/TLS [2001:db8::9]:5061;branch=z9hG4bKx;received=[2001:db8::1]');
  assert.equal(v!.host, '[2001:db8::9]');
  assert.equal(v!.port, 5061);
  assert.equal(v!.params.get('received'), '[2001:db8::1]');
});

test('formatVia round-trips through parseVia', () => {
  const text = 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1;rport=5060;received=192.0.2.1';
  assert.equal(formatVia(parseVia(text)[0]!), text);
  assert.equal(formatVia({ protocol: 'SIP/2.0', transport: 'TCP', host: 'h.example', params: new Map([['branch', 'z9hG4bKa']]) }), 'SIP/2.0/TCP h.example;branch=z9hG4bKa');
});

test('rejects empty params, empty list elements and a missing sent-by (RFC 4475 badinv01)', () => {
  for (const bad of ['SIP/2.0/UDP 192.0.2.15;;,;,,', 'SIP/2.0/UDP', 'SIP/2.0 host', 'SIP/2.0/UDP host,', 'SIP/2.0/UDP host:99999', 'SIP/2.0/UDPhost']) {
    assert.throws(() => parseVia(bad), SipParseError, bad);
  }
});
