import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { ControlRequestError } from '../../src/control/index.ts';
import { call, login, seedUser, startHarness, type Harness } from './harness.ts';

async function signedIn(h: Harness, role: 'admin' | 'agent' | 'auditor' = 'admin') {
  await seedUser(h, role, role);
  return login(h, role);
}

test('the call-control API forwards agent commands to the PBX, and its refusals become 400 VALIDATION with the reason', async (t) => {
  const h = await startHarness(t);
  const admin = await signedIn(h);
  const agent = await signedIn(h, 'agent');
  assert.equal((await call(h, 'PUT', '/api/v1/users/agent', { client: admin, body: { extension: '2001' } })).status, 200);
  h.pbx.answer = (_m, path, body) => {
    if (path === '/v1/acd/agent' && (body as { reason?: string }).reason === 'nap') throw new ControlRequestError(400, { error: 'unknown not-ready reason nap' });
    return path === '/v1/acd/snapshot' ? { at: 1, queues: [{ name: 'repair', stats: { waiting: 2 }, agentsReady: 1 }], agents: [{ agent: '8001', name: 'Li', extension: '2001', state: 'ready' }] } : { agent: '8001', state: { state: 'ready' } };
  };
  const ok = await call(h, 'POST', '/api/v1/acd/agents/8001/state', { client: agent, body: { action: 'login', extension: '2001', pin: '1234' } });
  assert.equal(ok.status, 200);
  assert.deepEqual(h.pbx.requests.at(-1), { method: 'POST', path: '/v1/acd/agent', body: { agent: '8001', action: 'login', extension: '2001', pin: '1234' } });
  const refused = await call(h, 'POST', '/api/v1/acd/agents/8001/state', { client: agent, body: { action: 'not-ready', reason: 'nap' } });
  assert.equal(refused.status, 400);
  assert.match(refused.json.error.message, /unknown not-ready reason nap/);
  const bad = await call(h, 'POST', '/api/v1/acd/agents/8001/state', { client: agent, body: { action: 'dance' } });
  assert.equal(bad.status, 400, 'the schema refuses an unknown action before the PBX is asked');
  const snap = await call(h, 'GET', '/api/v1/acd/snapshot', { client: agent });
  assert.equal(snap.json.queues[0].stats.waiting, 2);
  h.pbx.running = false;
  assert.equal((await call(h, 'GET', '/api/v1/acd/snapshot', { client: agent })).status, 503);
});

function openCti(h: Harness, query: string, headers: Record<string, string>): Promise<{ ws?: WebSocket; status?: number; messages: any[] }> {
  const messages: any[] = [];
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/api/v1/cti${query}`, { headers });
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode, messages }));
    ws.on('open', () => resolve({ ws, messages }));
  });
}

const until = async (fn: () => boolean, what: string) => {
  for (let i = 0; i < 100 && !fn(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(fn(), what);
};

test('the CTI WebSocket needs a session and this Origin, relays the PBX stream as it comes, and ?agent= keeps one agent\'s events', async (t) => {
  const h = await startHarness(t);
  const c = await signedIn(h);
  assert.equal((await openCti(h, '', {})).status, 401);
  assert.equal((await openCti(h, '', { cookie: c.cookie, origin: 'https://evil.example' })).status, 403);
  const all = await openCti(h, '', { cookie: c.cookie, origin: h.base });
  const mine = await openCti(h, '?agent=8001', { cookie: c.cookie, origin: h.base });
  t.after(() => { all.ws?.close(); mine.ws?.close(); });
  await until(() => h.pbx.followers.some((f) => f.path === '/v1/cti/events' && !f.closed), 'mgmt follows the PBX stream');
  assert.equal(h.pbx.followers.filter((f) => !f.closed).length, 1, 'one upstream for every browser');
  h.pbx.push({ type: 'CallOffered', at: 1, callId: 'c1', agent: '8002', callerNumber: '138', queue: 'repair' });
  h.pbx.push({ type: 'CallOffered', at: 2, callId: 'c2', agent: '8001', callerNumber: '139', queue: 'repair' });
  h.pbx.push({ type: 'QueueStatsUpdated', at: 3, queue: 'repair', stats: {} });
  await until(() => all.messages.length >= 4 && mine.messages.length >= 3, 'events delivered');
  assert.deepEqual(all.messages.map((m) => m.type), ['hello', 'CallOffered', 'CallOffered', 'QueueStatsUpdated']);
  assert.deepEqual(mine.messages.map((m) => m.callId ?? m.type), ['hello', 'c2', 'QueueStatsUpdated']);
  all.ws!.close();
  mine.ws!.close();
  await until(() => h.pbx.followers.every((f) => f.closed), 'the upstream closes when nobody listens');
});

test('supervisor actions and conferences go to the PBX; agents may not supervise, a supervisor may; refusals come back as 400', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'supervisor', 'supervisor');
  const sup = await login(h, 'supervisor');
  const agent = await signedIn(h, 'agent');
  h.pbx.answer = (_m, path, body) => {
    const b = body as { action?: string };
    if (path === '/v1/acd/supervise' && b.action === 'whisper') throw new ControlRequestError(400, { error: 'no supervisor is in agent 8001\'s call' });
    if (path === '/v1/acd/conference') return { room: 'conference:8001#1', parties: ['2001', '138', '2002'] };
    return { agent: '8001', action: b.action, callId: 'c1' };
  };
  assert.equal((await call(h, 'POST', '/api/v1/acd/agents/8001/supervise', { client: agent, body: { action: 'release' } })).status, 403, 'an agent cannot force another');
  const released = await call(h, 'POST', '/api/v1/acd/agents/8001/supervise', { client: sup, body: { action: 'release' } });
  assert.equal(released.status, 200);
  assert.deepEqual(h.pbx.requests.at(-1), { method: 'POST', path: '/v1/acd/supervise', body: { agent: '8001', action: 'release' } });
  const refused = await call(h, 'POST', '/api/v1/acd/agents/8001/supervise', { client: sup, body: { action: 'whisper', supervisor: '2099' } });
  assert.equal(refused.status, 400);
  assert.match(refused.json.error.message, /no supervisor is in agent 8001/);
  assert.equal((await call(h, 'POST', '/api/v1/acd/agents/8001/supervise', { client: sup, body: { action: 'eavesdrop' } })).status, 400);
  const merged = await call(h, 'POST', '/api/v1/acd/agents/8001/conference', { client: sup, body: { action: 'merge' } });
  assert.equal(merged.status, 200);
  assert.deepEqual(merged.json.parties, ['2001', '138', '2002']);
  assert.equal((await call(h, 'POST', '/api/v1/acd/agents/8001/conference', { client: agent, body: { action: 'split' } })).status, 400);
});

test('listen from the wallboard rings the signed-in user\'s own phone: its extension (users PUT) is sent as the supervisor; a named one wins; forcing sends none', async (t) => {
  const h = await startHarness(t);
  const admin = await signedIn(h, 'admin');
  await seedUser(h, 'supervisor', 'supervisor');
  const linked = await call(h, 'PUT', '/api/v1/users/supervisor', { client: admin, body: { extension: '2099' } });
  assert.equal(linked.status, 200);
  assert.equal(linked.json.extension, '2099');
  assert.equal((await call(h, 'PUT', '/api/v1/users/supervisor', { client: admin, body: { extension: 'desk' } })).status, 400, 'an extension is digits');
  const sup = await login(h, 'supervisor');
  h.pbx.answer = (_m, _path, body) => ({ ...(body as object), ringing: true, callId: 'c1' });
  const listen = await call(h, 'POST', '/api/v1/acd/agents/8001/supervise', { client: sup, body: { action: 'listen' } });
  assert.equal(listen.status, 200);
  assert.equal(listen.json.ringing, true);
  assert.deepEqual(h.pbx.requests.at(-1)!.body, { agent: '8001', action: 'listen', supervisor: '2099' });
  await call(h, 'POST', '/api/v1/acd/agents/8001/supervise', { client: sup, body: { action: 'barge', supervisor: '2098' } });
  assert.deepEqual(h.pbx.requests.at(-1)!.body, { agent: '8001', action: 'barge', supervisor: '2098' });
  await call(h, 'POST', '/api/v1/acd/agents/8001/supervise', { client: sup, body: { action: 'not-ready' } });
  assert.deepEqual(h.pbx.requests.at(-1)!.body, { agent: '8001', action: 'not-ready' });
  // Unlinked again (null): nothing is sent, the PBX only switches a supervisor already in the call,
  // and its refusal says the user has no phone to call.
  assert.equal((await call(h, 'PUT', '/api/v1/users/supervisor', { client: admin, body: { extension: null } })).json.extension, null);
  h.pbx.answer = () => { throw new ControlRequestError(400, { error: 'no supervisor is in agent 8001\'s call' }); };
  const refused = await call(h, 'POST', '/api/v1/acd/agents/8001/supervise', { client: sup, body: { action: 'whisper' } });
  assert.deepEqual(h.pbx.requests.at(-1)!.body, { agent: '8001', action: 'whisper' });
  assert.equal(refused.status, 400);
  assert.match(refused.json.error.message, /no supervisor is in agent 8001's call; your user has no desk phone extension/);
});

test('agent call control goes to the PBX with the agent in the body; a bad action or number is refused before the PBX, its refusals come back as 400 with the reason', async (t) => {
  const h = await startHarness(t);
  // Admin acts on any agent (the agent role's own-phone rule has its own test below).
  const agent = await signedIn(h);
  h.pbx.answer = (_m, path, body) => {
    if (path === '/v1/acd/call' && (body as { action?: string }).action === 'answer') throw new ControlRequestError(400, { error: 'a ringing SIP phone can only be answered on the phone itself' });
    return { agent: '8001', action: (body as { action: string }).action, callId: 'c1' };
  };
  const held = await call(h, 'POST', '/api/v1/acd/agents/8001/call', { client: agent, body: { action: 'hold' } });
  assert.equal(held.status, 200);
  assert.equal(held.json.callId, 'c1');
  await call(h, 'POST', '/api/v1/acd/agents/8001/call', { client: agent, body: { action: 'transfer', to: '8002' } });
  assert.deepEqual(h.pbx.requests.at(-1), { method: 'POST', path: '/v1/acd/call', body: { agent: '8001', action: 'transfer', to: '8002' } });
  const answer = await call(h, 'POST', '/api/v1/acd/agents/8001/call', { client: agent, body: { action: 'answer' } });
  assert.equal(answer.status, 400);
  assert.match(answer.json.error.message, /only be answered on the phone itself/);
  const before = h.pbx.requests.length;
  assert.equal((await call(h, 'POST', '/api/v1/acd/agents/8001/call', { client: agent, body: { action: 'explode' } })).status, 400);
  assert.equal((await call(h, 'POST', '/api/v1/acd/agents/8001/call', { client: agent, body: { action: 'transfer', to: 'sip:x@evil' } })).status, 400);
  assert.equal(h.pbx.requests.length, before, 'the schema refused both before the PBX was asked');
});

test('a user with role agent acts only for the agent on its own desk phone: 403 with the reason in English and Chinese; admin and supervisor act on any agent', async (t) => {
  const h = await startHarness(t);
  const admin = await signedIn(h);
  await seedUser(h, 'supervisor', 'supervisor');
  const sup = await login(h, 'supervisor');
  const agent = await signedIn(h, 'agent');
  h.pbx.answer = (_m, path, body) => path === '/v1/acd/snapshot'
    ? { at: 1, queues: [], agents: [{ agent: '8001', name: 'Li', extension: '2001', state: 'talking' }, { agent: '8002', name: 'Wang', extension: '2002', state: 'talking' }] }
    : { agent: (body as { agent: string }).agent, action: 'hangup', callId: 'c1' };
  const forwarded = () => h.pbx.requests.filter((r) => r.path !== '/v1/acd/snapshot').length;

  // No desk phone set: refused, and the reason says what to do.
  const noPhone = await call(h, 'POST', '/api/v1/acd/agents/8001/call', { client: agent, body: { action: 'hangup' } });
  assert.equal(noPhone.status, 403);
  assert.match(noPhone.json.error.message, /no desk phone extension/);
  assert.match(noPhone.json.error.messageZh, /未设置话机分机/);

  assert.equal((await call(h, 'PUT', '/api/v1/users/agent', { client: admin, body: { extension: '2001' } })).status, 200);
  const own = await call(h, 'POST', '/api/v1/acd/agents/8001/call', { client: agent, body: { action: 'hangup' } });
  assert.equal(own.status, 200, 'the agent on the user\'s own phone');
  assert.deepEqual(h.pbx.requests.at(-1), { method: 'POST', path: '/v1/acd/call', body: { agent: '8001', action: 'hangup' } });

  const before = forwarded();
  for (const [path, body] of [
    ['/api/v1/acd/agents/8002/call', { action: 'hangup' }],
    ['/api/v1/acd/agents/8002/conference', { action: 'merge' }],
    ['/api/v1/acd/agents/8002/state', { action: 'not-ready' }],
    ['/api/v1/acd/agents/8003/call', { action: 'hold' }],
  ] as const) {
    const r = await call(h, 'POST', path, { client: agent, body });
    assert.equal(r.status, 403, path);
    assert.equal(r.json.error.code, 'FORBIDDEN');
    assert.match(r.json.error.message, /is not logged in on your desk phone extension 2001; you may act only on your own calls/);
    assert.match(r.json.error.messageZh, /未在您的话机分机 2001 上签入/);
  }
  const elsewhere = await call(h, 'POST', '/api/v1/acd/agents/8003/state', { client: agent, body: { action: 'login', extension: '2002', pin: '1234' } });
  assert.equal(elsewhere.status, 403, 'logging in onto someone else\'s phone');
  assert.match(elsewhere.json.error.message, /only on your own desk phone extension 2001, not on 2002/);
  assert.equal(forwarded(), before, 'nothing refused reached the PBX');
  assert.equal((await call(h, 'POST', '/api/v1/acd/agents/8003/state', { client: agent, body: { action: 'login', extension: '2001', pin: '1234' } })).status, 200);

  // Admin and supervisor keep acting on any agent, with or without a desk phone.
  assert.equal((await call(h, 'POST', '/api/v1/acd/agents/8002/call', { client: admin, body: { action: 'hangup' } })).status, 200);
  assert.equal((await call(h, 'POST', '/api/v1/acd/agents/8002/conference', { client: sup, body: { action: 'merge' } })).status, 200);
});
