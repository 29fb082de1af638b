import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Headers } from '../../../src/sip/message/index.ts';

test('resolves compact forms and case to canonical names (RFC 3261 §7.3.3)', () => {
  const h = new Headers([['i', 'abc@host'], ['m', '<sip:a@b>'], ['l', '0'], ['v', 'SIP/2.0/UDP h'], ['cSEQ', '1 INVITE'], ['x', '1800'], ['y', 'sig'], ['n', '<https://x>']]);
  assert.deepEqual([...h.entries()].map(([n]) => n), ['Call-ID', 'Contact', 'Content-Length', 'Via', 'CSeq', 'Session-Expires', 'Identity', 'Identity-Info']);
  assert.equal(h.get('call-id'), 'abc@host');
  assert.equal(h.get('I'), 'abc@host');
  assert.equal(h.get('Contact'), '<sip:a@b>');
  assert.ok(h.has('content-length'));
});

test('keeps unknown header names as written and matches them case-insensitively', () => {
  const h = new Headers([['X-Hotline-Queue', 'billing']]);
  assert.equal(h.get('x-hotline-queue'), 'billing');
  assert.deepEqual([...h.entries()], [['X-Hotline-Queue', 'billing']]);
});

test('getAll splits list headers at top-level commas only, in order across instances', () => {
  const h = new Headers([
    ['Contact', '"Doe, John" <sip:a@b;x=1,2>;q=0.5, <sip:c@d>'],
    ['Allow', 'INVITE, ACK'],
    ['Via', 'SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2'],
    ['Allow', 'BYE'],
    ['m', '<sip:e@f>'],
  ]);
  assert.deepEqual(h.getAll('Contact'), ['"Doe, John" <sip:a@b;x=1,2>;q=0.5', '<sip:c@d>', '<sip:e@f>']);
  assert.deepEqual(h.getAll('allow'), ['INVITE', 'ACK', 'BYE']);
  assert.equal(h.getAll('Via').length, 2);
});

test('getAll does not split Authorization-family or Date values', () => {
  const auth = 'Digest username="1001", realm="hotline", nonce="abc", uri="sip:h", response="xyz"';
  const h = new Headers([['Authorization', auth], ['WWW-Authenticate', 'Digest realm="a", nonce="b"'], ['Date', 'Sat, 15 Oct 2005 04:44:56 GMT']]);
  assert.deepEqual(h.getAll('Authorization'), [auth]);
  assert.deepEqual(h.getAll('WWW-Authenticate'), ['Digest realm="a", nonce="b"']);
  assert.deepEqual(h.getAll('Date'), ['Sat, 15 Oct 2005 04:44:56 GMT']);
});

test('set replaces all instances at the position of the first; append, prepend and remove keep order', () => {
  const h = new Headers([['Via', 'v1'], ['To', 't'], ['Via', 'v2'], ['From', 'f']]);
  h.set('v', 'v3');
  assert.deepEqual([...h.entries()], [['Via', 'v3'], ['To', 't'], ['From', 'f']]);
  h.prepend('Record-Route', '<sip:p;lr>');
  h.append('Route', '<sip:r;lr>');
  h.set('Subject', 'new');
  assert.deepEqual([...h.entries()].map(([n]) => n), ['Record-Route', 'Via', 'To', 'From', 'Route', 'Subject']);
  h.remove('VIA');
  assert.equal(h.has('Via'), false);
  assert.equal(h.get('Via'), undefined);
  assert.deepEqual(h.getAll('Via'), []);
});

test('bumps the revision on every change so typed views can be invalidated', () => {
  const h = new Headers();
  const r0 = h.revision;
  h.append('To', 'a');
  h.set('To', 'b');
  h.prepend('Via', 'x');
  h.remove('Via');
  assert.equal(h.revision, r0 + 4);
});
