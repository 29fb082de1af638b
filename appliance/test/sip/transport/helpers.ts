// Shared helpers of the transport tests: raw SIP text and small socket utilities.
import dgram from 'node:dgram';
import net from 'node:net';
import { createResponse, type SipRequest, type SipResponse } from '../../../src/sip/message/index.ts';
import { newCounters, type Endpoint, type MalformedInfo, type Transport, type TransportCounters, type TransportEvents } from '../../../src/sip/transport/index.ts';

/** A raw OPTIONS request; `rport` adds an empty rport param (RFC 3581). */
export function rawOptions(opts: { viaHost?: string; viaPort?: number; transport?: 'UDP' | 'TCP'; rport?: boolean; callId?: string; body?: string } = {}): string {
  const body = opts.body ?? '';
  const via = `SIP/2.0/${opts.transport ?? 'UDP'} ${opts.viaHost ?? '127.0.0.1'}:${opts.viaPort ?? 5060};branch=z9hG4bK${Math.random().toString(36).slice(2)}${opts.rport ? ';rport' : ''}`;
  return (
    'OPTIONS sip:pbx@127.0.0.1 SIP/2.0\r\n' +
    `Via: ${via}\r\n` +
    'Max-Forwards: 70\r\n' +
    'From: <sip:1001@127.0.0.1>;tag=abc\r\n' +
    'To: <sip:pbx@127.0.0.1>\r\n' +
    `Call-ID: ${opts.callId ?? Math.random().toString(36).slice(2)}\r\n` +
    'CSeq: 1 OPTIONS\r\n' +
    (body ? 'Content-Type: text/plain\r\n' : '') +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
    body
  );
}

/** Resolves when `cond()` holds, polling every 5 ms; rejects after `ms`. */
export async function waitFor(cond: () => boolean, ms = 2000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A UDP client socket bound on 127.0.0.1 that collects what it receives. */
export async function udpClient(): Promise<{ socket: dgram.Socket; port: number; received: Buffer[]; send(data: string | Buffer, port: number): Promise<void>; close(): void }> {
  const socket = dgram.createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (m) => received.push(m));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return {
    socket,
    port: socket.address().port,
    received,
    send: (data, port) => new Promise<void>((res, rej) => socket.send(typeof data === 'string' ? Buffer.from(data) : data, port, '127.0.0.1', (e) => (e ? rej(e) : res()))),
    close: () => socket.close(),
  };
}

/** A TCP client connected to 127.0.0.1:port that collects what it receives and notes when it is closed. */
export async function tcpClient(port: number): Promise<{ socket: net.Socket; text(): string; closed(): boolean }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  let closed = false;
  socket.on('data', (c) => chunks.push(c));
  socket.on('close', () => { closed = true; });
  socket.on('error', () => {});
  await new Promise<void>((r, j) => { socket.once('connect', () => r()); socket.once('error', j); });
  return { socket, text: () => Buffer.concat(chunks).toString('latin1'), closed: () => closed };
}

/** Writes and waits until the bytes are handed to the kernel. */
export function write(socket: net.Socket, data: string | Buffer): Promise<void> {
  return new Promise<void>((r, j) => socket.write(data, (e) => (e ? j(e) : r())));
}

/**
 * A listener under test that answers every request with 200 back to its source
 * (RFC 3261 §18.2.2) and records what it received and what it found malformed.
 */
export function echoServer(listen: (counters: TransportCounters, events: TransportEvents) => Promise<Transport>) {
  const state = {
    counters: newCounters(),
    received: [] as Array<{ msg: SipRequest | SipResponse; source: Endpoint }>,
    malformed: [] as Array<{ info: MalformedInfo; source: Endpoint }>,
    transport: undefined as unknown as Transport,
    async start() {
      state.transport = await listen(state.counters, {
        onMessage(msg, source) {
          state.received.push({ msg, source });
          if (msg.isRequest) void state.transport.send(createResponse(msg, 200, 'OK', 'srv').toBuffer(), source);
        },
        onMalformed(info, source) {
          state.malformed.push({ info, source });
        },
      });
    },
  };
  return state;
}
