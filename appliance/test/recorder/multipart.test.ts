import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseMediaType, parseMultipart, recordingBodies } from '../../src/recorder/multipart.ts';
import { chooseLaw, parseRecordingOffer, writeRecordingAnswer } from '../../src/recorder/recording-sdp.ts';
import { MultipartError, RecordingOfferError } from '../../src/recorder/errors.ts';

const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'));
const body = crlf(readFileSync(join(import.meta.dirname, 'fixtures', 'invite-body.txt'), 'utf8'));
const CT = 'multipart/mixed;boundary="hotline-boundary-42"';

test('splits a SIPREC INVITE body into the SDP and the metadata, without the delimiter line breaks', () => {
  const parts = parseMultipart(CT, body);
  assert.deepEqual(parts.map((p) => [p.contentType, p.disposition]), [['application/sdp', ''], ['application/rs-metadata+xml', 'recording-session']]);
  assert.ok(parts[0]!.body.toString().startsWith('v=0\r\n'));
  assert.ok(parts[0]!.body.toString().endsWith('a=sendonly\r\n'));
  assert.ok(parts[1]!.body.toString().endsWith('</recording>'));
  const b = recordingBodies(CT, body);
  assert.ok(b.sdp && b.metadata);
});

test('accepts bare LF line ends, an unquoted boundary and a preamble', () => {
  const lf = Buffer.from(`preamble to ignore\n${readFileSync(join(import.meta.dirname, 'fixtures', 'invite-body.txt'), 'utf8')}`);
  const parts = parseMultipart('multipart/mixed; boundary=hotline-boundary-42', lf);
  assert.equal(parts.length, 2);
  assert.equal(parts[1]!.disposition, 'recording-session');
});

test('a lone SDP or lone metadata body is taken as such; other types get 415', () => {
  assert.ok(recordingBodies('application/sdp', Buffer.from('v=0')).sdp);
  assert.ok(recordingBodies('application/rs-metadata+xml; charset=utf-8', Buffer.from('<recording/>')).metadata);
  assert.deepEqual(recordingBodies(undefined, Buffer.alloc(0)), {});
  assert.throws(() => recordingBodies('text/html', Buffer.from('<p>')), (e: unknown) => e instanceof RecordingOfferError && e.status === 415);
});

test('parseMediaType reads quoted parameters with escaped quotes and semicolons', () => {
  assert.deepEqual(parseMediaType('Multipart/Mixed; boundary="a;b\\"c"; x=1'), { type: 'multipart/mixed', params: { boundary: 'a;b"c', x: '1' } });
});

test('broken multipart bodies are a MultipartError (400), never a crash', () => {
  assert.throws(() => parseMultipart('multipart/mixed', body), /boundary/);
  assert.throws(() => parseMultipart('multipart/mixed;boundary=zzz', body), /no part/);
  assert.throws(() => parseMultipart(CT, body.subarray(0, body.length - 30)), /no closing delimiter/);
  assert.throws(() => parseMultipart(CT, crlf('--hotline-boundary-42\nbroken header\n\nx\n--hotline-boundary-42--')), /without a colon/);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(body.length), (noise, cut) => {
    const mixed = Buffer.concat([body.subarray(0, cut), Buffer.from(noise)]);
    try {
      parseMultipart(CT, mixed);
    } catch (err) {
      assert.ok(err instanceof MultipartError, String(err));
    }
  }), { numRuns: 300 });
});

test('reads every labelled stream of the offer and rejects non-audio ones', () => {
  const streams = parseRecordingOffer(parseMultipart(CT, body)[0]!.body);
  assert.deepEqual(streams.map((s) => [s.label, s.port, s.direction, s.rejected]), [['1', 12240, 'sendonly', false], ['2', 12242, 'sendonly', false], ['3', 12244, 'sendonly', true]]);
  assert.deepEqual(streams[0]!.laws, [{ law: 'PCMA', payloadType: 8 }, { law: 'PCMU', payloadType: 0 }]);
  assert.equal(chooseLaw(streams), 'PCMA');
});

test('answers recvonly per accepted stream with its label, port 0 for rejected ones', () => {
  const streams = parseRecordingOffer(parseMultipart(CT, body)[0]!.body);
  const sdp = writeRecordingAnswer({
    address: '127.0.0.1', sessionId: 1, version: 1, law: 'PCMA',
    streams: [{ stream: streams[0]!, port: 30000, payloadType: 8 }, { stream: streams[1]!, port: 30002, payloadType: 8 }, { stream: streams[2]!, port: 0, payloadType: 0 }],
  }).toString();
  assert.match(sdp, /m=audio 30000 RTP\/AVP 8\r\na=rtpmap:8 PCMA\/8000\r\na=label:1\r\na=recvonly/);
  assert.match(sdp, /m=audio 30002 RTP\/AVP 8\r\na=rtpmap:8 PCMA\/8000\r\na=label:2\r\na=recvonly/);
  assert.match(sdp, /m=video 0 RTP\/AVP 96/);
  const back = parseRecordingOffer(sdp);
  assert.deepEqual(back.map((s) => s.direction), ['recvonly', 'recvonly', 'sendrecv']);
});

test('an offer with no G.711 audio is refused with 488', () => {
  assert.throws(() => chooseLaw(parseRecordingOffer('v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\na=label:1\r\n')), (e: unknown) => e instanceof RecordingOfferError && e.status === 488);
});
