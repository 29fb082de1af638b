// Unit tests of the harness's own pure parts: the pcap it feeds sipp, the RTP
// classifier, and the parsers of sipp's trace files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildToneRtpPcap, linearToUlaw, readPcapUdpPayloads } from '../src/pcap.ts';
import { RtpAnalysis } from '../src/rtp-analyzer.ts';
import { countRtpDatagram, type RtpCounts } from '../src/rtp-counter.ts';
import { parseSippRtt, parseSippStats, sippArgs } from '../src/sipp.ts';

test('the tone pcap has a libpcap header and one 20 ms PCMU frame per packet', () => {
  const pcap = buildToneRtpPcap({ durationMs: 100 });
  assert.equal(pcap.readUInt32LE(0), 0xa1b2c3d4);
  assert.equal(pcap.readUInt32LE(20), 1, 'Ethernet link type');
  const frameLen = 14 + 20 + 8 + 12 + 160;
  assert.equal(pcap.length, 24 + 5 * (16 + frameLen));
  const rtp = 24 + 16 + 14 + 20 + 8;
  assert.equal(pcap[rtp] >> 6, 2, 'RTP version 2');
  assert.equal(pcap[rtp + 1] & 0x7f, 0, 'payload type PCMU');
});

test('keys in the tone pcap are RFC 4733 events the analyzer reads back in order, each ended once, with the tone around them', () => {
  const pcap = buildToneRtpPcap({ durationMs: 3000, keys: [{ atMs: 400, digits: '*41' }, { atMs: 2000, digits: '#9' }] });
  const a = new RtpAnalysis({ telephoneEventPt: 101 });
  for (const p of readPcapUdpPayloads(pcap)) a.add(p.payload, p.atMs);
  assert.deepEqual(a.eventDigits(), ['*', '4', '1', '#', '9']);
  assert.equal(a.telephoneEvents().filter((e) => e.type === 'end').length, 5, 'the 3 end packets of each key count once');
  assert.ok(a.counts().byPayloadType[0]! > 100, 'PCMU tone between the keys');
  assert.throws(() => buildToneRtpPcap({ keys: [{ atMs: 0, digits: 'x' }] }), /no RFC 4733 event for key x/);
});

test('µ-law encodes zero as 0xff and full scale to the extreme codes', () => {
  assert.equal(linearToUlaw(0), 0xff);
  assert.equal(linearToUlaw(32767), 0x80);
  assert.equal(linearToUlaw(-32768), 0x00);
});

test('the RTP counter counts PCMU tone packets and rejects non-RTP datagrams', () => {
  const counts: RtpCounts = { packets: 0, pcmu: 0, other: 0, ssrcs: 0, audible: 0 };
  const seen = new Set<number>();
  const pcap = buildToneRtpPcap({ durationMs: 40 });
  const first = pcap.subarray(24 + 16 + 42, 24 + 16 + 42 + 172);
  countRtpDatagram(counts, seen, first);
  const silent = Buffer.from(first);
  silent.fill(0xff, 12);
  countRtpDatagram(counts, seen, silent);
  countRtpDatagram(counts, seen, Buffer.from('REGISTER sip:x SIP/2.0'));
  assert.deepEqual(counts, { packets: 2, pcmu: 2, other: 1, ssrcs: 1, audible: 1 });
});

test('sipp stats are read from the last row by column name', () => {
  const csv = 'SuccessfulCall(C);FailedCall(C);Retransmissions(C)\n1;0;0\n7;2;3\n';
  const s = parseSippStats(csv);
  assert.equal(s.successful, 7);
  assert.equal(s.failed, 2);
  assert.equal(s.retransmissions, 3);
});

test('sipp rtt files yield the response time column, not the rtd number', () => {
  assert.deepEqual(parseSippRtt('Date_ms;response_time_ms;rtd_no\n20.001;8;1\n28.001;4;1\n'), [8, 4]);
});

test('every sipp run gets a global timeout so a silent peer cannot hang a test', () => {
  const a = sippArgs({ scenarioFile: 'x.xml' });
  assert.ok(a.includes('-timeout'));
  assert.ok(a.includes('-timeout_error'));
});
