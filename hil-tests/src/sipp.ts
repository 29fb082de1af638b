// Runs sipp (Debian package sip-tester) as a child process and reads back what it
// did. Every run gets its own temp dir as working directory, so the trace files sipp
// names after the scenario (`<scenario>_<pid>_rtt.csv` ...) cannot collide, and
// always a `-timeout`, so a peer that never answers ends the test instead of hanging it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the XML scenarios shipped with the hil-tests. */
export const SCENARIO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../scenarios');

/** Path of a scenario in {@link SCENARIO_DIR}, e.g. `scenario('uac-call')`. */
export function scenario(name: string): string {
  return join(SCENARIO_DIR, name.endsWith('.xml') ? name : `${name}.xml`);
}

/** Counters read from sipp's `-trace_stat` file (cumulative columns). */
export interface SippStats {
  successful: number;
  failed: number;
  retransmissions: number;
  outgoing: number;
  incoming: number;
  timeoutOnRecv: number;
  unexpectedMessage: number;
}

/** The outcome of one sipp run. */
export interface SippResult {
  /** sipp's exit code: 0 all calls succeeded, 1 some failed, 97/99 other ends, 255/254 fatal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stats: SippStats;
  /** Content of the `-trace_err` log (unexpected messages, timeouts). */
  errors: string;
  /** Response times in ms from `-trace_rtt` (one per call and `rtd` timer). */
  rttMs: number[];
  /** sipp's own stdout/stderr, for failure messages. */
  output: string;
  /** The working directory holding all trace files. */
  dir: string;
}

/** Options of {@link startSipp} / {@link runSipp}. */
export interface SippOptions {
  /** Scenario XML path, or a built-in name via `builtin` instead. */
  scenarioFile?: string;
  /** Built-in scenario name for `-sn` (`uac`, `uas`). */
  builtin?: string;
  /** `host:port` of the remote side; omitted for a pure UAS. */
  remote?: string;
  /** Local SIP port (`-p`). */
  localPort?: number;
  /** Local IP (`-i`), also used in Via/Contact. */
  localIp?: string;
  /** Request-URI user (`-s`). */
  service?: string;
  /** Digest credentials (`-au`, `-ap`). */
  auth?: { username: string; password: string };
  /**
   * Digest uri for `[authentication]` (`-auth_uri`, without `sip:`). sipp's default is
   * `remote_ip:remote_port`, which is right for REGISTER but not for an INVITE whose
   * Request-URI has a user part: RFC 3261 §22.4 has the digest uri equal the Request-URI.
   */
  authUri?: string;
  /** Number of calls before sipp exits (`-m`); 1 by default, 0 for no limit. */
  calls?: number;
  /** Call rate per second (`-r`) and concurrency cap (`-l`). */
  rate?: number;
  limit?: number;
  /** Global variables for `-set name value`; the scenario must declare them in `<Global>`. */
  vars?: Record<string, string | number>;
  /** Hard stop in seconds (`-timeout`); 30 by default. */
  timeoutSec?: number;
  /** Transport (`-t`): `u1` (UDP, one socket) by default, `t1` for TCP. */
  transport?: 'u1' | 'un' | 't1' | 'tn';
  /** Record every response time for `rtd` timers (`-trace_rtt -rtt_freq 1`). */
  traceRtt?: boolean;
  /** Record sent/received messages (`-trace_msg`), for debugging. */
  traceMsg?: boolean;
  /** Extra raw arguments. */
  extraArgs?: string[];
  /** Files written into sipp's working dir before it starts, e.g. `{ 'tone.pcap': buildToneRtpPcap() }`. */
  files?: Record<string, Buffer>;
  /** Keep sipp's working dir (traces) after a successful run; a failed run always keeps it. */
  keepDir?: boolean;
  /** Do not throw when sipp reports failed calls (the test asserts the outcome itself). */
  allowFailure?: boolean;
}

/** A running sipp; `done` settles when it exits. */
export interface SippProcess {
  readonly child: ChildProcess;
  readonly done: Promise<SippResult>;
  /** Ends sipp (SIGUSR1 would wait for calls; SIGTERM is immediate) and waits for the result. */
  stop(): Promise<SippResult>;
}

/** Raised when sipp ends with failed calls or a fatal error and `allowFailure` was not set. */
export class SippError extends Error {
  /** The full result, for assertions in the test that caught it. */
  readonly result: SippResult;
  constructor(message: string, result: SippResult) {
    super(message);
    this.name = 'SippError';
    this.result = result;
  }
}

/** Builds sipp's argument list from options; exported for tests of the harness itself. */
export function sippArgs(o: SippOptions): string[] {
  const a: string[] = [];
  if (o.remote) a.push(o.remote);
  if (o.scenarioFile) a.push('-sf', o.scenarioFile);
  else if (o.builtin) a.push('-sn', o.builtin);
  else throw new Error('sipp needs scenarioFile or builtin');
  if (o.localPort !== undefined) a.push('-p', String(o.localPort));
  a.push('-i', o.localIp ?? '127.0.0.1');
  if (o.service) a.push('-s', o.service);
  if (o.auth) a.push('-au', o.auth.username, '-ap', o.auth.password);
  if (o.authUri) a.push('-auth_uri', o.authUri);
  if ((o.calls ?? 1) > 0) a.push('-m', String(o.calls ?? 1));
  if (o.rate !== undefined) a.push('-r', String(o.rate));
  if (o.limit !== undefined) a.push('-l', String(o.limit));
  for (const [k, v] of Object.entries(o.vars ?? {})) a.push('-set', k, String(v));
  a.push('-t', o.transport ?? 'u1');
  a.push('-timeout', `${o.timeoutSec ?? 30}s`, '-timeout_error');
  a.push('-nostdin', '-trace_err', '-error_file', 'errors.log');
  a.push('-trace_stat', '-stf', 'stats.csv', '-fd', '1');
  a.push('-trace_screen', '-screen_file', 'screen.log');
  if (o.traceRtt) a.push('-trace_rtt', '-rtt_freq', '1');
  if (o.traceMsg) a.push('-trace_msg', '-message_file', 'messages.log');
  a.push(...(o.extraArgs ?? []));
  return a;
}

/** Parses the last row of a `-trace_stat` CSV (semicolon separated) into counters. */
export function parseSippStats(csv: string): SippStats {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const zero: SippStats = {
    successful: 0, failed: 0, retransmissions: 0, outgoing: 0, incoming: 0, timeoutOnRecv: 0, unexpectedMessage: 0,
  };
  if (lines.length < 2) return zero;
  const header = lines[0].split(';');
  const last = lines[lines.length - 1].split(';');
  const col = (name: string) => {
    const i = header.indexOf(name);
    return i < 0 ? 0 : Number(last[i]) || 0;
  };
  return {
    successful: col('SuccessfulCall(C)'),
    failed: col('FailedCall(C)'),
    retransmissions: col('Retransmissions(C)'),
    outgoing: col('OutgoingCall(C)'),
    incoming: col('IncomingCall(C)'),
    timeoutOnRecv: col('FailedTimeoutOnRecv(C)'),
    unexpectedMessage: col('FailedUnexpectedMessage(C)'),
  };
}

/** Parses `-trace_rtt` files: a header `Date_ms;response_time_ms;rtd_no`, then one row per measure. */
export function parseSippRtt(csv: string): number[] {
  const out: number[] = [];
  for (const line of csv.split('\n')) {
    const cells = line.split(';');
    if (cells.length < 3 || cells[1].trim() === '') continue;
    const v = Number(cells[1]);
    if (Number.isFinite(v)) out.push(v);
  }
  return out;
}

function readIf(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** Starts sipp in the background (for a UAS that must be listening before the UAC dials). */
export function startSipp(opts: SippOptions): SippProcess {
  const dir = mkdtempSync(join(tmpdir(), 'hil-sipp-'));
  const args = sippArgs(opts);
  for (const [name, data] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), data);
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // sipp redraws its screen on stdout; keep only the tail for messages.
  const keep = (d: Buffer) => {
    output = (output + d.toString('latin1')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const done = new Promise<SippResult>((resolveDone, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const rtt = readdirSync(dir)
        .filter((f) => f.endsWith('_rtt.csv'))
        .flatMap((f) => parseSippRtt(readFileSync(join(dir, f), 'utf8')));
      const result: SippResult = {
        code, signal, dir, output,
        stats: parseSippStats(readIf(join(dir, 'stats.csv'))),
        errors: readIf(join(dir, 'errors.log')),
        rttMs: rtt,
      };
      if (!opts.allowFailure && signal === null && code !== 0) {
        const what = opts.scenarioFile ?? opts.builtin;
        reject(new SippError(
          `sipp ${what} exited ${code}: ${result.stats.failed} failed, ${result.stats.successful} ok (traces in ${dir})\n` +
            `args: sipp ${args.join(' ')}\n--- errors.log ---\n${result.errors.slice(-4000)}\n--- output ---\n${output.slice(-3000)}`,
          result,
        ));
        return;
      }
      if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
      resolveDone(result);
    });
  });
  // A UAS stopped by the test rejects nothing; attach a no-op so an unobserved
  // rejection is not fatal before the caller awaits it.
  done.catch(() => {});
  return {
    child,
    done,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return done;
    },
  };
}

/** Runs sipp to completion; throws {@link SippError} with the error log when calls failed. */
export async function runSipp(opts: SippOptions): Promise<SippResult> {
  return startSipp(opts).done;
}

/**
 * Waits until something has bound UDP `port` on `host` (a freshly spawned sipp UAS),
 * found by trying to bind it ourselves: EADDRINUSE means the peer is listening.
 */
export async function waitForUdpBound(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const inUse = await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(true));
      s.bind(port, host, () => s.close(() => resolve(false)));
    });
    if (inUse) return;
    if (Date.now() > deadline) throw new Error(`nothing bound udp ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits until something listens on TCP `port` on `host` (a sipp started with `-t t1`), found by
 * trying to listen there: EADDRINUSE means it is up. No connection is made, so the peer never
 * sees a stray one.
 */
export async function waitForTcpListening(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const inUse = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(true));
      srv.listen(port, host, () => srv.close(() => resolve(false)));
    });
    if (inUse) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on tcp ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
