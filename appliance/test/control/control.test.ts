import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigValidationError } from '../../src/config/index.ts';
import { ControlClient, ControlRequestError, ControlSocketInUseError, ServiceNotRunningError, startControlServer, type ControlHandlers, type PbxStatus } from '../../src/control/index.ts';

const fakeStatus: PbxStatus = {
  startedAt: '2024-05-01T08:00:00.000Z',
  listening: [{ transport: 'udp', address: '0.0.0.0', port: 5060 }],
  registrations: [{ extension: '1001', contact: 'sip:1001@10.0.0.5:5060', source: '10.0.0.5:5060', transport: 'udp', expiresAt: '2024-05-01T08:10:00.000Z', userAgent: 'Yealink' }],
  activeCalls: [{ callId: 'abc', caller: '1001', callee: '1002', state: 'answered', startedAt: '2024-05-01T08:01:00.000Z', answeredAt: '2024-05-01T08:01:03.000Z' }],
  counters: { invitesReceived: 3 },
  configVersion: 7,
};

async function tempSocket(t: { after(fn: () => unknown): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-ctl-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'run', 'pbx.sock');
}

function rawRequest(socketPath: string, method: string, path: string): Promise<{ status: number; allow?: string; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, allow: res.headers.allow as string | undefined, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('client reads status and triggers reload through the server on a unix socket with mode 0660', async (t) => {
  const socket = await tempSocket(t);
  let reloads = 0;
  const server = await startControlServer(socket, { status: () => fakeStatus, reloadConfig: async () => ({ configVersion: 7 + ++reloads }) });
  t.after(() => server.close());
  assert.equal((await stat(socket)).mode & 0o777, 0o660);
  const client = new ControlClient(socket);
  assert.deepEqual(await client.status(), fakeStatus);
  assert.deepEqual(await client.reloadConfig(), { configVersion: 8 });
  assert.equal(reloads, 1);
});

test('a refused reload comes back as 422 with every validation error', async (t) => {
  const socket = await tempSocket(t);
  const handlers: ControlHandlers = {
    status: () => fakeStatus,
    reloadConfig: async () => {
      throw new ConfigValidationError([{ path: '/rtp/portMin', message: 'must be lower than /rtp/portMax (10000)' }]);
    },
  };
  const server = await startControlServer(socket, handlers);
  t.after(() => server.close());
  await assert.rejects(new ControlClient(socket).reloadConfig(), (e: unknown) => e instanceof ControlRequestError && e.status === 422 && e.body.details?.[0].path === '/rtp/portMin');
});

test('unknown paths get 404 and wrong methods 405 with Allow', async (t) => {
  const socket = await tempSocket(t);
  const server = await startControlServer(socket, { status: () => fakeStatus, reloadConfig: async () => ({ configVersion: 1 }) });
  t.after(() => server.close());
  assert.equal((await rawRequest(socket, 'GET', '/v2/nothing')).status, 404);
  const r = await rawRequest(socket, 'GET', '/v1/config/reload');
  assert.equal(r.status, 405);
  assert.equal(r.allow, 'POST');
});

test('a handler that throws yields 500 and the server keeps serving', async (t) => {
  const socket = await tempSocket(t);
  let fail = true;
  const server = await startControlServer(socket, {
    status: () => {
      if (fail) throw new Error('boom');
      return fakeStatus;
    },
    reloadConfig: async () => ({ configVersion: 1 }),
  });
  t.after(() => server.close());
  await assert.rejects(new ControlClient(socket).status(), (e: unknown) => e instanceof ControlRequestError && e.status === 500 && e.body.error === 'boom');
  fail = false;
  assert.equal((await new ControlClient(socket).status()).configVersion, 7);
});

test('ServiceNotRunningError when no socket file exists (ENOENT)', async (t) => {
  const socket = await tempSocket(t);
  await assert.rejects(new ControlClient(socket).status(), (e: unknown) => e instanceof ServiceNotRunningError && e.code === 'ENOENT');
});

test('ServiceNotRunningError when a stale socket file has no listener (ECONNREFUSED), and the server replaces that file', async (t) => {
  const socket = await tempSocket(t);
  await mkdir(dirname(socket), { recursive: true });
  // A PBX killed with SIGKILL leaves its socket file behind with nobody listening on it.
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socket)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((r) => child.stdout!.once('data', () => r()));
  child.kill('SIGKILL');
  await new Promise<void>((r) => child.once('exit', () => r()));
  assert.ok((await stat(socket)).isSocket(), 'the stale socket file is still there');
  await assert.rejects(new ControlClient(socket).status(), (e: unknown) => e instanceof ServiceNotRunningError && e.code === 'ECONNREFUSED');
  const server = await startControlServer(socket, { status: () => fakeStatus, reloadConfig: async () => ({ configVersion: 1 }) });
  t.after(() => server.close());
  assert.equal((await new ControlClient(socket).status()).configVersion, 7);
});

test('refuses to start when another server already answers on the socket', async (t) => {
  const socket = await tempSocket(t);
  const first = await startControlServer(socket, { status: () => fakeStatus, reloadConfig: async () => ({ configVersion: 1 }) });
  t.after(() => first.close());
  await assert.rejects(startControlServer(socket, { status: () => fakeStatus, reloadConfig: async () => ({ configVersion: 1 }) }), ControlSocketInUseError);
  assert.equal((await new ControlClient(socket).status()).configVersion, 7);
});

test('close removes the socket file', async (t) => {
  const socket = await tempSocket(t);
  const server = await startControlServer(socket, { status: () => fakeStatus, reloadConfig: async () => ({ configVersion: 1 }) });
  await server.close();
  await assert.rejects(stat(socket), { code: 'ENOENT' });
});
