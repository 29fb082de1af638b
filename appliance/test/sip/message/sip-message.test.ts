import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Headers, SipParseError, SipRequest, SipResponse, checkRequiredHeaders, createResponse, newBranch, newCallId, newTag,
  parseDatagram, reasonPhrase,
} from '../../../src/sip/message/index.ts';
import { loadFixtures } from './fixtures.ts';

const INVITE = Buffer.from(
  'INVITE sip:4008@192.0.2.1 SIP/2.0\r\n' +
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKa1;rport\r\n' +
    'v: SIP/2.0/TCP 192.0.2.20;branch=z9hG4bKa0\r\n' +
    'Max-Forwards: 70\r\n' +
    'From: "Agent 1001" <sip:1001@example.com>;tag=f1\r\n' +
    't: <sip:4008@example.com>\r\n' +
    'Call-ID: c1@192.0.2.10\r\n' +
    'CSeq: 1 INVITE\r\n' +
    'Contact: <sip:1001@192.0.2.10>;expires=60, "Desk" <sip:1001@192.0.2.11>\r\n' +
    'Expires: 120\r\n' +
    'Timestamp: 54\r\n' +
    'Content-Type: application/sdp\r\n' +
    'Content-Length: 4\r\n\r\nv=0\n',
);

function parse(buf: Buffer): SipRequest | SipResponse {
  const r = parseDatagram(buf);
  if (r.kind !== 'message') throw new Error(`not a message: ${JSON.stringify(r)}`);
  return r.message;
}

test('typed views of a parsed request: via, from, to, callId, cseq, contacts, maxForwards, expires, requestUri', () => {
  const m = parse(INVITE) as SipRequest;
  assert.equal(m.isRequest, true);
  assert.equal(m.method, 'INVITE');
  assert.equal(m.requestUri.user, '4008');
  assert.deepEqual(m.via.map((v) => `${v.transport} ${v.host}`), ['UDP 192.0.2.10', 'TCP 192.0.2.20']);
  assert.equal(m.from.displayName, 'Agent 1001');
  assert.equal(m.from.params.get('tag'), 'f1');
  assert.equal(m.to.uri.user, '4008');
  assert.equal(m.callId, 'c1@192.0.2.10');
  assert.deepEqual(m.cseq, { seq: 1, method: 'INVITE' });
  assert.equal(m.contacts.length, 2);
  const [c0] = m.contacts;
  assert.ok(c0 && !c0.star && c0.value.params.get('expires') === '60');
  assert.equal(m.maxForwards, 70);
  assert.equal(m.expires, 120);
  assert.equal(m.body.toString(), 'v=0\n');
});

test('typed views are cached and re-read after the header changes through headers', () => {
  const m = parse(INVITE);
  const first = m.via;
  assert.equal(m.via, first);
  m.headers.prepend('Via', 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp');
  assert.notEqual(m.via, first);
  assert.equal(m.via.length, 3);
  assert.equal(m.via[0]!.host, 'proxy.example.com');
  m.headers.set('To', '<sip:other@example.com>;tag=t9');
  assert.equal(m.to.params.get('tag'), 't9');
});

test('getters throw SipParseError for missing or malformed headers and return undefined for absent optional ones', () => {
  const m = new SipRequest('OPTIONS', 'sip:a@b', new Headers([['From', '"unterminated <sip:a@b>']]));
  assert.throws(() => m.from, SipParseError);
  assert.throws(() => m.to, SipParseError);
  assert.throws(() => m.callId, SipParseError);
  assert.throws(() => m.cseq, SipParseError);
  assert.deepEqual(m.contacts, []);
  assert.equal(m.maxForwards, undefined);
  assert.equal(m.expires, undefined);
  m.headers.set('Max-Forwards', '256');
  assert.throws(() => m.maxForwards, SipParseError);
  m.headers.set('Contact', '*');
  assert.deepEqual(m.contacts, [{ star: true }]);
});

test('toBuffer writes canonical names, recomputes Content-Length and appends the body', () => {
  const m = new SipRequest('MESSAGE', 'sip:a@example.com', new Headers([['v', 'SIP/2.0/UDP h;branch=z9hG4bK1'], ['l', '999'], ['i', 'x@h']]), Buffer.from('hello'));
  assert.equal(
    m.toBuffer().toString(),
    'MESSAGE sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 5\r\nCall-ID: x@h\r\n\r\nhello',
  );
  const r = new SipResponse(180, 'Ringing');
  assert.equal(r.toBuffer().toString(), 'SIP/2.0 180 Ringing\r\nContent-Length: 0\r\n\r\n');
});

function startLine(m: SipRequest | SipResponse): string {
  return m.isRequest ? `${m.method} ${m.uri}` : `${m.status} ${m.reason}`;
}

test('parse → toBuffer → parse keeps start line, headers and body of every valid RFC 4475 message', () => {
  const all = [...loadFixtures('valid'), ...loadFixtures('semantics'), ...loadFixtures('transaction'), ...loadFixtures('compat')];
  for (const { name, bytes } of all) {
    const a = parse(bytes);
    const b = parse(a.toBuffer());
    assert.equal(startLine(b), startLine(a), name);
    const strip = (m: SipRequest | SipResponse) => [...m.headers.entries()].filter(([n]) => n !== 'Content-Length');
    assert.deepEqual(strip(b), strip(a), name);
    assert.deepEqual(b.body, a.body, name);
  }
});

test('a UTF-8 reason phrase and non-ASCII header bytes go back out unchanged (RFC 4475 unreason, intmeth)', () => {
  const valid = new Map(loadFixtures('valid').map((f) => [f.name, f.bytes]));
  const unreason = valid.get('unreason.dat')!;
  assert.deepEqual(parse(unreason).toBuffer(), unreason);
  const intmeth = parse(valid.get('intmeth.dat')!);
  const value = intmeth.headers.get('extensionHeader-!.%*+_`\'~')!;
  assert.equal(value, '\uFEFF大停電');
  assert.ok(intmeth.toBuffer().includes(Buffer.from('extensionHeader-!.%*+_`\'~: \uFEFF大停電', 'utf8')));
});

test('createResponse copies Via (all, in order), From, To, Call-ID, CSeq and adds a To tag (RFC 3261 §8.2.6)', () => {
  const req = parse(INVITE) as SipRequest;
  const resp = createResponse(req, 486, undefined, 'tt1');
  assert.equal(resp.status, 486);
  assert.equal(resp.reason, 'Busy Here');
  assert.deepEqual(resp.headers.getRaw('Via'), req.headers.getRaw('Via'));
  assert.equal(resp.headers.get('From'), req.headers.get('From'));
  assert.equal(resp.to.params.get('tag'), 'tt1');
  assert.equal(resp.callId, req.callId);
  assert.deepEqual(resp.cseq, req.cseq);
  assert.equal(resp.headers.get('Content-Length'), '0');
  assert.equal(resp.headers.has('Timestamp'), false);
  const back = parseDatagram(resp.toBuffer());
  assert.equal(back.kind, 'message');
});

test('createResponse keeps an existing To tag and copies Timestamp into a 100 (RFC 3261 §8.2.6.1)', () => {
  const req = parse(INVITE) as SipRequest;
  req.headers.set('To', '<sip:4008@example.com>;tag=already');
  const resp = createResponse(req, 100, undefined, 'new');
  assert.equal(resp.to.params.get('tag'), 'already');
  assert.equal(resp.reason, 'Trying');
  assert.equal(resp.headers.get('Timestamp'), '54');
});

test('reasonPhrase knows RFC 3261 codes and falls back to the class default', () => {
  assert.equal(reasonPhrase(200), 'OK');
  assert.equal(reasonPhrase(481), 'Call/Transaction Does Not Exist');
  assert.equal(reasonPhrase(499), 'Bad Request');
  assert.equal(reasonPhrase(699), 'Busy Everywhere');
});

test('newBranch starts with the magic cookie; tags, branches and Call-IDs do not repeat', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const b = newBranch();
    assert.ok(b.startsWith('z9hG4bK'));
    const t = newTag();
    assert.ok(t.length >= 8);
    seen.add(b).add(t).add(newCallId('host.example'));
  }
  assert.equal(seen.size, 6000);
  assert.match(newCallId('192.0.2.1'), /^[0-9a-f]{32}@192\.0\.2\.1$/);
});

test('checkRequiredHeaders reports missing and duplicated headers (RFC 4475 insuf, multi01, mcl01)', () => {
  const byName = new Map(loadFixtures('semantics').map((f) => [f.name, f.bytes]));
  assert.match(checkRequiredHeaders(parse(byName.get('insuf.dat')!)) ?? '', /Missing To, From, Call-ID/);
  assert.match(checkRequiredHeaders(parse(byName.get('multi01.dat')!)) ?? '', /Duplicate From, To, Call-ID, CSeq/);
  assert.match(checkRequiredHeaders(parse(byName.get('mcl01.dat')!)) ?? '', /Duplicate Content-Length/);
  assert.equal(checkRequiredHeaders(parse(INVITE)), undefined);
});
