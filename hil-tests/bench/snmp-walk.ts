// SNMP agent benchmark (issue 8): snmpbulkwalk (the net-snmp tool) of the whole HOTLINE-MIB
// subtree while the agent serves a busy appliance (500 active calls, 2,000 agents, from the
// synthetic snapshot: the ACD that will fill the agent table has not landed), v2c and v3
// authPriv, with the default and a larger max-repetitions; requests per second as the agent
// counted them. As a reference, Debian's snmpd is started on a free port with a temporary config
// and its HOST-RESOURCES-MIB subtree walked the same way on the same machine; the ratio of the
// two walk times is printed. Then "no PBX frame lateness caused by the walk": the card path's
// 20 ms frame lateness (bench:card, 120 ports, its own process as the analog gateway is) is
// measured alone and while full walks run back to back, in rounds, and both p50/p99
// and their ratio printed, once with the agent in this process (equal priority) and once with it
// in a process at the monitor's lower CPU priority (snmp-agent-process.ts), as the appliance runs
// it. Target: the full walk under 1 s. `npm run bench:snmp`.
// BENCH_LATENESS_SEC (default 10) and BENCH_LATENESS_ROUNDS (default 4) size the second part.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pino } from 'pino';
import { defaultConfig, snmpSettings } from '@hotline/appliance/config';
import { DEFAULT_MONITOR_NICE, SnmpAgent, hostResourcesMib, hotlineMib, syntheticSnapshot, systemGroup } from '@hotline/appliance/monitor';
import { authArgs, freeUdpPort, runTool, snmpToolsInstalled, startSnmpd, type SnmpAuth } from '../src/snmp-tools.ts';
import { measureFrameLateness, type FrameLateness } from '../src/card-lateness.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 500);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ENTERPRISE = '1.3.6.1.4.1.32473';
const HOST_RESOURCES = '1.3.6.1.2.1.25';
const TARGET_MS = 1000;
const LATENESS_SEC = Number(process.env.BENCH_LATENESS_SEC ?? 10);
const LATENESS_ROUNDS = Number(process.env.BENCH_LATENESS_ROUNDS ?? 4);

if (!snmpToolsInstalled()) {
  console.error('the net-snmp tools are missing: bash provisioning/scripts/bootstrap-host.sh test');
  process.exit(1);
}

interface WalkStats { varbinds: number; medianMs: number; minMs: number }

/** Walks `oid` RUNS times; the median and best time, and the varbinds returned. */
async function timeWalks(target: string, auth: SnmpAuth, oid: string, extra: string[] = []): Promise<WalkStats> {
  const times: number[] = [];
  let varbinds = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await runTool('snmpbulkwalk', [...authArgs(auth), '-On', '-t', '10', ...extra, target, oid]);
    if (r.status !== 0) throw new Error(`snmpbulkwalk ${oid} failed (${r.status}): ${r.stderr}`);
    times.push(r.ms);
    varbinds = r.stdout.split('\n').filter((l) => l.startsWith('.') && !l.includes('No more variables')).length;
  }
  times.sort((a, b) => a - b);
  return { varbinds, medianMs: times[Math.floor(times.length / 2)]!, minMs: times[0]! };
}

/** The agent of snmp-agent-process.ts on a free port, at the monitor's CPU priority. */
async function startNicedAgent(): Promise<{ target: string; stop(): Promise<void> }> {
  const agentPort = await freeUdpPort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'snmp-agent-process.ts')], {
    env: { ...process.env, BENCH_AGENT_PORT: String(agentPort), BENCH_CALLS: String(CALLS), BENCH_AGENTS: String(AGENTS) }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the bench agent process exited (${code}): ${out}`)));
  });
  return {
    target: `127.0.0.1:${agentPort}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const line = (label: string, s: WalkStats, extra = '') =>
  console.log(`${label.padEnd(44)} ${String(s.varbinds).padStart(6)} varbinds  median ${s.medianMs.toFixed(0).padStart(5)} ms  best ${s.minMs.toFixed(0).padStart(5)} ms  ${(s.varbinds / (s.medianMs / 1000)).toFixed(0).padStart(6)} varbinds/s${extra}`);

const port = await freeUdpPort();
const config = defaultConfig();
config.snmp = {
  port, bindAddress: '127.0.0.1',
  v2c: { enabled: true, community: 'bench-ro', allowedSources: ['127.0.0.1'] },
  v3Users: [{ name: 'bench', authKey: 'bench-auth-1', privKey: 'bench-priv-1' }],
};
const agent = await SnmpAgent.start(snmpSettings(config), pino({ level: 'warn' }));
const now = Date.now();
const snapshot = syntheticSnapshot({ calls: CALLS, agents: AGENTS }, now);
const sys = systemGroup();
const t0 = performance.now();
agent.update([
  { module: sys, data: sys.values({ descr: 'Hotline bench', name: 'bench', contact: '', location: '', agentStartedAt: now }, now) },
  { module: hostResourcesMib, data: hostResourcesMib.values(snapshot.host, now) },
  { module: hotlineMib, data: hotlineMib.values(snapshot, now) },
]);
const buildMs = performance.now() - t0;
const target = `127.0.0.1:${port}`;
const v2c: SnmpAuth = { version: 'v2c', community: 'bench-ro' };
const v3: SnmpAuth = { version: 'v3', user: 'bench', authKey: 'bench-auth-1', privKey: 'bench-priv-1' };

console.log(`SNMP walk benchmark: ${CALLS} active calls, ${AGENTS} agents, ${agent.instances} instances served (view built in ${buildMs.toFixed(0)} ms), ${RUNS} runs each`);
const results: Array<{ label: string; stats: WalkStats; requests: number }> = [];
for (const [label, auth, extra] of [
  ['hotline enterprise walk v2c (-Cr10, default)', v2c, []],
  ['hotline enterprise walk v2c (-Cr50)', v2c, ['-Cr50']],
  ['hotline enterprise walk v3 authPriv (-Cr10)', v3, []],
  ['hotline enterprise walk v3 authPriv (-Cr50)', v3, ['-Cr50']],
] as Array<[string, SnmpAuth, string[]]>) {
  const before = agent.counters.received;
  const stats = await timeWalks(target, auth, ENTERPRISE, extra);
  const requests = (agent.counters.received - before) / RUNS;
  results.push({ label, stats, requests });
  line(label, stats, `  ${(requests / (stats.medianMs / 1000)).toFixed(0)} requests/s`);
}
const ours = results[0]!.stats;

const snmpd = await startSnmpd('bench-ro');
let reference: WalkStats;
try {
  reference = await timeWalks(snmpd.target, { version: 'v2c', community: 'bench-ro' }, HOST_RESOURCES);
  line('snmpd HOST-RESOURCES-MIB walk v2c (-Cr10)', reference);
} finally {
  await snmpd.stop();
}

// Frame lateness of the card path alone, during walks of the agent in this process (same CPU
// priority as the card process), and during walks of the agent in a process of its own at the
// monitor's priority (lowerCpuPriority, as appliance/src/monitor/main.ts runs it) with the
// walker, which stands in for an NMS on another machine, as nice. Each round runs the three back
// to back, so a change in the other load on a shared machine shows up in all three columns.
console.log(`frame lateness (bench:card, 120 ports, EC off, ${LATENESS_SEC} s per run, ${LATENESS_ROUNDS} rounds): alone, during back-to-back full walks at equal priority, during walks of an agent at the monitor's priority (nice +${DEFAULT_MONITOR_NICE})`);
const niced = await startNicedAgent();
const runs = { alone: [] as FrameLateness[], equal: [] as FrameLateness[], niced: [] as FrameLateness[] };
let walks = 0;
/** Measures frame lateness while snmpbulkwalk walks `at` back to back (under `nice -n niceBy` when given). */
async function duringWalks(at: string, niceBy: number): Promise<FrameLateness> {
  let walking = true;
  const walker = (async () => {
    while (walking) {
      const args = [...authArgs(v2c), '-On', '-t', '10', at, ENTERPRISE];
      const r = niceBy > 0 ? await runTool('nice', ['-n', String(niceBy), 'snmpbulkwalk', ...args]) : await runTool('snmpbulkwalk', args);
      if (r.status !== 0) throw new Error(`snmpbulkwalk failed during the lateness run (${r.status}): ${r.stderr}`);
      walks++;
    }
  })();
  try {
    return await measureFrameLateness(LATENESS_SEC);
  } finally {
    walking = false;
    await walker;
  }
}
const fmt = (r: FrameLateness) => `p50 ${r.p50Ms.toFixed(2)} p99 ${r.p99Ms.toFixed(2)} max ${r.maxMs.toFixed(1)} ms missed ${r.missed}`;
try {
  for (let round = 1; round <= LATENESS_ROUNDS; round++) {
    runs.alone.push(await measureFrameLateness(LATENESS_SEC));
    runs.equal.push(await duringWalks(target, 0));
    runs.niced.push(await duringWalks(niced.target, DEFAULT_MONITOR_NICE));
    console.log(`  round ${round}: alone ${fmt(runs.alone.at(-1)!)} | equal priority ${fmt(runs.equal.at(-1)!)} | monitor priority ${fmt(runs.niced.at(-1)!)}`);
  }
} finally {
  await niced.stop();
}
await agent.close();
/** Median; the mean of the middle two for an even count. */
const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
};
const summary = (label: string, rs: FrameLateness[]) => {
  const p50 = median(rs.map((r) => r.p50Ms));
  const p99 = median(rs.map((r) => r.p99Ms));
  console.log(`${label.padEnd(44)} p50 ${p50.toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  missed ${rs.reduce((t, r) => t + r.missed, 0)}`);
  return { p50, p99 };
};
const base = summary('frame lateness alone (median of rounds)', runs.alone);
// Each round's runs are back to back, so the per-round ratio is the least disturbed by other load.
for (const [label, rs] of [['during walks, equal priority', runs.equal], ['during walks, agent at monitor priority', runs.niced]] as const) {
  const s = summary(label, rs);
  const perRound = rs.map((r, i) => r.p99Ms / runs.alone[i]!.p99Ms);
  console.log(`  ratio / alone: p50 ${(s.p50 / base.p50).toFixed(2)}x  p99 ${(s.p99 / base.p99).toFixed(2)}x (medians); p99 per round ${perRound.map((x) => `${x.toFixed(2)}x`).join(' ')}, median ${median(perRound).toFixed(2)}x`);
}
console.log(`(${walks} full walks during the lateness runs)`);

const ratio = ours.medianMs / reference.medianMs;
const perVarbind = (ours.medianMs / ours.varbinds) / (reference.medianMs / reference.varbinds);
console.log(`ratio hotline full walk / snmpd host-resources walk: ${ratio.toFixed(2)}x the time for ${(ours.varbinds / reference.varbinds).toFixed(1)}x the varbinds (${perVarbind.toFixed(2)}x the time per varbind)`);
console.log(`target full walk < ${TARGET_MS} ms (v2c, default max-repetitions): ${ours.medianMs < TARGET_MS ? 'met' : 'NOT met'} (${ours.medianMs.toFixed(0)} ms)`);
