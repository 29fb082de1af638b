// Live listen over the management WebSocket (issue 7): mgmt relays the recorder's live frames
// (here a real control server on a temp socket playing the recorder's part) one frame per
// message; only supervisors and admins may listen, every attempt is audited, an unknown call is
// 404 before any WebSocket exists, and a browser that does not read is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import WebSocket from 'ws';
import { decodeLiveFrame, encodeLiveFrame } from '../../src/recorder/live-frame.ts';
import { attachListen, LISTEN_CLOSE } from '../../src/mgmt/listen.ts';
import { call, login, seedUser, startHarness, type Client, type Harness } from './harness.ts';
import { fakeRecorder } from './fake-recorder.ts';

function openListen(h: Harness, id: string, headers: Record<string, string>): Promise<{ ws?: WebSocket; status?: number; texts: any[]; frames: Buffer[]; closed: Promise<number> }> {
  const texts: any[] = [];
  const frames: Buffer[] = [];
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/api/v1/recordings/listen?id=${id}`, { headers });
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (d, binary) => (binary ? frames.push(d as Buffer) : texts.push(JSON.parse(String(d)))));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode, texts, frames, closed }));
    ws.on('open', () => resolve({ ws, texts, frames, closed }));
  });
}

const until = async (fn: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !fn(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(fn(), what);
};

async function setup(t: Parameters<typeof startHarness>[0]) {
  const h0 = await startHarness(t);
  const rec = await fakeRecorder(t, h0.dir);
  h0.services.deps.recorder = rec.client;
  const hub = attachListen([h0.server], h0.services);
  t.after(() => hub.close());
  const users: Record<string, Client> = {};
  for (const [u, role] of [['root', 'admin'], ['sup', 'supervisor'], ['aud', 'auditor'], ['ag', 'agent']] as const) {
    await seedUser(h0, u, role);
    users[u] = await login(h0, u);
  }
  return { h: h0, rec, hub, users };
}

test('live listen: supervisors hear the frames one per message, agents and auditors are refused and audited, an unknown call is 404', async (t) => {
  const { h, rec, hub, users } = await setup(t);
  const hdr = (u: string) => ({ cookie: users[u]!.cookie, origin: h.base });

  // The list of calls to listen to, channel order, for listeners only.
  const list = await call(h, 'GET', '/api/v1/recordings/live', { client: users.sup });
  assert.equal(list.status, 200);
  assert.deepEqual(list.json, { recorderRunning: true, items: [{ id: 'r1', callId: 'call-1', startedAt: '2025-03-01T08:00:00.000Z', durationMs: 4000, codec: 'PCMA', listeners: 0, parties: [{ channel: 0, name: '1001' }, { channel: 1, name: '1002' }] }] });
  assert.equal((await call(h, 'GET', '/api/v1/recordings/live', { client: users.ag })).status, 403);
  assert.equal((await call(h, 'GET', '/api/v1/recordings/live', { client: users.aud })).status, 403);

  assert.equal((await openListen(h, 'r1', {})).status, 401);
  assert.equal((await openListen(h, 'r1', { cookie: users.sup!.cookie, origin: 'https://evil.example' })).status, 403);
  assert.equal((await openListen(h, 'r1', hdr('ag'))).status, 403, 'agents never listen');
  assert.equal((await openListen(h, 'r1', hdr('aud'))).status, 403, 'auditors read metadata only');
  assert.equal((await openListen(h, 'nope', hdr('sup'))).status, 404);
  assert.equal((await openListen(h, 'a b', hdr('sup'))).status, 400);
  assert.equal(rec.outs.size, 0);

  const l = await openListen(h, 'r1', hdr('sup'));
  assert.ok(l.ws);
  await until(() => rec.outs.size === 1 && l.texts.length === 1, 'subscribed upstream, hello received');
  assert.deepEqual(l.texts[0], { type: 'hello', id: 'r1' });
  assert.equal(hub.clients, 1);
  // The recorder writes frames back to back; mgmt must send each as its own message.
  const sent = Array.from({ length: 30 }, (_, i) => encodeLiveFrame(i % 2, 'PCMA', i * 20, Uint8Array.from({ length: 160 }, (_, k) => (k + i) & 0xff), 0, 160));
  const [out] = rec.outs;
  out!.write(Buffer.concat(sent.slice(0, 7)));
  for (const f of sent.slice(7)) { out!.write(f.subarray(0, 5)); out!.write(f.subarray(5)); }
  await until(() => l.frames.length === 30, `30 frames (${l.frames.length})`);
  l.frames.forEach((f, i) => assert.ok(f.equals(sent[i]!), `frame ${i} intact`));
  assert.deepEqual([decodeLiveFrame(l.frames[3]!).channel, decodeLiveFrame(l.frames[3]!).atMs], [1, 60]);
  // The call ends: an end message, a normal close.
  out!.end();
  assert.equal(await l.closed, LISTEN_CLOSE.ended);
  assert.deepEqual(l.texts.at(-1), { type: 'end', id: 'r1' });

  const log = await call(h, 'GET', '/api/v1/audit?action=recording.listened', { client: users.root });
  const entries = (log.json.items as Array<{ actor: string; outcome: string; target: string }>).map((e) => [e.actor, e.outcome, e.target]).sort();
  assert.deepEqual(entries, [['ag', 'denied', 'r1'], ['aud', 'denied', 'r1'], ['sup', 'ok', 'r1']]);

  // A closed browser socket ends the upstream subscription.
  const again = await openListen(h, 'r1', hdr('root'));
  await until(() => rec.outs.size === 1, 'admin subscribed');
  again.ws!.close();
  await until(() => rec.outs.size === 0, 'upstream closed with the browser');
});

test('live listen: a browser that stops reading is disconnected (4008) instead of being buffered for', async (t) => {
  const { h, rec, users } = await setup(t);
  const l = await openListen(h, 'r1', { cookie: users.sup!.cookie, origin: h.base });
  await until(() => rec.outs.size === 1, 'subscribed');
  // Stop reading at the TCP level: the server's socket backlog grows once the kernel buffers fill.
  (l.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
  const frame = encodeLiveFrame(0, 'PCMU', 0, new Uint8Array(1500), 0, 1500);
  for (let i = 0; i < 20_000 && rec.outs.size > 0; i++) {
    for (const o of rec.outs) o.write(frame);
    if (i % 20 === 0) await new Promise((r) => setImmediate(r));
  }
  assert.equal(rec.outs.size, 0, 'the recorder subscription was closed when the browser fell behind');
  (l.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  assert.equal(await l.closed, LISTEN_CLOSE.tooSlow);
});

test('the recorder\'s alarms (an archive that fails) reach /alarms beside the PBX\'s, and say whether the recorder answered', async (t) => {
  const h = await startHarness(t);
  const alarm = { id: 'recorder-archive-failed', severity: 'major' as const, source: 'recorder/archive', raisedAt: '2025-03-01T07:00:00.000Z', text: { en: 'Recordings cannot be archived to sftp://rec@nas:22/a', zh: '录音无法归档到 sftp://rec@nas:22/a' } };
  const rec = await fakeRecorder(t, h.dir, { alarms: [alarm] });
  await seedUser(h, 'sup', 'supervisor');
  const sup = await login(h, 'sup');
  const before = await call(h, 'GET', '/api/v1/alarms', { client: sup });
  assert.equal(before.json.services.recorder, undefined, 'no recorder configured: not mentioned');
  h.services.deps.recorder = rec.client;
  const r = await call(h, 'GET', '/api/v1/alarms', { client: sup });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.items.find((a: { id: string }) => a.id === 'recorder-archive-failed'), alarm);
  assert.equal(r.json.services.recorder, true);
  h.services.deps.recorder = { ...rec.client, call: () => Promise.reject(new Error('down')), openBinary: rec.client.openBinary.bind(rec.client) };
  assert.equal((await call(h, 'GET', '/api/v1/alarms', { client: sup })).json.services.recorder, false);
});
