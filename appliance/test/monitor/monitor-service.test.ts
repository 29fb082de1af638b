import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore } from '../../src/config/index.ts';
import { MonitorService } from '../../src/monitor/monitor-service.ts';
import { syntheticSnapshot } from '../../src/monitor/synthetic-snapshot.ts';
import { dataPaths } from '../../src/paths.ts';

test('a busy SNMP port does not stop the monitor: probes and alarms go on, the status says why', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-monitor-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const busy = createSocket('udp4');
  await new Promise<void>((r) => busy.bind(0, '127.0.0.1', () => r()));
  t.after(() => busy.close());
  const paths = dataPaths(dir);
  const store = await ConfigStore.open(paths);
  await store.update((d) => {
    d.snmp = { bindAddress: '127.0.0.1', port: busy.address().port };
  }, { author: 'test', comment: 'busy port' });
  const service = await MonitorService.start({
    paths,
    host: async () => syntheticSnapshot({ calls: 0, agents: 0 }).host,
    services: { pbx: () => Promise.reject(new Error('ENOENT')), analog: () => Promise.reject(new Error('ENOENT')), mgmtAlive: async () => true },
  });
  t.after(() => service.stop());
  const s = service.status();
  assert.equal(s.snmp.enabled, false);
  assert.match(s.snmp.error ?? '', /EADDRINUSE/);
  assert.equal(s.polls, 1);
  assert.deepEqual(s.alarms.map((a) => a.id), ['service-down:pbx']);
  const { ControlClient } = await import('../../src/control/index.ts');
  const history = await new ControlClient(paths.monitorControlSocket, 3000, 'monitor').call<{ items: Array<{ id: string; clearedAt?: number }> }>('GET', '/v1/alarms/history');
  assert.deepEqual(history.items.map((a) => [a.id, a.clearedAt]), [['service-down:pbx', undefined]]);
});
