import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createResponse, type SipRequest } from '../../../src/sip/message/index.ts';
import { listenTcp } from '../../../src/sip/transport/index.ts';
import type { Transport } from '../../../src/sip/transport/index.ts';
import { echoServer, rawOptions, tcpClient, waitFor, write } from './helpers.ts';

describe('TCP transport', () => {
  const server = echoServer((counters, events) => listenTcp({ address: '127.0.0.1', port: 0, counters, limits: { maxMessageBytes: 4096 } }, events));
  const { counters, received, malformed } = server;
  let transport: Transport;
  const byCallId = (id: string) => received.filter((r) => r.msg.callId === id);

  before(async () => {
    await server.start();
    transport = server.transport;
  });
  after(() => transport.close());

  test('binds port 0 to a real port and reports it in local', () => {
    assert.equal(transport.name, 'tcp');
    assert.ok(transport.local.port > 0);
  });

  test('delivers two messages that arrive in one write, and answers both over the same connection', async () => {
    const c = await tcpClient(transport.local.port);
    try {
      await write(c.socket, rawOptions({ transport: 'TCP', callId: 'two-a' }) + rawOptions({ transport: 'TCP', callId: 'two-b' }));
      await waitFor(() => byCallId('two-a').length === 1 && byCallId('two-b').length === 1, 2000, 'both messages');
      await waitFor(() => (c.text().match(/SIP\/2\.0 200 OK/g) ?? []).length === 2, 2000, 'two responses');
      const src = byCallId('two-a')[0]!.source;
      assert.equal(src.transport, 'tcp');
      assert.equal(src.address, '127.0.0.1');
      assert.equal(src.port, c.socket.localPort);
    } finally {
      c.socket.destroy();
    }
  });

  test('reassembles one message with a body split over many writes (Content-Length framing, RFC 3261 §18.3)', async () => {
    const c = await tcpClient(transport.local.port);
    try {
      const text = rawOptions({ transport: 'TCP', callId: 'split-1', body: 'hello body over tcp' });
      for (let i = 0; i < text.length; i += 7) {
        await write(c.socket, text.slice(i, i + 7));
        if (i % 70 === 0) await new Promise((r) => setTimeout(r, 1)); // let some chunks arrive on their own
      }
      await waitFor(() => byCallId('split-1').length === 1, 2000, 'split message');
      assert.equal(byCallId('split-1')[0]!.msg.body.toString(), 'hello body over tcp');
    } finally {
      c.socket.destroy();
    }
  });

  test('fatal garbage closes only that connection; another connection keeps working', async () => {
    const good = await tcpClient(transport.local.port);
    const bad = await tcpClient(transport.local.port);
    try {
      const before = counters.tooLarge + counters.malformed;
      const badPort = bad.socket.localPort;
      // A header block that never ends and exceeds the 4 KB cap: framing is lost.
      await write(bad.socket, 'INVITE sip:x@y SIP/2.0\r\nX-Junk: ' + 'a'.repeat(6000));
      await waitFor(() => bad.closed(), 3000, 'bad connection closed');
      assert.equal(counters.tooLarge + counters.malformed, before + 1);
      assert.ok(malformed.some((m) => m.source.port === badPort));

      assert.equal(good.closed(), false);
      await write(good.socket, rawOptions({ transport: 'TCP', callId: 'still-good' }));
      await waitFor(() => /Call-ID: still-good/.test(good.text()), 2000, 'answer on the good connection');
      // And the listener still accepts new connections.
      const fresh = await tcpClient(transport.local.port);
      await write(fresh.socket, rawOptions({ transport: 'TCP', callId: 'fresh' }));
      await waitFor(() => /Call-ID: fresh/.test(fresh.text()), 2000, 'answer on a fresh connection');
      fresh.socket.destroy();
    } finally {
      good.socket.destroy();
      bad.socket.destroy();
    }
  });

  test('a non-fatal malformed message is reported and the connection carries on', async () => {
    const c = await tcpClient(transport.local.port);
    try {
      const before = counters.malformed;
      // Well framed (Content-Length: 0) but CSeq is nonsense.
      const bad = rawOptions({ transport: 'TCP', callId: 'bad-cseq' }).replace('CSeq: 1 OPTIONS', 'CSeq: x OPTIONS');
      await write(c.socket, bad + rawOptions({ transport: 'TCP', callId: 'after-bad-cseq' }));
      await waitFor(() => byCallId('after-bad-cseq').length === 1, 2000, 'message after the bad one');
      assert.equal(counters.malformed, before + 1);
      assert.equal(c.closed(), false);
    } finally {
      c.socket.destroy();
    }
  });

  test('send reuses the inbound connection a phone opened, for requests from us too', async () => {
    const c = await tcpClient(transport.local.port);
    try {
      await write(c.socket, rawOptions({ transport: 'TCP', callId: 'reg-1' }));
      await waitFor(() => byCallId('reg-1').length === 1);
      const phone = byCallId('reg-1')[0]!.source;
      // A new request from the PBX towards the phone's connection endpoint (e.g. an INVITE after REGISTER).
      await transport.send(Buffer.from(rawOptions({ transport: 'TCP', callId: 'to-phone' })), phone);
      // Arriving on the phone's own socket proves reuse: nothing listens on its ephemeral port.
      await waitFor(() => /Call-ID: to-phone/.test(c.text()), 2000, 'request on the same connection');
    } finally {
      c.socket.destroy();
    }
  });

  test('send opens an outbound connection when none exists and reads responses from it', async () => {
    let serverSide: net.Socket | undefined;
    const peer = net.createServer((s) => {
      serverSide = s;
      s.on('data', () => s.write(createResponse(received.at(-1)!.msg as SipRequest, 200, 'OK', 't').toBuffer()));
    });
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', () => r()));
    const port = (peer.address() as net.AddressInfo).port;
    try {
      // Deliver a request to ourselves first so the peer can answer it (we need a SipRequest to build a response).
      const c = await tcpClient(transport.local.port);
      await write(c.socket, rawOptions({ transport: 'TCP', callId: 'out-1' }));
      await waitFor(() => byCallId('out-1').length === 1);
      c.socket.destroy();
      const sent = counters.sent;
      await transport.send(Buffer.from(rawOptions({ transport: 'TCP', callId: 'out-1' })), { transport: 'tcp', address: '127.0.0.1', port });
      assert.ok(serverSide);
      assert.ok(counters.sent > sent);
      await waitFor(() => received.some((r) => !r.msg.isRequest && r.source.port === port), 2000, 'response over the outbound connection');
    } finally {
      serverSide?.destroy();
      await new Promise<void>((r) => peer.close(() => r()));
    }
  });

  test('a connect failure rejects the send promise and counts a send error, and an ignored rejection is harmless', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r())); // now nothing listens there
    const before = counters.sendErrors;
    await assert.rejects(transport.send(Buffer.from('x'), { transport: 'tcp', address: '127.0.0.1', port }), /ECONNREFUSED/);
    assert.equal(counters.sendErrors, before + 1);
    void transport.send(Buffer.from('x'), { transport: 'tcp', address: '127.0.0.1', port }); // ignored on purpose
    await waitFor(() => counters.sendErrors === before + 2);
  });

  test('answers a CRLFCRLF keepalive ping with CRLF (RFC 5626 §3.5.1)', async () => {
    const c = await tcpClient(transport.local.port);
    try {
      await write(c.socket, '\r\n\r\n');
      await waitFor(() => c.text() === '\r\n', 2000, 'pong');
    } finally {
      c.socket.destroy();
    }
  });

  test('closes idle connections after idleTimeoutMs', async () => {
    const t = await listenTcp({ address: '127.0.0.1', port: 0, idleTimeoutMs: 100 }, { onMessage() {} });
    try {
      const c = await tcpClient(t.local.port);
      await waitFor(() => c.closed(), 2000, 'idle close');
    } finally {
      await t.close();
    }
  });
});
