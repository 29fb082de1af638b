import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigStore, defaultConfig } from '../../src/config/index.ts';
import { startControlServer, type PbxStatus } from '../../src/control/index.ts';
import { CdrStore, openRecords, type CallRecord } from '../../src/records/index.ts';
import { dataPaths } from '../../src/paths.ts';
import { displayWidth } from '../../src/cli/table.ts';

const repo = resolve(import.meta.dirname, '../../..');
const mainTs = join(repo, 'appliance/src/cli/main.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, asynchronously so in-test servers keep answering. */
function cli(dataDir: string, ...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', mainTs, '--data-dir', dataDir, ...args], { cwd: repo, env: { ...process.env, TZ: 'UTC' } }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function tempDir(t: { after(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('extension add, list (table and JSON without secrets), passwd and remove, each saved as a version', async (t) => {
  const dir = await tempDir(t);
  let r = await cli(dir, 'extension', 'add', '1001', '--secret', 'abcdefgh', '--name', '座席 1001 / Agent 1001');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Extension 1001 added \(configuration version 2\)/);
  assert.match(r.stdout, /PBX is not running; version 2 is saved and applies at next start/);
  assert.equal(r.stderr, '');
  r = await cli(dir, 'extension', 'add', '1002', '--secret', 'abcdefgh', '--max-contacts', '3', '--call-waiting');
  assert.equal(r.code, 0, r.stderr);

  r = await cli(dir, 'extension', 'list');
  assert.equal(r.code, 0);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^Number\/号码 +Name\/名称 +Max contacts/);
  assert.match(lines[2], /^1001 +座席 1001 \/ Agent 1001 +5 +no/);
  assert.match(lines[3], /^1002 +3 +yes/);
  // Columns line up by display width: 'Name/名称' starts where the names start.
  assert.equal(displayWidth(lines[0].slice(0, lines[0].indexOf('Name'))), displayWidth(lines[2].slice(0, lines[2].indexOf('座席'))));
  assert.doesNotMatch(r.stdout, /abcdefgh/);

  r = await cli(dir, 'extension', 'list', '--json');
  assert.deepEqual(JSON.parse(r.stdout), [
    { number: '1001', maxContacts: 5, callWaiting: false, name: '座席 1001 / Agent 1001' },
    { number: '1002', maxContacts: 3, callWaiting: true },
  ]);

  r = await cli(dir, 'extension', 'passwd', '1001', '--secret', 'n3wsecret!');
  assert.equal(r.code, 0, r.stderr);
  r = await cli(dir, 'extension', 'remove', '1002');
  assert.equal(r.code, 0, r.stderr);

  const store = await ConfigStore.open(dataPaths(dir));
  assert.deepEqual(store.current.extensions.map((e) => [e.number, e.secret]), [['1001', 'n3wsecret!']]);
  const hist = await store.history();
  assert.deepEqual(hist.map((h) => h.comment), ['default configuration', 'extension add 1001', 'extension add 1002', 'extension passwd 1001', 'extension remove 1002']);
  assert.ok(hist.slice(1).every((h) => /^cli:/.test(h.author)));
});

test('bad input prints one line on stderr, exits 2 and writes nothing', async (t) => {
  const dir = await tempDir(t);
  assert.equal((await cli(dir, 'extension', 'add', '1001', '--secret', 'abcdefgh')).code, 0);
  const before = await readFile(dataPaths(dir).config, 'utf8');
  const cases: string[][] = [
    ['extension', 'add', '1001', '--secret', 'abcdefgh'], // duplicate
    ['extension', 'add', '1002', '--secret', 'short'],
    ['extension', 'add', '1002'], // no secret
    ['extension', 'add', 'x1', '--secret', 'abcdefgh'],
    ['extension', 'add', '1002', '--secret', 'abcdefgh', '--max-contacts', '50'], // refused by the schema
    ['extension', 'add', '1002', '--secret', 'abcdefgh', '--colour', 'red'],
    ['extension', 'remove', '9999'],
    ['extension', 'frobnicate'],
    ['nonsense'],
  ];
  for (const args of cases) {
    const r = await cli(dir, ...args);
    assert.equal(r.code, 2, `${args.join(' ')} => ${r.code} ${r.stderr}`);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: /);
  }
  const schema = await cli(dir, 'extension', 'add', '1002', '--secret', 'abcdefgh', '--max-contacts', '50');
  assert.match(schema.stderr, /\/extensions\/1\/maxContacts: must be <= 20/);
  assert.equal(await readFile(dataPaths(dir).config, 'utf8'), before);
  assert.equal((await (await ConfigStore.open(dataPaths(dir))).history()).length, 2);
});

test('config validate lists every error with its path and exits 1; a valid file exits 0', async (t) => {
  const dir = await tempDir(t);
  const bad = join(dir, 'bad.json');
  const doc = defaultConfig() as any;
  doc.extensions = [{ number: '1', secret: 'x' }];
  doc.rtp.portMin = 30000;
  await writeFile(bad, JSON.stringify(doc));
  let r = await cli(dir, 'config', 'validate', bad);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /3 errors/);
  assert.match(r.stdout, /^ {2}\/extensions\/0\/number: must be 2 to 8 digits$/m);
  assert.match(r.stdout, /^ {2}\/extensions\/0\/secret: must NOT have fewer than 8 characters$/m);
  assert.match(r.stdout, /^ {2}\/rtp\/portMin: must be lower than \/rtp\/portMax \(20000\)$/m);

  const good = join(dir, 'good.json');
  await writeFile(good, JSON.stringify(defaultConfig()));
  r = await cli(dir, 'config', 'validate', good);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /valid/);

  await writeFile(bad, '{ nope');
  assert.equal((await cli(dir, 'config', 'validate', bad)).code, 1);
  assert.equal((await cli(dir, 'config', 'validate', join(dir, 'missing.json'))).code, 2);
});

test('config history, diff, rollback and show', async (t) => {
  const dir = await tempDir(t);
  await cli(dir, 'extension', 'add', '1001', '--secret', 'abcdefgh');
  await cli(dir, 'extension', 'add', '1002', '--secret', 'abcdefgh');

  let r = await cli(dir, 'config', 'history');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Version\/版本 +Saved\/时间 +Author\/作者 +Comment\/说明 +SHA-256$/m);
  assert.match(r.stdout, /^3 \* +\S+ \S+ +cli:\S+ +extension add 1002 +[0-9a-f]{12}$/m);

  r = await cli(dir, 'config', 'diff', '2', '3');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^\+ +"number": "1002",$/m);
  assert.match(r.stdout, /"secret": "\*{8}"/);
  assert.doesNotMatch(r.stdout, /abcdefgh/);
  assert.match((await cli(dir, 'config', 'diff', '2', '3', '--show-secrets')).stdout, /"secret": "abcdefgh"/);

  r = await cli(dir, 'config', 'rollback', '1', '--comment', 'back to empty');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /content of version 1, saved as version 4/);
  r = await cli(dir, 'config', 'show');
  assert.deepEqual(JSON.parse(r.stdout).extensions, []);
  r = await cli(dir, 'config', 'show', '--version', '3');
  assert.deepEqual(JSON.parse(r.stdout).extensions.map((e: any) => e.secret), ['********', '********']);

  assert.equal((await cli(dir, 'config', 'rollback', '42')).code, 2);
  assert.equal((await cli(dir, 'config', 'diff', '1', 'x')).code, 2);
});

test('cdr list shows records newest first, filters, and prints JSON', async (t) => {
  const dir = await tempDir(t);
  let r = await cli(dir, 'cdr', 'list');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /No call records/);

  const db = openRecords(dataPaths(dir).records);
  const base: CallRecord = { callId: 'a', caller: '1001', callee: '1002', startedAt: Date.UTC(2024, 4, 1, 8, 0, 0), answeredAt: Date.UTC(2024, 4, 1, 8, 0, 5), endedAt: Date.UTC(2024, 4, 1, 8, 1, 5), disposition: 'answered', durationSec: 65, billableSec: 60, sipCode: 200, sipReason: 'OK', hangupSide: 'caller' };
  const cdr = new CdrStore(db);
  cdr.insert(base);
  cdr.insert({ ...base, callId: 'b', caller: '1003', startedAt: Date.UTC(2024, 4, 2, 9, 0, 0), answeredAt: null, endedAt: Date.UTC(2024, 4, 2, 9, 0, 30), disposition: 'no-answer', durationSec: 30, billableSec: 0, sipCode: 480, sipReason: 'Temporarily Unavailable', hangupSide: 'system' });
  cdr.insert({ ...base, callId: 'recent', startedAt: Date.now() - 60_000, endedAt: Date.now() - 30_000 });
  db.close();

  r = await cli(dir, 'cdr', 'list');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^Start\/开始 +Caller\/主叫 +Callee\/被叫 +Result\/结果/);
  assert.match(lines[3], /^2024-05-02 09:00:00 +1003 +1002 +no-answer +0:30 +0:00 +480 Temporarily Unavailable +system$/);
  assert.match(lines[4], /^2024-05-01 08:00:00 +1001 +1002 +answered +1:05 +1:00 +200 OK +caller$/);

  r = await cli(dir, 'cdr', 'list', '--json', '--since', '2024-05-02', '--until', '2024-05-03');
  assert.deepEqual(JSON.parse(r.stdout).map((x: any) => x.callId), ['b']);
  r = await cli(dir, 'cdr', 'list', '--json', '--since', '1h');
  assert.deepEqual(JSON.parse(r.stdout).map((x: any) => x.callId), ['recent']);
  r = await cli(dir, 'cdr', 'list', '--json', '--caller', '1001', '--limit', '1');
  assert.deepEqual(JSON.parse(r.stdout).map((x: any) => x.callId), ['recent']);
  assert.equal((await cli(dir, 'cdr', 'list', '--limit', '0')).code, 2);
});

test('status prints listeners, registrations and calls from a running PBX, and exits 3 when none runs', async (t) => {
  const dir = await tempDir(t);
  let r = await cli(dir, 'status');
  assert.equal(r.code, 3);
  assert.match(r.stderr, /PBX is not running/);

  const status: PbxStatus = {
    startedAt: '2024-05-01T08:00:00.000Z',
    listening: [
      { transport: 'udp', address: '0.0.0.0', port: 5060 },
      { transport: 'tcp', address: '0.0.0.0', port: 5060 },
    ],
    registrations: [{ extension: '1001', contact: 'sip:1001@10.0.0.5:5062', source: '10.0.0.5:5062', transport: 'udp', expiresAt: '2024-05-01T08:10:00.000Z', userAgent: 'Yealink T46U' }],
    activeCalls: [{ callId: 'call-1', caller: '1001', callee: '2000', state: 'answered', startedAt: '2024-05-01T08:05:00.000Z', answeredAt: '2024-05-01T08:05:04.000Z' }],
    counters: { callsStarted: 12 },
    configVersion: 4,
  };
  let reloads = 0;
  const server = await startControlServer(dataPaths(dir).pbxControlSocket, { status: () => status, reloadConfig: async () => ({ configVersion: 40 + ++reloads }) });
  t.after(() => server.close());

  r = await cli(dir, 'status');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /PBX running since 2024-05-01 08:00:00, configuration version 4/);
  assert.match(r.stdout, /^udp +0\.0\.0\.0 +5060$/m);
  assert.match(r.stdout, /^1001 +sip:1001@10\.0\.0\.5:5062 +10\.0\.0\.5:5062 +udp +2024-05-01 08:10:00 +Yealink T46U$/m);
  assert.match(r.stdout, /^1001 +2000 +answered +2024-05-01 08:05:00 +2024-05-01 08:05:04 +call-1$/m);
  assert.match(r.stdout, /^callsStarted +12$/m);
  r = await cli(dir, 'status', '--json');
  assert.deepEqual(JSON.parse(r.stdout), status);

  // With the PBX up, a change is followed by a reload request.
  r = await cli(dir, 'extension', 'add', '1001', '--secret', 'abcdefgh');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /PBX reloaded; it now runs configuration version 41/);
  assert.equal(reloads, 1);
});

test('--help works for the CLI and each command group', async (t) => {
  const dir = await tempDir(t);
  const main = await cli(dir, '--help');
  assert.equal(main.code, 0);
  assert.match(main.stdout, /Usage: hotline \[--data-dir <dir>\] <command>/);
  for (const [group, needle] of [['extension', /passwd <number> --secret/], ['status', /Exit code 3/], ['cdr', /--since/], ['config', /rollback <version>/]] as const) {
    const r = await cli(dir, group, '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, needle);
  }
  assert.equal((await cli(dir)).code, 2, 'no command at all is bad input');
});

test('ports: the card and its ports from the running analog gateway, alarms after them; exit 3 when it is not running', async (t) => {
  const dir = await tempDir(t);
  assert.equal((await cli(dir, 'ports')).code, 3);
  const paths = dataPaths(dir);
  const store = await ConfigStore.open(paths);
  await store.update((c) => {
    c.extensions.push({ number: '8001', secret: 'secret-8001', maxContacts: 1, callWaiting: false });
    c.analog = { cards: [{ name: 'sim1', driver: 'simulator', ports: [{ port: 1, kind: 'FXS', extension: '8001' }, { port: 2, kind: 'FXO', group: 'pstn' }] }], lineGroups: [{ name: 'pstn' }] };
  }, { author: 'test', comment: 'card' });
  const { AnalogService } = await import('../../src/analog/analog-service.ts');
  const service = await AnalogService.start({
    paths, env: {},
    gateway: async (opened) => ({
      status: () => ({
        ports: opened.card.ports.map((p) => ({ port: p.port, kind: p.kind, card: 'sim1', ...(p.kind === 'FXS' ? { extension: '8001' } : { group: 'pstn' }), state: 'idle', since: '2025-03-01T08:00:00.000Z' })),
        registrations: [], calls: [],
      }),
      applyConfig() {}, async stop() {},
    }),
  });
  t.after(() => service.stop());
  const run = await cli(dir, 'ports');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Card\/板卡: open \/ 正常 \(simulator\)/);
  assert.match(run.stdout, /1\s+FXS\s+sim1\s+8001\s+idle/);
  assert.match(run.stdout, /2\s+FXO\s+sim1\s+pstn\s+idle/);
  const json = JSON.parse((await cli(dir, 'ports', '--json')).stdout) as { card: { state: string }; ports: unknown[] };
  assert.equal(json.card.state, 'open');
  assert.equal(json.ports.length, 2);
});
