// The net-snmp command-line tools as interop peers: snmpget/snmpbulkwalk against the agent,
// snmptrapd as the NMS's trap receiver (a subprocess on a free port, its output kept).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { REPO_ROOT } from './paths.ts';

/** The enterprise MIB's directory, as `-M +` takes it. */
export const MIB_DIR = join(REPO_ROOT, 'appliance/mibs');

/** Credentials of one SNMP request. */
export type SnmpAuth =
  | { version: 'v2c'; community: string }
  | { version: 'v3'; user: string; authProtocol?: string; authKey: string; privProtocol?: string; privKey: string };

/** The tools' arguments for `auth`. */
export function authArgs(auth: SnmpAuth): string[] {
  if (auth.version === 'v2c') return ['-v2c', '-c', auth.community];
  return ['-v3', '-l', 'authPriv', '-u', auth.user, '-a', auth.authProtocol ?? 'SHA-256', '-A', auth.authKey, '-x', auth.privProtocol ?? 'AES', '-X', auth.privKey];
}

/** Result of one tool run. */
export interface ToolResult { status: number | null; stdout: string; stderr: string; ms: number }

/** Runs an SNMP tool (snmpget, snmpbulkwalk...) to completion; async so the agent in this process keeps serving. */
export function runTool(tool: string, args: string[], timeoutMs = 60_000): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/** True when the net-snmp tools and smilint are installed (bootstrap-host.sh test installs them). */
export function snmpToolsInstalled(): boolean {
  return ['snmpget', 'snmpbulkwalk', 'snmptrapd'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
}

/** A free UDP port on 127.0.0.1. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A running snmptrapd. */
export interface Snmptrapd {
  port: number;
  /** Everything it logged so far (one trap per record, varbinds tab-separated). */
  output(): string;
  /** Waits until the output matches, or fails after `timeoutMs` with the output so far. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts snmptrapd in the foreground (-f), logging to stdout (-Lo), with only our config (-C -c):
 * v2c traps with `community` are logged, and v3 traps from `user` (created for `engineId`, the
 * agent's authoritative engine) when given. Its persistent state goes to a temp dir, apart from
 * the config file (snmptrapd rewrites snmptrapd.conf in its persistent dir).
 */
export async function startSnmptrapd(opts: { community: string; v3?: { engineId: string; user: string; authKey: string; privKey: string } }): Promise<Snmptrapd> {
  const dir = mkdtempSync(join(tmpdir(), 'hil-trapd-'));
  const persist = join(dir, 'persist');
  mkdirSync(persist);
  const lines = [`authCommunity log ${opts.community}`];
  // Traps: the agent is the authoritative engine, so the user is keyed by its engine ID. Informs:
  // snmptrapd is authoritative (RFC 3414 §1.5.1), so the same user also exists for its own engine.
  if (opts.v3) {
    lines.push(
      `createUser -e 0x${opts.v3.engineId} ${opts.v3.user} SHA-256 ${opts.v3.authKey} AES ${opts.v3.privKey}`,
      `createUser ${opts.v3.user} SHA-256 ${opts.v3.authKey} AES ${opts.v3.privKey}`,
      `authUser log ${opts.v3.user} priv`,
    );
  }
  const conf = join(dir, 'trapd.conf');
  writeFileSync(conf, lines.join('\n') + '\n');
  const port = await freeUdpPort();
  const child = spawn('snmptrapd', ['-f', '-Lo', '-C', '-c', conf, '-M', `+${MIB_DIR}`, '-m', 'HOTLINE-MIB', `udp:127.0.0.1:${port}`], {
    env: { ...process.env, SNMP_PERSISTENT_DIR: persist }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const trapd: Snmptrapd = {
    port,
    output: () => out,
    async waitFor(re, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = re.exec(out);
        if (m) return m[0];
        if (Date.now() > deadline) throw new Error(`snmptrapd did not log ${re} within ${timeoutMs} ms; it logged:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await trapd.waitFor(/NET-SNMP version/, 10_000);
  return trapd;
}

/** A running Debian snmpd (the reference agent), v2c read-only for 127.0.0.1. */
export interface Snmpd {
  port: number;
  /** `127.0.0.1:<port>`, as the tools take it. */
  target: string;
  /** SIGTERM, wait for the exit, remove its temp dir. */
  stop(): Promise<void>;
}

/**
 * Starts Debian's snmpd in the foreground with only a temporary config (`-C -c`): v2c read-only
 * with `community` from 127.0.0.1, on `port` or a free one, its persistent state in the temp dir.
 * Resolves once it answers sysUpTime.0.
 */
export async function startSnmpd(community: string, port?: number): Promise<Snmpd> {
  const dir = mkdtempSync(join(tmpdir(), 'hil-snmpd-'));
  mkdirSync(join(dir, 'persist'));
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(conf, `rocommunity ${community} 127.0.0.1\n`);
  const p = port ?? (await freeUdpPort());
  const child = spawn('snmpd', ['-f', '-Lo', '-C', '-c', conf, '-p', join(dir, 'snmpd.pid'), `udp:127.0.0.1:${p}`], {
    env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'persist') }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const target = `127.0.0.1:${p}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    const r = await runTool('snmpget', ['-v2c', '-c', community, '-t', '0.2', '-r', '0', target, '1.3.6.1.2.1.1.3.0']);
    if (r.status === 0) break;
    if (i >= 50 || child.exitCode !== null) {
      await stop();
      throw new Error(`snmpd did not answer on ${target}: ${stderr}`);
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  return { port: p, target, stop };
}
