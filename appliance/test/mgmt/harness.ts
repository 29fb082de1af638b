// In-process management app on an ephemeral port, with fakes for the PBX, host metrics and clock.
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore, defaultConfig } from '../../src/config/index.ts';
import { ServiceNotRunningError, type PbxStatus } from '../../src/control/index.ts';
import { openRecords, type RecordsDb, type UserRole } from '../../src/records/index.ts';
import { createMgmtApp } from '../../src/mgmt/app.ts';
import type { MgmtDeps, PbxControl } from '../../src/mgmt/deps.ts';
import type { AnalogControl } from '../../src/analog/analog-client.ts';
import type { AnalogStatus } from '../../src/analog/analog-status.ts';
import { attachLive, type LiveHub } from '../../src/mgmt/live.ts';
import { attachCti } from '../../src/mgmt/cti.ts';
import type { MgmtServices } from '../../src/mgmt/services.ts';
import { BackupService } from '../../src/backup/index.ts';
import { dataPaths } from '../../src/paths.ts';
import { systemClock } from '../../src/sip/clock.ts';

/** A PBX whose status the test sets and whose reloads it counts; `running: false` acts like a stopped PBX. */
export class FakePbx implements PbxControl {
  running = true;
  reloads = 0;
  state: PbxStatus = { startedAt: new Date(0).toISOString(), listening: [], registrations: [], activeCalls: [], counters: {}, configVersion: 1 };
  async status(): Promise<PbxStatus> {
    if (!this.running) throw new ServiceNotRunningError('/fake.sock', 'ENOENT');
    return structuredClone(this.state);
  }
  async reloadConfig(): Promise<{ configVersion: number }> {
    if (!this.running) throw new ServiceNotRunningError('/fake.sock', 'ENOENT');
    this.reloads++;
    return { configVersion: this.state.configVersion };
  }
  /** Control requests other than status and reload, in order; `answer` decides the reply (throw to refuse). */
  readonly requests: Array<{ method: string; path: string; body?: unknown }> = [];
  answer: (method: string, path: string, body?: unknown) => unknown = () => ({});
  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    if (!this.running) throw new ServiceNotRunningError('/fake.sock', 'ENOENT');
    this.requests.push({ method, path, ...(body !== undefined ? { body } : {}) });
    return this.answer(method, path, body) as T;
  }
  /** Followers of streaming routes; `push` delivers an event to them. */
  readonly followers: Array<{ path: string; onEvent(e: unknown): void; closed: boolean }> = [];
  follow(path: string, onEvent: (e: unknown) => void): { close(): void } {
    const f = { path, onEvent, closed: false };
    this.followers.push(f);
    return { close: () => { f.closed = true; } };
  }
  push(e: unknown): void {
    for (const f of this.followers) if (!f.closed) f.onEvent(e);
  }
}

/** An analog gateway whose status the test sets; `running: false` acts like a stopped gateway. */
export class FakeAnalog implements AnalogControl {
  running = true;
  reloads = 0;
  state: AnalogStatus = { startedAt: new Date(0).toISOString(), configVersion: 1, card: { state: 'none', since: new Date(0).toISOString() }, ports: [], registrations: [], calls: [], alarms: [] };
  async status(): Promise<AnalogStatus> {
    if (!this.running) throw new ServiceNotRunningError('/fake-analog.sock', 'ENOENT', 'analog gateway');
    return structuredClone(this.state);
  }
  async reloadConfig(): Promise<{ configVersion: number }> {
    if (!this.running) throw new ServiceNotRunningError('/fake-analog.sock', 'ENOENT', 'analog gateway');
    this.reloads++;
    return { configVersion: this.state.configVersion };
  }
}

/** Strong enough for the policy; used for every seeded account. */
export const GOOD_PASSWORD = 'Correct-Horse-9';

/** One running app. */
export interface Harness {
  base: string;
  port: number;
  pbx: FakePbx;
  analog: FakeAnalog;
  config: ConfigStore;
  records: RecordsDb;
  services: MgmtServices;
  live: LiveHub;
  server: Server;
  clock: { now: number };
  dir: string;
}

/** Starts the app in a temp data dir; everything is torn down by `t.after`. */
export async function startHarness(t: { after(fn: () => unknown): void }, opts: { livePollMs?: number; livePingMs?: number; deps?: Partial<MgmtDeps>; backups?: boolean } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-mgmt-'));
  const clock = { now: Date.parse('2025-03-01T08:00:00Z') };
  const initial = defaultConfig();
  initial.extensions = [{ number: '1001', name: 'Agent 1001', secret: 'secret-1001', maxContacts: 5, callWaiting: false }];
  const config = await ConfigStore.open({ config: join(dir, 'config.json'), configHistory: join(dir, 'config-history') }, { initial: { config: initial, meta: { author: 'test', comment: 'seed' } } });
  const records = openRecords(join(dir, 'records.db'));
  const pbx = new FakePbx();
  const analog = new FakeAnalog();
  // Backups on the temp data dir, with the harness clock (the scheduler is never started here).
  const backups = opts.backups ? new BackupService({ paths: dataPaths(dir), records, productVersion: '0.1.0-test', config, clock: { now: () => clock.now, setTimer: systemClock.setTimer } }) : undefined;
  const { app, services } = createMgmtApp({
    config,
    records,
    backups,
    pbx,
    analog,
    system: { snapshot: async () => ({ hostname: 'test-box', uptimeSec: 42, cpu: { loadPercent: 3.5, cores: 2 }, memory: { totalBytes: 1000, usedBytes: 400 }, disks: [{ mount: '/', totalBytes: 100, usedBytes: 10 }] }) },
    now: () => clock.now,
    version: '0.1.0-test',
    scrypt: { N: 1024, r: 8, p: 1 },
    tlsDir: join(dir, 'tls'),
    livePollMs: opts.livePollMs ?? 50,
    livePingMs: opts.livePingMs ?? 60_000,
    inspectionsDir: join(dir, 'inspections'),
    promptsDir: join(dir, 'prompts'),
    ...opts.deps,
  });
  const server = createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const live = attachLive([server], services);
  const cti = attachCti([server], services);
  const port = (server.address() as AddressInfo).port;
  t.after(async () => {
    live.close();
    cti.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    records.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { base: `http://127.0.0.1:${port}`, port, pbx, analog, config, records, services, live, server, clock, dir };
}

/** A signed-in client: the cookie and CSRF token of one session. */
export interface Client {
  cookie: string;
  csrf: string;
}

/** Creates an account directly in the store (no forced password change unless asked). */
export async function seedUser(h: Harness, username: string, role: UserRole, mustChangePassword = false): Promise<void> {
  await h.services.accounts.create({ username, role, password: GOOD_PASSWORD, mustChangePassword });
}

/** Options of one request. */
export interface Req {
  client?: Client;
  body?: unknown;
  /** Send no X-CSRF-Token even with a client. */
  noCsrf?: boolean;
  csrf?: string;
  headers?: Record<string, string>;
}

/** One HTTP request; returns status, parsed JSON (or text) and headers. */
export async function call(h: Harness, method: string, path: string, r: Req = {}): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (r.client) headers.cookie = r.client.cookie;
  if (r.client && !r.noCsrf) headers['x-csrf-token'] = r.csrf ?? r.client.csrf;
  if (r.csrf !== undefined) headers['x-csrf-token'] = r.csrf;
  let body: string | undefined;
  if (r.body !== undefined) {
    body = JSON.stringify(r.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(h.base + path, { method, headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Logs in through the API and returns the session. Throws when the login fails. */
export async function login(h: Harness, username: string, password = GOOD_PASSWORD, headers: Record<string, string> = {}): Promise<Client> {
  const res = await fetch(h.base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) });
  const json = (await res.json()) as any;
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(json)}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return { cookie, csrf: json.csrfToken };
}

/** A session minted directly (no scrypt cost), for tests that need many. */
export function mint(h: Harness, username: string): Client {
  const s = h.services.sessions.create(username, '127.0.0.1');
  return { cookie: `hotline_session=${s.id}`, csrf: s.csrfToken };
}
