import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PBX_AT, fakePbx } from './fake-phone.ts';
import { parseDatagram, type SipResponse } from '../../src/sip/message/index.ts';

const dir = fileURLToPath(new URL('../fixtures/rfc4475/', import.meta.url));

/** Sends one fixture to a fresh PBX from a fake peer and returns the responses it got. */
async function answerTo(file: string): Promise<SipResponse[]> {
  const env = fakePbx();
  const got: SipResponse[] = [];
  const peer = env.net.endpoint({ transport: 'udp', address: '192.0.2.50', port: 5060 }, { onMessage: (m) => { if (!m.isRequest) got.push(m as SipResponse); } });
  void peer.send(readFileSync(`${dir}${file}`), PBX_AT);
  await env.run(100);
  return got;
}

// RFC 4475 §3.3: what an element must answer. The PBX acts as UAS/registrar here.
const cases: Array<[file: string, status: number, why: string, check?: (r: SipResponse) => void]> = [
  ['semantics/unkscm.dat', 416, 'unknown Request-URI scheme (§3.3.5)'],
  ['semantics/bext01.dat', 420, 'unsupported Require option, listed in Unsupported (§3.3.2)', (r) => assert.match(r.headers.get('Unsupported') ?? '', /nothingSupportsThis, nothingSupportsThisEither/)],
  ['semantics/invut.dat', 415, 'INVITE body type it cannot handle, with Accept (§3.3.14)', (r) => assert.equal(r.headers.get('Accept'), 'application/sdp')],
  ['semantics/insuf.dat', 400, 'missing Call-ID, From and To (§3.3.1)'],
  ['semantics/multi01.dat', 400, 'several values of single-value headers (§3.3.11)'],
  ['semantics/mcl01.dat', 400, 'several Content-Length values (§3.3.9)'],
  ['semantics/regaut01.dat', 401, 'REGISTER with credentials for another realm is challenged for ours (§3.3.10)'],
  ['semantics/cparam01.dat', 401, 'REGISTER with contact params parses and is challenged (§3.3.12)'],
  ['semantics/regescrt.dat', 401, 'REGISTER with escaped headers in the Contact is challenged (§3.3.15)'],
  ['compat/inv2543.dat', 407, 'an RFC 2543 INVITE is still processed (§3.4): it is challenged like any other'],
];

for (const [file, status, why, check] of cases) {
  test(`${file}: answers ${status} — ${why}`, async () => {
    const got = (await answerTo(file)).filter((r) => r.status >= 200);
    assert.equal(got.length, 1, `one final response, got ${got.map((r) => r.status).join(',') || 'none'}`);
    assert.equal(got[0].status, status);
    check?.(got[0]);
  });
}

test('every syntax-invalid torture message that names a transaction gets 400 (or 505 for a bad version) and the PBX keeps answering', async () => {
  const { readdirSync } = await import('node:fs');
  const env = fakePbx();
  const got: SipResponse[] = [];
  const peer = env.net.endpoint({ transport: 'udp', address: '192.0.2.51', port: 5060 }, { onMessage: (m) => { if (!m.isRequest) got.push(m as SipResponse); } });
  // The fake network parses like the UDP transport; answers to malformed ones are the transport's job,
  // so this checks the parser's verdict that the service turns into a 400 (pbx-service answerMalformed).
  let answerable = 0;
  for (const f of readdirSync(`${dir}syntax-invalid`)) {
    const r = parseDatagram(readFileSync(`${dir}syntax-invalid/${f}`));
    assert.equal(r.kind, 'malformed', f);
    if (r.kind === 'malformed' && r.request) answerable++;
    void peer.send(readFileSync(`${dir}syntax-invalid/${f}`), PBX_AT);
  }
  assert.ok(answerable >= 15);
  void peer.send(Buffer.from(`OPTIONS sip:${PBX_AT.address} SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.51;branch=z9hG4bKok1\r\nFrom: <sip:x@192.0.2.51>;tag=1\r\nTo: <sip:${PBX_AT.address}>\r\nCall-ID: ok1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`), PBX_AT);
  await env.run(100);
  assert.equal(got.at(-1)?.status, 200, 'a good OPTIONS after the garbage is still answered');
});
