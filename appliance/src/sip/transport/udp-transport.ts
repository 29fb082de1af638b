import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { AddressInfo } from 'node:net';
import { moduleLogger } from '../../log.ts';
import { parseDatagram } from '../message/index.ts';
import type { Endpoint } from './endpoint.ts';
import { normalizeAddress } from './endpoint.ts';
import { InboundDispatcher } from './inbound.ts';
import { newCounters } from './types.ts';
import type { ParseLimits, Transport, TransportCounters, TransportEvents } from './types.ts';

const logger = moduleLogger('sip.transport.udp');

/** Socket buffers large enough for bursts at 300+ calls/s (the kernel caps them at net.core.rmem_max/wmem_max). */
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
/** Largest datagram accepted before parsing; RFC 3261 §18.1.1 keeps UDP messages near the MTU, but fragmented ones exist. */
const DEFAULT_MAX_DATAGRAM = 65_535;

/** Options of {@link listenUdp}. */
export interface UdpListenOptions {
  address: string;
  /** 0 picks a free port (tests); `local.port` reports the real one. */
  port: number;
  limits?: Partial<ParseLimits>;
  /** Creates the socket; tests inject a fake (STYLE.md 5). */
  socketFactory?: (options: dgram.SocketOptions) => dgram.Socket;
  /** Counters to increment, shared with a TransportLayer; private ones otherwise. */
  counters?: TransportCounters;
}

/** SIP over UDP (RFC 3261 §18): one socket, one datagram = one message. */
class UdpTransport implements Transport {
  readonly name = 'udp' as const;
  readonly local: { address: string; port: number };
  private closed = false;

  constructor(
    private readonly socket: dgram.Socket,
    private readonly counters: TransportCounters,
  ) {
    const a = socket.address() as AddressInfo;
    this.local = { address: a.address, port: a.port };
  }

  send(data: Buffer, to: Endpoint): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.closed) {
        this.counters.sendErrors++;
        resolve();
        return;
      }
      try {
        this.socket.send(data, to.port, to.address, (err) => {
          if (err) {
            this.counters.sendErrors++;
            logger.warn({ err, to: to.address, port: to.port, bytes: data.length }, 'UDP send failed');
          } else {
            this.counters.sent++;
          }
          resolve();
        });
      } catch (err) {
        // Synchronous throws: bad port or address from a header (ERR_SOCKET_BAD_PORT ...).
        this.counters.sendErrors++;
        logger.warn({ err, to: to.address, port: to.port }, 'UDP send rejected');
        resolve();
      }
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** Binds a UDP socket and starts delivering parsed messages to `events`. */
export async function listenUdp(opts: UdpListenOptions, events: TransportEvents): Promise<Transport> {
  const counters = opts.counters ?? newCounters();
  const factory = opts.socketFactory ?? dgram.createSocket;
  const socket = factory({ type: isIPv6(opts.address) ? 'udp6' : 'udp4', reuseAddr: false });
  const dispatcher = new InboundDispatcher(events, counters, logger);
  const limits = opts.limits;
  const maxDatagram = limits?.maxMessageBytes ?? DEFAULT_MAX_DATAGRAM;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    socket.once('error', onError);
    socket.bind(opts.port, opts.address, () => {
      socket.off('error', onError);
      resolve();
    });
  });
  try {
    socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
    socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
  } catch (err) {
    logger.warn({ err }, 'could not raise UDP socket buffers');
  }
  // An error event after bind (e.g. ICMP-driven on some platforms) must not crash the process.
  socket.on('error', (err) => logger.error({ err }, 'UDP socket error'));

  socket.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => {
    const source: Endpoint = { transport: 'udp', address: normalizeAddress(rinfo.address), port: rinfo.port };
    try {
      if (msg.length === 0) {
        dispatcher.reject('malformed', 'empty datagram', source, msg);
        return;
      }
      if (isKeepalive(msg)) return; // CRLF keepalives (RFC 5626 §3.5.1 style, sent by many phones over UDP too)
      if (msg.length > maxDatagram) {
        dispatcher.reject('too-large', `datagram of ${msg.length} bytes`, source, msg);
        return;
      }
      const result = parseDatagram(msg, limits);
      // A datagram is the whole message (RFC 3261 §18.3 applies to streams only), so "need more" means truncated.
      if (result.kind === 'incomplete') dispatcher.reject('malformed', 'truncated datagram', source, msg);
      else dispatcher.dispatch(result, source, msg);
    } catch (err) {
      dispatcher.crashed(err, source, msg);
    }
  });

  const transport = new UdpTransport(socket, counters);
  logger.info({ address: transport.local.address, port: transport.local.port }, 'SIP UDP listening');
  return transport;
}

/** True for a datagram made only of CR/LF bytes. */
function isKeepalive(msg: Buffer): boolean {
  if (msg.length > 4) return false;
  for (let i = 0; i < msg.length; i++) {
    const c = msg[i];
    if (c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}
