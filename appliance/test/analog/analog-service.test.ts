import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore, type HotlineConfig } from '../../src/config/index.ts';
import { ControlClient, ControlRequestError } from '../../src/control/index.ts';
import { dataPaths } from '../../src/paths.ts';
import { AnalogService, type GatewayFactory } from '../../src/analog/analog-service.ts';
import type { AnalogStatus } from '../../src/analog/analog-status.ts';

const meta = { author: 'test', comment: 'test' };

/** A gateway that reports every port idle, so the service's own behaviour is what is tested. */
const idleGateway: GatewayFactory = async (opened, _config, settings) => ({
  status: () => ({
    ports: opened.card.ports.map((p) => ({
      port: p.port, kind: p.kind, card: settings.cards[p.span - 1]!.name,
      state: opened.card.portState(p.port).alarm ? 'alarm' : 'idle', since: new Date(0).toISOString(),
    })),
    registrations: [], calls: [],
  }),
  applyConfig() {},
  async stop() {},
});

async function withService(analog: HotlineConfig['analog'], run: (s: AnalogService, client: ControlClient, store: ConfigStore) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-analog-'));
  const paths = dataPaths(dir);
  const store = await ConfigStore.open({ config: paths.config, configHistory: paths.configHistory });
  await store.update((c) => {
    c.extensions.push({ number: '8001', secret: 'secret-8001', maxContacts: 1, callWaiting: false });
    if (analog) c.analog = analog;
  }, meta);
  const service = await AnalogService.start({ paths, env: {}, gateway: idleGateway, retryMs: 50 });
  try {
    await run(service, new ControlClient(paths.analogControlSocket, 5000, 'analog gateway'), store);
  } finally {
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const simulatedCard: HotlineConfig['analog'] = {
  cards: [{ name: 'sim1', driver: 'simulator', ports: [{ port: 1, kind: 'FXS', extension: '8001' }, { port: 2, kind: 'FXO', group: 'pstn' }] }],
  lineGroups: [{ name: 'pstn' }],
};

test('without cards the gateway idles and says so', async () => {
  await withService(undefined, async (_s, client) => {
    const st = await client.status() as unknown as AnalogStatus;
    assert.equal(st.card.state, 'none');
    assert.deepEqual(st.ports, []);
    assert.deepEqual(st.alarms, []);
  });
});

test('a simulated card opens, its ports report, and a span alarm shows as an alarm', async () => {
  await withService(simulatedCard, async (_s, client) => {
    let st = await client.call<AnalogStatus>('GET', '/v1/status');
    assert.equal(st.card.state, 'open');
    assert.deepEqual(st.ports.map((p) => [p.port, p.kind, p.card]), [[1, 'FXS', 'sim1'], [2, 'FXO', 'sim1']]);
    await client.call('POST', '/v1/sim/alarm', { span: 1 });
    for (let i = 0; i < 100 && !st.alarms.length; i++) {
      await new Promise((r) => setTimeout(r, 20));
      st = await client.call<AnalogStatus>('GET', '/v1/status');
    }
    assert.deepEqual(st.alarms.map((a) => [a.id, a.severity]), [['span-alarm:sim1', 'major']]);
    await assert.rejects(client.call('POST', '/v1/sim/ring', { channel: 'x' }), (e: unknown) => e instanceof ControlRequestError && e.status === 400);
  });
});

test('a missing card is a critical alarm, looked for again, and the service keeps answering', async () => {
  // No /dev/dahdi on a build machine: exactly the "card missing" an operator would see.
  await withService({ cards: [{ name: 'card1', driver: 'dahdi', ports: [{ port: 1, kind: 'FXO' }] }] }, async (_s, client) => {
    const st = await client.call<AnalogStatus>('GET', '/v1/status');
    assert.equal(st.card.state, 'missing');
    assert.match(st.card.error ?? '', /CARD_NOT_FOUND|LIBRARY_NOT_FOUND|IO_FAILED/);
    assert.equal(st.alarms[0]?.id, 'card-missing');
    assert.equal(st.alarms[0]?.severity, 'critical');
    await new Promise((r) => setTimeout(r, 150)); // a few retries later, still answering
    assert.equal((await client.call<AnalogStatus>('GET', '/v1/status')).card.state, 'missing');
    await assert.rejects(client.call('POST', '/v1/sim/offhook', { channel: 1 }), /no simulated card/);
  });
});

test('a reload opens the card that was added and closes the one removed', async () => {
  await withService(undefined, async (_s, client, store) => {
    await store.update((c) => { c.analog = simulatedCard; }, meta);
    await client.reloadConfig();
    assert.equal((await client.call<AnalogStatus>('GET', '/v1/status')).card.state, 'open');
    await store.update((c) => { delete c.analog; }, meta);
    await client.reloadConfig();
    assert.equal((await client.call<AnalogStatus>('GET', '/v1/status')).card.state, 'none');
  });
});

test('a port layout the simulator cannot number is misconfigured, not a crash', async () => {
  await withService({ cards: [{ name: 's', driver: 'simulator', ports: [{ port: 3, kind: 'FXO' }] }] }, async (_s, client) => {
    const st = await client.call<AnalogStatus>('GET', '/v1/status');
    assert.equal(st.card.state, 'misconfigured');
    assert.match(st.card.error ?? '', /without gaps/);
  });
});
