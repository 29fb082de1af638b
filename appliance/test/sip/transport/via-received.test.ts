import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDatagram, parseVia } from '../../../src/sip/message/index.ts';
import type { SipRequest } from '../../../src/sip/message/index.ts';
import { stampTopVia, stampVia } from '../../../src/sip/transport/index.ts';

describe('stampVia', () => {
  test('adds received when the sent-by host is a domain name (RFC 3261 §18.2.1)', () => {
    const [v] = parseVia('SIP/2.0/UDP phone.example.com:5060;branch=z9hG4bK1');
    assert.equal(stampVia(v!, '192.0.2.1', 5060), true);
    assert.equal(v!.params.get('received'), '192.0.2.1');
    assert.equal(v!.params.has('rport'), false);
  });

  test('leaves a Via alone when the sent-by is the source address and no rport was asked', () => {
    const [v] = parseVia('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1');
    assert.equal(stampVia(v!, '192.0.2.1', 40000), false);
    assert.equal(v!.params.size, 1);
  });

  test('fills an empty rport and adds received even when the host matches (RFC 3581 §4)', () => {
    const [v] = parseVia('SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bK1');
    assert.equal(stampVia(v!, '192.0.2.1', 40000), true);
    assert.equal(v!.params.get('rport'), '40000');
    assert.equal(v!.params.get('received'), '192.0.2.1');
  });

  test('keeps an rport that already has a value', () => {
    const [v] = parseVia('SIP/2.0/UDP 10.0.0.5:5060;rport=5060;branch=z9hG4bK1');
    stampVia(v!, '203.0.113.9', 40000);
    assert.equal(v!.params.get('rport'), '5060');
    assert.equal(v!.params.get('received'), '203.0.113.9');
  });

  test('compares a bracketed IPv6 sent-by with the bare source address', () => {
    const [v] = parseVia('SIP/2.0/UDP [2001:DB8::1]:5060;branch=z9hG4bK1');
    assert.equal(stampVia(v!, '2001:db8::1', 5060), false);
  });
});

describe('stampTopVia', () => {
  function request(vias: string[]): SipRequest {
    const text =
      'OPTIONS sip:pbx@h SIP/2.0\r\n' +
      vias.map((v) => `Via: ${v}\r\n`).join('') +
      'Max-Forwards: 70\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:pbx@h>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';
    const r = parseDatagram(Buffer.from(text));
    assert.equal(r.kind, 'message');
    return (r as { message: SipRequest }).message;
  }

  test('stamps only the top via-parm of a comma-folded Via and keeps the others in order', () => {
    const req = request(['SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bKa, SIP/2.0/UDP proxy.example:5060;branch=z9hG4bKb', 'SIP/2.0/UDP 10.9.9.9;branch=z9hG4bKc']);
    stampTopVia(req, { transport: 'udp', address: '203.0.113.9', port: 4444 });
    assert.deepEqual(req.via.map((v) => v.params.get('branch')), ['z9hG4bKa', 'z9hG4bKb', 'z9hG4bKc']);
    assert.equal(req.via[0]!.params.get('received'), '203.0.113.9');
    assert.equal(req.via[0]!.params.get('rport'), '4444');
    assert.equal(req.via[1]!.params.has('received'), false);
    assert.match(req.toBuffer().toString(), /received=203\.0\.113\.9/);
  });

  test('does not touch the headers when nothing changes', () => {
    const req = request(['SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa']);
    const rev = req.headers.revision;
    stampTopVia(req, { transport: 'udp', address: '10.0.0.5', port: 5060 });
    assert.equal(req.headers.revision, rev);
  });
});
