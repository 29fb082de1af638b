import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse } from '../../../src/sip/message/index.ts';
import type { SipRequest, SipResponse } from '../../../src/sip/message/index.ts';
import { TransportLayer } from '../../../src/sip/transport/index.ts';
import type { Endpoint } from '../../../src/sip/transport/index.ts';
import { rawOptions, tcpClient, udpClient, waitFor, write } from './helpers.ts';

describe('TransportLayer', () => {
  test('listens on UDP and TCP, answers each over the transport it came on, and counts traffic', async () => {
    let layer: TransportLayer;
    const got: Array<{ msg: SipRequest | SipResponse; source: Endpoint }> = [];
    layer = new TransportLayer({
      onMessage(msg, source) {
        got.push({ msg, source });
        if (msg.isRequest) layer.send(createResponse(msg, 200), source);
      },
    });
    await layer.listen({ address: '127.0.0.1', udpPort: 0, tcpPort: 0 });
    try {
      const ports = layer.listening();
      assert.deepEqual(ports.map((p) => p.transport).sort(), ['tcp', 'udp']);
      const udpPort = ports.find((p) => p.transport === 'udp')!.port;
      const tcpPort = ports.find((p) => p.transport === 'tcp')!.port;
      assert.ok(udpPort > 0 && tcpPort > 0);

      const u = await udpClient();
      await u.send(rawOptions({ callId: 'via-udp' }), udpPort);
      await waitFor(() => u.received.length === 1, 2000, 'UDP answer');
      u.close();

      const t = await tcpClient(tcpPort);
      await write(t.socket, rawOptions({ transport: 'TCP', callId: 'via-tcp' }));
      await waitFor(() => /Call-ID: via-tcp/.test(t.text()), 2000, 'TCP answer');
      t.socket.destroy();

      assert.deepEqual(got.map((g) => g.source.transport), ['udp', 'tcp']);
      assert.equal(layer.counters.received, 2);
      await waitFor(() => layer.counters.sent === 2, 2000, 'sent counted');
      assert.equal(layer.counters.sendErrors, 0);
    } finally {
      await layer.close();
    }
    assert.deepEqual(layer.listening(), []);
  });

  test('send without a transport for the destination counts a send error instead of throwing', () => {
    const layer = new TransportLayer({ onMessage() {} });
    layer.sendRaw(Buffer.from('x'), { transport: 'tcp', address: '127.0.0.1', port: 5060 });
    assert.equal(layer.counters.sendErrors, 1);
  });
});
