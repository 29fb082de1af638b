// Benchmark of the SIP message layer: parseDatagram on a typical INVITE with SDP
// and a typical 200 OK, and toBuffer(). Prints messages/s and ns/message, the
// median of 5 runs of ~2 s (0.4 s each) per case. Time is the process's CPU time
// (user + system) so that other work on a shared machine skews it less; the
// wall-clock figure is printed beside it.
// Run: node --import tsx appliance/bench/sip-parse.bench.ts [seconds-per-case]
import { parseDatagram, type SipMessage } from '../src/sip/message/index.ts';

const sdp = [
  'v=0',
  'o=- 3894127765 3894127765 IN IP4 192.0.2.10',
  's=-',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 10000 RTP/AVP 8 0 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=ptime:20',
  'a=sendrecv',
  '',
].join('\r\n');

const invite = Buffer.from(
  [
    'INVITE sip:4008@192.0.2.1:5060 SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---77ba2f5e1b2c3d4e;rport',
    'Max-Forwards: 70',
    'Contact: <sip:1001@192.0.2.10:5060;transport=udp>',
    'To: <sip:4008@192.0.2.1>',
    'From: "Agent 1001" <sip:1001@192.0.2.1>;tag=8a3c51f2',
    'Call-ID: 0f3a9b2c7d4e5f60718293a4b5c6d7e8@192.0.2.10',
    'CSeq: 1 INVITE',
    'Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE',
    'Content-Type: application/sdp',
    'Supported: replaces, norefersub, timer',
    'User-Agent: Yealink SIP-T46U 108.86.0.45',
    'Allow-Events: talk, hold, conference, refer',
    `Content-Length: ${Buffer.byteLength(sdp)}`,
    '',
    sdp,
  ].join('\r\n'),
);

const ok = Buffer.from(
  [
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK8f2c1d0e3b4a59687;received=192.0.2.1;rport=5060',
    'Record-Route: <sip:192.0.2.1;lr>',
    'From: <sip:4008@192.0.2.1>;tag=as6f1e2d3c',
    'To: "Agent 1001" <sip:1001@192.0.2.10>;tag=1928301774',
    'Call-ID: 7a1b2c3d4e5f@192.0.2.1',
    'CSeq: 102 INVITE',
    'Contact: <sip:1001@192.0.2.10:5060>',
    'Supported: replaces, timer',
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(sdp)}`,
    '',
    sdp,
  ].join('\r\n'),
);

const secondsPerCase = Number(process.argv[2] ?? 2);
let sink = 0;

function run(label: string, op: () => void): void {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < 5000; i++) op(); // warm-up for the JIT
  for (let r = 0; r < 5; r++) {
    const budget = (secondsPerCase * 1e9) / 5;
    let n = 0;
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    let elapsed = 0;
    while (elapsed < budget) {
      for (let i = 0; i < 1000; i++) op();
      n += 1000;
      elapsed = Number(process.hrtime.bigint() - t0);
    }
    const c = process.cpuUsage(c0);
    cpu.push(((c.user + c.system) * 1000) / n);
    wall.push(elapsed / n);
  }
  cpu.sort((a, b) => a - b);
  wall.sort((a, b) => a - b);
  const ns = cpu[2]!;
  console.log(
    `${label.padEnd(36)} ${Math.round(1e9 / ns).toLocaleString('en-US').padStart(10)} msg/s ${ns.toFixed(0).padStart(7)} ns/msg CPU (wall ${wall[2]!.toFixed(0)} ns)`,
  );
}

function parse(buf: Buffer): SipMessage {
  const r = parseDatagram(buf);
  if (r.kind !== 'message') throw new Error(`benchmark message did not parse: ${JSON.stringify(r)}`);
  return r.message;
}

console.log(`node ${process.version}, INVITE ${invite.length} bytes, 200 OK ${ok.length} bytes, median of 5 runs`);
run('parseDatagram INVITE+SDP', () => {
  sink += parse(invite).body.length;
});
run('parseDatagram 200 OK+SDP', () => {
  sink += parse(ok).body.length;
});
const inv = parse(invite);
const resp = parse(ok);
run('toBuffer INVITE+SDP', () => {
  sink += inv.toBuffer().length;
});
run('toBuffer 200 OK+SDP', () => {
  sink += resp.toBuffer().length;
});
run('parse + toBuffer INVITE (proxy hop)', () => {
  const m = parse(invite);
  m.headers.prepend('Via', 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabcdef');
  sink += m.toBuffer().length;
});
if (sink === 42) console.log('');
