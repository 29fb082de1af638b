import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamParser, type ParseResult } from '../../../src/sip/message/index.ts';

function message(callId: string, body = 'v=0\r\n'): Buffer {
  return Buffer.from(
    `INVITE sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h.example.com;branch=z9hG4bK${callId}\r\nFrom: <sip:b@example.com>;tag=1\r\n` +
      `To: <sip:a@example.com>\r\nCall-ID: ${callId}\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function callIds(results: ParseResult[]): string[] {
  return results.map((r) => (r.kind === 'message' ? r.message.callId : `<${r.kind}>`));
}

test('a message split at every byte offset comes out once, whole, with its body', () => {
  const m = message('split', 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n');
  for (let cut = 0; cut <= m.length; cut++) {
    const p = new StreamParser();
    const out = [...p.push(m.subarray(0, cut)), ...p.push(m.subarray(cut))];
    assert.deepEqual(callIds(out), ['split'], `cut at ${cut}`);
    const r = out[0]!;
    assert.ok(r.kind === 'message' && r.message.body.toString() === 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n');
    assert.equal(p.buffered, 0);
  }
});

test('a message fed one byte at a time comes out once', () => {
  const m = message('bytewise');
  const p = new StreamParser();
  const out: ParseResult[] = [];
  for (let i = 0; i < m.length; i++) out.push(...p.push(m.subarray(i, i + 1)));
  assert.deepEqual(callIds(out), ['bytewise']);
});

test('two messages in one chunk give two results in order', () => {
  const p = new StreamParser();
  assert.deepEqual(callIds(p.push(Buffer.concat([message('one'), message('two')]))), ['one', 'two']);
});

test('CRLF keep-alives before and between messages are skipped (RFC 3261 §7.5, RFC 5626 §4.4.1)', () => {
  const p = new StreamParser();
  assert.deepEqual(p.push(Buffer.from('\r\n\r\n')), []);
  assert.deepEqual(p.push(Buffer.from('\r\n')), []);
  const out = p.push(Buffer.concat([message('a'), Buffer.from('\r\n\r\n\r\n'), message('b'), Buffer.from('\r')]));
  assert.deepEqual(callIds(out), ['a', 'b']);
  assert.deepEqual(callIds(p.push(Buffer.concat([Buffer.from('\n'), message('c')]))), ['c']);
});

test('a message without Content-Length on a stream is malformed and fatal (RFC 3261 §18.3)', () => {
  const p = new StreamParser();
  const noLength = Buffer.from(message('nolen').toString().replace(/Content-Length: \d+\r\n/, ''));
  const out = p.push(noLength);
  assert.equal(out.length, 1);
  const r = out[0]!;
  assert.ok(r.kind === 'malformed' && r.fatal === true);
  assert.ok(r.request, 'enough was parsed to answer 400 before closing');
  assert.equal(p.closed, true);
  assert.deepEqual(p.push(message('after')), []);
});

test('a message larger than maxMessageBytes is too-large and its bytes are skipped', () => {
  const p = new StreamParser({ maxMessageBytes: 400 });
  const big = message('big', 'x'.repeat(1000));
  // The head is complete within the first 300 bytes, so the verdict comes at once.
  const out = p.push(big.subarray(0, 300));
  assert.equal(out.length, 1);
  assert.ok(out[0]!.kind === 'too-large' && out[0]!.bytes === big.length && out[0]!.fatal === undefined);
  assert.deepEqual(p.push(big.subarray(300, 600)), []);
  assert.equal(p.closed, false);
  assert.deepEqual(callIds(p.push(Buffer.concat([big.subarray(600), message('next')]))), ['next']);
});

test('headers that never end within maxMessageBytes are too-large and fatal', () => {
  const p = new StreamParser({ maxMessageBytes: 200 });
  const out = p.push(Buffer.from('INVITE sip:a@b SIP/2.0\r\n' + 'X-Pad: yyyyyyyyyyyyyyyyyyyyyyyy\r\n'.repeat(10)));
  assert.equal(out.length, 1);
  assert.ok(out[0]!.kind === 'too-large' && out[0]!.fatal === true);
  assert.equal(p.closed, true);
});

test('a malformed message with a usable Content-Length is skipped and the stream resyncs', () => {
  const bad = Buffer.from(message('bad').toString().replace('CSeq: 1 INVITE', 'CSeq: 1 BYE'));
  const p = new StreamParser();
  const out = p.push(Buffer.concat([bad, message('good')]));
  assert.equal(out.length, 2);
  const [first, second] = out;
  assert.ok(first!.kind === 'malformed' && first!.fatal === undefined && first!.request !== undefined);
  assert.ok(second!.kind === 'message' && second!.message.callId === 'good');
});
