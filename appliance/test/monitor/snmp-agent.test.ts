import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { pino } from 'pino';
import snmp from 'net-snmp';
import { defaultConfig, snmpSettings } from '../../src/config/index.ts';
import { SnmpAgent } from '../../src/monitor/snmp/agent.ts';
import { hotlineMib } from '../../src/monitor/snmp/hotline-mib.ts';
import { syntheticSnapshot } from '../../src/monitor/synthetic-snapshot.ts';

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function get(port: number, community: string, oid: string): Promise<snmp.Varbind> {
  return new Promise((resolve, reject) => {
    const session = snmp.createSession('127.0.0.1', community, { port, version: snmp.Version2c, retries: 1, timeout: 1000 }) as snmp.Session & {
      get(oids: string[], cb: (err: Error | null, vbs: snmp.Varbind[]) => void): void;
    };
    session.get([oid], (err, vbs) => {
      session.close();
      if (err) reject(err);
      else resolve(vbs[0]!);
    });
  });
}

test('garbage, truncated and SNMPv1 datagrams are dropped or refused and the agent keeps answering', async (t) => {
  const port = await freePort();
  const config = defaultConfig();
  config.snmp = { port, bindAddress: '127.0.0.1', v2c: { enabled: true, community: 'unit-ro', allowedSources: ['127.0.0.1'] } };
  const agent = await SnmpAgent.start(snmpSettings(config), pino({ level: 'silent' }));
  t.after(() => agent.close());
  const now = Date.now();
  agent.update([{ module: hotlineMib, data: hotlineMib.values(syntheticSnapshot({ calls: 2, agents: 2 }, now), now) }]);

  const valid = Buffer.from('302902010104067075626c6963a01c02045a7b1c6e020100020100300e300c06082b060102010101000500', 'hex');
  const sender = createSocket('udp4');
  t.after(() => sender.close());
  const send = (b: Buffer) => new Promise<void>((r) => sender.send(b, port, '127.0.0.1', () => r()));
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < 300; i++) {
    // Paced, so the flood tests the parser and not the kernel's socket buffer.
    if (i % 25 === 0) await new Promise((r) => setTimeout(r, 20));
    const b = Buffer.from(valid);
    const kind = i % 3;
    if (kind === 0) await send(b.subarray(0, Math.floor(rand() * b.length)));
    else if (kind === 1) {
      b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      await send(b);
    } else await send(Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 80) }, () => Math.floor(rand() * 256))));
  }
  const v1 = Buffer.from(valid);
  v1[4] = 0; // msgVersion 0: SNMPv1
  await send(v1);
  const vb = await get(port, 'unit-ro', '1.3.6.1.4.1.32473.1.1.1.0');
  assert.equal(String(vb.value), 'Hotline');
  assert.ok(agent.counters.droppedVersion >= 1, JSON.stringify(agent.counters));
  await assert.rejects(get(port, 'wrong-community', '1.3.6.1.4.1.32473.1.1.1.0'), /timed out/i);
});
