// The SRS's SIP behaviour against a scripted SRC over real UDP: re-INVITEs that update
// metadata or start a new segment (transfer), refusals with the right status, and a clean
// stop that sends BYE and leaves every file closed and indexed; encryption at rest.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWav } from '@hotline/media';
import { decryptFile } from '@hotline/appliance/recorder';
import { startRecorder, type HilRecorder } from '../src/recorder.ts';
import { SiprecClient, playTones, until } from '../src/siprec-client.ts';
import { soxDuration } from '../src/sox.ts';

const PARTIES = [
  { label: '1', aor: 'sip:13800138000@pstn', name: '13800138000', role: 'caller' },
  { label: '2', aor: 'sip:8001@hotline', name: '8001', role: 'agent' },
];
let rec: HilRecorder;
before(async () => { rec = await startRecorder(); });
after(async () => { await rec?.stop(); });

async function client(r: HilRecorder = rec): Promise<SiprecClient> {
  return SiprecClient.open({ host: '127.0.0.1', port: r.sipPort });
}

test('a re-INVITE with new metadata keeps the ports and updates the index (agent changed)', async () => {
  const c = await client();
  try {
    assert.equal((await c.invite({ parties: PARTIES, hotline: { callId: 'm-1', agent: '8001' } })).status, 200);
    const ports = [...c.ports];
    await playTones(c, 0.5);
    const r = await c.reinvite({ parties: PARTIES, hotline: { callId: 'm-1', agent: '8009', queue: 'billing' } });
    assert.equal(r.status, 200, r.raw);
    assert.deepEqual(c.ports, ports);
    const st = await rec.status();
    const id = st.recordings.find((x) => x.callId === 'm-1')!.id;
    assert.equal(rec.recordings().find((x) => x.id === id)!.agent, '8009');
    await playTones(c, 0.5);
    assert.equal((await c.bye()).status, 200);
    const row = await until('closed row', () => rec.recordings().find((x) => x.id === id && x.state === 'closed'));
    assert.equal(row.queue, 'billing');
    assert.ok(Math.abs(soxDuration(join(rec.recordingsDir, row.path)) - 1) <= 0.5);
  } finally {
    c.close();
  }
});

test('a transfer (metadata segment 2) closes the first file and links the next segment to it', async () => {
  const c = await client();
  try {
    assert.equal((await c.invite({ parties: PARTIES, hotline: { callId: 'x-1', agent: '8001', segment: 1 } })).status, 200);
    await playTones(c, 1);
    const moved = [PARTIES[0]!, { label: '2', aor: 'sip:8002@hotline', name: '8002', role: 'agent' }];
    assert.equal((await c.reinvite({ parties: moved, hotline: { callId: 'x-1', agent: '8002', segment: 2 } })).status, 200);
    await playTones(c, 1);
    assert.equal((await c.bye()).status, 200);
  } finally {
    c.close();
  }
  const rows = await until('two closed segments', () => {
    const r = rec.recordings().filter((x) => x.callId === 'x-1' && x.state === 'closed');
    return r.length === 2 ? r : undefined;
  });
  const first = rows.find((r) => r.segment === 1)!;
  const second = rows.find((r) => r.segment === 2)!;
  assert.equal(second.previousId, first.id);
  assert.equal(first.agent, '8001');
  assert.equal(second.agent, '8002');
  assert.equal(second.parties[1]!.name, '8002');
  for (const r of [first, second]) assert.ok(Math.abs(soxDuration(join(rec.recordingsDir, r.path)) - 1) <= 0.5, `${r.segment}: ${soxDuration(join(rec.recordingsDir, r.path))}`);
});

test('refusals: unknown Require 420, wrong body type 415, broken metadata 400, unknown dialog 481, other methods 405; OPTIONS 200', async () => {
  const c = await client();
  try {
    const r420 = await c.invite({ parties: PARTIES, require: 'siprec, 100rel-ng' });
    assert.equal(r420.status, 420);
    assert.match(r420.raw, /Unsupported: 100rel-ng/);
    const r415 = await c.request('INVITE', ['Contact: <sip:src@127.0.0.1>;+sip.src'], 'text/plain', 'hello');
    assert.equal(r415.status, 415);
    const r400 = await c.invite({ parties: PARTIES, metadataXml: '<recording><participant></recording>' });
    assert.equal(r400.status, 400);
    assert.match(r400.raw, /Warning: 399 hotline-recorder "recording metadata: not well-formed/);
    assert.equal((await c.request('MESSAGE', [], 'text/plain', 'hi')).status, 405);
    const opt = await c.request('OPTIONS', [], undefined, '');
    assert.equal(opt.status, 200);
    assert.match(opt.raw, /Supported: siprec/);
    assert.equal((await c.bye()).status, 481);
  } finally {
    c.close();
  }
  assert.ok(rec.proc.running());
  const st = await rec.status();
  assert.equal(st.sessionsActive, 0);
});

test('SIGTERM mid-call: the recorder sends BYE, closes the file with a proper header and indexes it', async () => {
  const r = await startRecorder();
  const c = await client(r);
  try {
    assert.equal((await c.invite({ parties: PARTIES })).status, 200);
    await playTones(c, 1);
    await r.proc.stop();
    assert.equal(c.byesReceived.length, 1);
    assert.match(c.byesReceived[0]!, /Reason: SIP;cause=200;text="recorder stopping"/);
    const [row] = r.recordings();
    assert.equal(row!.state, 'closed');
    assert.ok(Math.abs(soxDuration(join(r.recordingsDir, row!.path)) - 1) <= 0.5);
  } finally {
    c.close();
    await r.stop();
  }
});

test('with a key file, closed recordings are stored AES-256-GCM encrypted and decrypt to the WAV', async () => {
  const keyDir = mkdtempSync(join(tmpdir(), 'hil-key-'));
  const keyFile = join(keyDir, 'recordings.key');
  writeFileSync(keyFile, `${'5a'.repeat(32)}\n`, { mode: 0o600 });
  const r = await startRecorder({ HOTLINE_RECORDER_KEY_FILE: keyFile });
  const c = await client(r);
  try {
    assert.equal((await c.invite({ parties: PARTIES })).status, 200);
    await playTones(c, 1);
    assert.equal((await c.bye()).status, 200);
    const row = await until('closed row', () => r.recordings().find((x) => x.state === 'closed'));
    assert.equal(row.encrypted, true);
    assert.match(row.path, /\.wav\.enc$/);
    const wav = parseWav(decryptFile(join(r.recordingsDir, row.path), Buffer.from('5a'.repeat(32), 'hex')));
    assert.equal(wav.channels, 2);
    assert.ok(Math.abs(wav.dataLength / 16000 - 1) <= 0.5);
  } finally {
    c.close();
    await r.stop();
  }
});
