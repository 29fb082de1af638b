// A refused request body must not poison its kept-alive connection: a browser sends the next
// request (a restore's apply after its upload) on the same socket. Each case sends a body the
// server refuses before reading it all, then another request on that one socket.
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { test } from 'node:test';
import { mint, seedUser, startHarness, type Client, type Harness } from './harness.ts';

interface Answer {
  status: number;
  json: any;
}

function send(h: Harness, agent: Agent, admin: Client, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${h.base}${path}`, { method, agent, headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(parts).toString('utf8') || 'null') }));
      res.on('error', reject);
    });
    // A connection the server stopped reading would hang here for good: fail instead.
    req.setTimeout(20_000, () => req.destroy(new Error(`${method} ${path}: no answer within 20 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

test('refused bodies are discarded: the answer arrives and the next request on the same connection is served', async (t) => {
  const h = await startHarness(t, { backups: true });
  await seedUser(h, 'root', 'admin');
  const admin = mint(h, 'root');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  let connections = 0;
  h.server.on('connection', () => connections++);

  // Far more than socket buffers hold, so the server must read the rest itself.
  const notABackup = Buffer.alloc(4 * 1024 * 1024, 0x41);
  const refused = await send(h, agent, admin, 'POST', '/api/v1/backups/restore/upload', { 'content-type': 'application/octet-stream' }, notABackup);
  assert.equal(refused.status, 422, JSON.stringify(refused.json));
  assert.equal(refused.json.error.reason, 'NOT_A_BACKUP');
  const next = await send(h, agent, admin, 'GET', '/api/v1/backups/status');
  assert.equal(next.status, 200);
  assert.equal(connections, 1, 'the second request went over the upload connection');

  const tooLarge = Buffer.from(JSON.stringify({ passphrase: 'x'.repeat(4 * 1024 * 1024) }));
  const big = await send(h, agent, admin, 'PUT', '/api/v1/backups/passphrase', { 'content-type': 'application/json' }, tooLarge);
  assert.equal(big.status, 400, JSON.stringify(big.json));
  assert.match(big.json.error.message, /larger than/);
  const after = await send(h, agent, admin, 'GET', '/api/v1/backups/status');
  assert.equal(after.status, 200);
  assert.equal(connections, 1, 'all four requests went over one connection');
});
