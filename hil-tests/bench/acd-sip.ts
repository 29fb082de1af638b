// Calls entering ACD queues over SIP end to end (issue 6, second benchmark target): sipp
// callers on a trunk at BENCH_CPS calls per second (default 100) into two queues, the PBX
// answers, queues them with music on hold, offers them to agents (CTI event, then INVITE),
// sipp agents' phones answer at once; the caller hangs up BENCH_HOLD_MS after the PBX's answer.
// A call is failed when sipp reports it failed or the caller left before an agent answered
// (abandoned). `npm run bench:acd-sip`; BENCH_QUICK=1 for a smoke run.
import { join } from 'node:path';
import { ControlClient } from '@hotline/appliance/control';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound, type SippProcess } from '../src/sipp.ts';
import { startPbx } from '../src/pbx.ts';

const quick = process.env.BENCH_QUICK === '1';
const CPS = Number(process.env.BENCH_CPS ?? 100);
const SECONDS = quick ? 5 : Number(process.env.BENCH_SECONDS ?? 30);
const HOLD_MS = Number(process.env.BENCH_HOLD_MS ?? 2500);
/** Enough agents that each answers a call every ~2 s at the target rate (talk ≈ HOLD_MS minus the wait). */
const AGENTS = Number(process.env.BENCH_AGENTS ?? Math.ceil((CPS * (HOLD_MS + 500)) / 1000));
const AGENT_PHONES = 4;
const QUEUES = ['repair', 'billing'];

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const callerPorts = [await freePort(), await freePort()];
const extensions = Array.from({ length: AGENTS }, (_, i) => ({ number: String(30000 + i), secret: `bench-agent-${i}`, callWaiting: true }));
const pbx = await startPbx({
  extensions, authFailureLimit: 1000, mediaTimeoutSec: 60,
  trunks: callerPorts.map((port, i) => ({ name: `callers${i}`, host: '127.0.0.1', port })),
  configure: (d) => {
    d.acd = {
      queues: QUEUES.map((name) => ({ name, wrapUpSec: 0, ringTimeoutSec: 10, announcePositionSec: 0 })),
      agents: extensions.map((e, i) => ({ number: String(8000 + i), queues: [{ queue: QUEUES[i % 2]! }, { queue: QUEUES[(i + 1) % 2]!, penalty: 1 }] })),
    };
    d.routes = { inbound: QUEUES.map((q, i) => ({ name: q, did: `9550${i}`, destination: { kind: 'queue' as const, name: q } })) };
  },
});
const control = new ControlClient(join(pbx.dataDir, 'run', 'pbx.sock'), 10_000);
const phones: SippProcess[] = [];
try {
  // A few sipp processes play every agent's phone: each answers whatever INVITE reaches its port.
  const phonePorts: number[] = [];
  for (let i = 0; i < AGENT_PHONES; i++) {
    const port = await freePort();
    phonePorts.push(port);
    phones.push(startSipp({ scenarioFile: scenario('bench-uas'), localPort: port, calls: 0, timeoutSec: SECONDS + 300, allowFailure: true, vars: { rtp_port: (await freeUdpPorts(1))[0]! } }));
    await waitForUdpBound(port);
  }
  console.log(`registering ${AGENTS} agent phones on ${AGENT_PHONES} sipp processes…`);
  for (let i = 0; i < extensions.length; i += 20) {
    await Promise.all(extensions.slice(i, i + 20).map((e, j) => runSipp({
      scenarioFile: scenario('register'), remote: `127.0.0.1:${pbx.sipPort}`, service: e.number, auth: { username: e.number, password: e.secret },
      vars: { contact_port: phonePorts[(i + j) % AGENT_PHONES]!, expires: 3600 }, timeoutSec: 20,
    })));
  }
  for (let i = 0; i < AGENTS; i++) await control.call('POST', '/v1/acd/agent', { agent: String(8000 + i), action: 'login', extension: extensions[i]!.number });

  // The PBX's own view: CallAnswered (with the caller's wait) and CallEnded (abandoned) from the CTI stream.
  const waits: number[] = [];
  let offered = 0;
  let abandoned = 0;
  const stream = control.follow('/v1/cti/events', (e) => {
    const ev = e as { type: string; waitMs?: number; outcome?: string };
    if (ev.type === 'CallOffered') offered++;
    else if (ev.type === 'CallAnswered') waits.push(ev.waitMs ?? 0);
    else if (ev.type === 'CallEnded' && ev.outcome === 'abandoned') abandoned++;
  }, () => undefined);

  const calls = CPS * SECONDS;
  console.log(`${calls} calls at ${CPS} cps into ${QUEUES.length} queues, ${AGENTS} agents, callers stay ${HOLD_MS} ms`);
  const started = Date.now();
  const callers = await Promise.all(QUEUES.map(async (_, i) => runSipp({
    scenarioFile: scenario('bench-acd-caller'), remote: `127.0.0.1:${pbx.sipPort}`, service: `9550${i}`,
    localPort: callerPorts[i], calls: calls / QUEUES.length, rate: CPS / QUEUES.length, limit: CPS * 10,
    timeoutSec: SECONDS + 120, traceRtt: true, allowFailure: true, vars: { caller: `1380000000${i}`, rtp_port: 4000 + i * 2 },
    extraArgs: ['-d', String(HOLD_MS)],
  })));
  const elapsed = (Date.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 1500));
  stream.close();
  const status = await pbx.status();
  const ok = callers.reduce((n, r) => n + r.stats.successful, 0);
  const sippFailed = callers.reduce((n, r) => n + r.stats.failed, 0) + (calls - callers.reduce((n, r) => n + r.stats.successful + r.stats.failed, 0));
  const retrans = callers.reduce((n, r) => n + r.stats.retransmissions, 0);
  const rtt = callers.flatMap((r) => r.rttMs).sort((a, b) => a - b);
  const w = [...waits].sort((a, b) => a - b);
  const notAnswered = calls - waits.length;
  console.log('\n== acd over SIP ==');
  console.log(`${calls} calls arriving at ${CPS} cps for ${SECONDS} s; the last one ended ${elapsed.toFixed(1)} s after the first began (arrivals + ${HOLD_MS} ms on the line)`);
  console.log(`caller side (sipp): ok ${ok}, failed ${sippFailed}, retransmissions ${retrans}, INVITE→200 p50 ${percentile(rtt, 50).toFixed(1)} ms p99 ${percentile(rtt, 99).toFixed(1)} ms`);
  console.log(`PBX side (CTI): offered ${offered}, answered by an agent ${waits.length}, abandoned ${abandoned}, not answered ${notAnswered}`);
  console.log(`queue wait until an agent answered: p50 ${percentile(w, 50).toFixed(0)} ms, p99 ${percentile(w, 99).toFixed(0)} ms, max ${w.at(-1) ?? NaN} ms`);
  console.log(`PBX event loop p99 delay ${status.counters['eventLoop.p99DelayMs']} ms, max ${status.counters['eventLoop.maxDelayMs']} ms; rss ${Math.round((status.counters['process.rssBytes'] ?? 0) / 1e6)} MB; engine errors ${status.counters['callCenter.engineErrors']}`);
  const failed = sippFailed + notAnswered;
  console.log(`FAILED CALLS: ${failed} (target 0) — ${failed === 0 ? 'met' : 'NOT met'}`);
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  for (const p of phones) await p.stop();
  await pbx.stop();
}
