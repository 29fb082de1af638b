// The bench's SNMP agent in a process of its own at the monitor's CPU priority (the real
// monitor's lowerCpuPriority), serving the same synthetic busy appliance as snmp-walk.ts: the
// layout of the appliance, where the agent is the `monitor` process beside the telephony ones.
// Started by snmp-walk.ts with BENCH_AGENT_PORT; prints "ready" once it serves; SIGTERM stops it.
import { pino } from 'pino';
import { defaultConfig, snmpSettings } from '@hotline/appliance/config';
import { SnmpAgent, hostResourcesMib, hotlineMib, lowerCpuPriority, syntheticSnapshot, systemGroup } from '@hotline/appliance/monitor';

const log = pino({ level: 'warn' });
const nice = lowerCpuPriority(log);
const config = defaultConfig();
config.snmp = { port: Number(process.env.BENCH_AGENT_PORT), bindAddress: '127.0.0.1', v2c: { enabled: true, community: 'bench-ro', allowedSources: ['127.0.0.1'] } };
const agent = await SnmpAgent.start(snmpSettings(config), log);
const now = Date.now();
const snapshot = syntheticSnapshot({ calls: Number(process.env.BENCH_CALLS ?? 500), agents: Number(process.env.BENCH_AGENTS ?? 2000) }, now);
const sys = systemGroup();
agent.update([
  { module: sys, data: sys.values({ descr: 'Hotline bench', name: 'bench', contact: '', location: '', agentStartedAt: now }, now) },
  { module: hostResourcesMib, data: hostResourcesMib.values(snapshot.host, now) },
  { module: hotlineMib, data: hotlineMib.values(snapshot, now) },
]);
process.stdout.write(`ready nice ${nice}\n`);
process.once('SIGTERM', () => void agent.close().then(() => process.exit(0)));
