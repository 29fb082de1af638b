import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { listenUdp } from '../../../src/sip/transport/index.ts';
import type { Transport } from '../../../src/sip/transport/index.ts';
import { echoServer, rawOptions, udpClient, waitFor } from './helpers.ts';

describe('UDP transport', () => {
  const server = echoServer((counters, events) => listenUdp({ address: '127.0.0.1', port: 0, counters, limits: { maxMessageBytes: 8192 } }, events));
  const { counters, received, malformed } = server;
  let transport: Transport;

  before(async () => {
    await server.start();
    transport = server.transport;
  });
  after(() => transport.close());

  test('binds port 0 to a real port and reports it in local', () => {
    assert.equal(transport.name, 'udp');
    assert.equal(transport.local.address, '127.0.0.1');
    assert.ok(transport.local.port > 0);
  });

  test('round-trips a request: delivered with its source, answered over the same socket', async () => {
    const client = await udpClient();
    try {
      await client.send(rawOptions({ viaPort: client.port, callId: 'rt-1' }), transport.local.port);
      await waitFor(() => client.received.length === 1, 2000, '200 OK');
      const got = received.find((r) => r.msg.callId === 'rt-1');
      assert.ok(got);
      assert.deepEqual(got.source, { transport: 'udp', address: '127.0.0.1', port: client.port });
      assert.match(client.received[0]!.toString(), /^SIP\/2\.0 200 OK\r\n/);
      assert.match(client.received[0]!.toString(), /Call-ID: rt-1\r\n/);
    } finally {
      client.close();
    }
  });

  test('fills received and rport in the top Via when the sent-by is not the source (RFC 3261 §18.2.1, RFC 3581)', async () => {
    const client = await udpClient();
    try {
      await client.send(rawOptions({ viaHost: '192.0.2.7', viaPort: 5060, rport: true, callId: 'nat-1' }), transport.local.port);
      await waitFor(() => client.received.length === 1, 2000, '200 OK');
      const got = received.find((r) => r.msg.callId === 'nat-1')!;
      const top = got.msg.via[0]!;
      assert.equal(top.params.get('received'), '127.0.0.1');
      assert.equal(top.params.get('rport'), String(client.port));
      // The response copies the stamped Via back to the client.
      assert.match(client.received[0]!.toString(), new RegExp(`Via: SIP/2\\.0/UDP 192\\.0\\.2\\.7:5060;branch=[^\\r]*rport=${client.port}`));
      assert.match(client.received[0]!.toString(), /received=127\.0\.0\.1/);
    } finally {
      client.close();
    }
  });

  test('leaves the Via untouched when sent-by matches the source and no rport was asked for', async () => {
    const client = await udpClient();
    try {
      await client.send(rawOptions({ viaHost: '127.0.0.1', viaPort: client.port, callId: 'plain-1' }), transport.local.port);
      await waitFor(() => received.some((r) => r.msg.callId === 'plain-1'));
      const top = received.find((r) => r.msg.callId === 'plain-1')!.msg.via[0]!;
      assert.equal(top.params.has('received'), false);
      assert.equal(top.params.has('rport'), false);
    } finally {
      client.close();
    }
  });

  test('counts garbage (random bytes, oversized, empty, truncated) and keeps answering afterwards', async () => {
    const client = await udpClient();
    try {
      const before = { ...counters };
      let seed = 42;
      const rnd = (): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed >>> 24; };
      const garbage = Buffer.alloc(512);
      for (let i = 0; i < garbage.length; i++) garbage[i] = rnd();
      await client.send(garbage, transport.local.port);
      // Over the 8 KB cap of this listener (a 70 KB datagram cannot be sent over IPv4 UDP: 65 507 bytes max).
      await client.send(Buffer.alloc(60_000, 0x41), transport.local.port);
      await client.send(Buffer.alloc(0), transport.local.port);
      await client.send(rawOptions().slice(0, 80), transport.local.port);
      await waitFor(() => counters.malformed - before.malformed === 3 && counters.tooLarge - before.tooLarge === 1, 2000, 'garbage counted');
      assert.equal(malformed.filter((m) => m.source.port === client.port).length, 4);
      assert.ok(malformed.some((m) => m.info.kind === 'too-large'));

      await client.send(rawOptions({ viaPort: client.port, callId: 'after-garbage' }), transport.local.port);
      await waitFor(() => client.received.length === 1, 2000, '200 after garbage');
      assert.match(client.received[0]!.toString(), /Call-ID: after-garbage/);
    } finally {
      client.close();
    }
  });

  test('ignores CRLF keepalives without counting them as malformed', async () => {
    const client = await udpClient();
    try {
      const before = counters.malformed;
      await client.send('\r\n\r\n', transport.local.port);
      await client.send(rawOptions({ viaPort: client.port, callId: 'after-ka' }), transport.local.port);
      await waitFor(() => client.received.length === 1);
      assert.equal(counters.malformed, before);
    } finally {
      client.close();
    }
  });

  test('send to an unusable destination resolves and counts a send error instead of throwing', async () => {
    const before = counters.sendErrors;
    await transport.send(Buffer.from('x'), { transport: 'udp', address: '127.0.0.1', port: 0 });
    assert.equal(counters.sendErrors, before + 1);
  });

  test('a throwing onMessage handler does not stop the listener', async () => {
    let calls = 0;
    const t = await listenUdp({ address: '127.0.0.1', port: 0 }, { onMessage() { calls++; throw new Error('boom'); } });
    const client = await udpClient();
    try {
      await client.send(rawOptions(), t.local.port);
      await client.send(rawOptions(), t.local.port);
      await waitFor(() => calls === 2);
    } finally {
      client.close();
      await t.close();
    }
  });
});
