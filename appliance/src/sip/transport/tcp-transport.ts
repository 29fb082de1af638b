import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { moduleLogger } from '../../log.ts';
import { StreamParser } from '../message/index.ts';
import type { Endpoint } from './endpoint.ts';
import { endpointKey, normalizeAddress } from './endpoint.ts';
import { InboundDispatcher } from './inbound.ts';
import { newCounters } from './types.ts';
import type { ParseLimits, Transport, TransportCounters, TransportEvents } from './types.ts';

const logger = moduleLogger('sip.transport.tcp');

/** Idle connections are closed after this long by default (phones re-register well within it). */
const DEFAULT_IDLE_MS = 10 * 60 * 1000;
const DEFAULT_MAX_CONNECTIONS = 1024;
/** After a fatal parse error the connection is half-closed; it is destroyed if the peer has not closed within this time. */
const LINGER_MS = 2000;
/** RFC 5626 §3.5.1 keepalive: the client pings with CRLFCRLF, we pong with CRLF. */
const PONG = Buffer.from('\r\n');

/** Options of {@link listenTcp}. */
export interface TcpListenOptions {
  address: string;
  /** 0 picks a free port (tests); `local.port` reports the real one. */
  port: number;
  limits?: Partial<ParseLimits>;
  /** Connections without traffic for this long are closed; default 10 min. */
  idleTimeoutMs?: number;
  /** Inbound plus outbound connections allowed at once; default 1024. */
  maxConnections?: number;
  /** Counters to increment, shared with a TransportLayer; private ones otherwise. */
  counters?: TransportCounters;
}

/** One TCP connection, inbound or outbound, with its own stream parser (RFC 3261 §18.3 framing by Content-Length). */
interface Connection {
  readonly key: string;
  readonly peer: Endpoint;
  readonly socket: net.Socket;
  readonly parser: StreamParser;
  /** Set once the connection is being closed after a fatal error; later bytes are ignored. */
  dead: boolean;
  /** Outbound only: the error that made the connect fail, to reject pending sends with it. */
  connectError?: Error;
}

const noop = (): void => {};

/** SIP over TCP (RFC 3261 §18): a server plus a table of connections keyed by peer address:port. */
class TcpTransport implements Transport {
  readonly name = 'tcp' as const;
  readonly local: { address: string; port: number };
  private readonly conns = new Map<string, Connection>();
  private readonly dispatcher: InboundDispatcher;
  private closed = false;

  constructor(
    private readonly server: net.Server,
    private readonly counters: TransportCounters,
    events: TransportEvents,
    private readonly limits: Partial<ParseLimits> | undefined,
    private readonly idleMs: number,
    private readonly maxConnections: number,
  ) {
    const a = server.address() as AddressInfo;
    this.local = { address: a.address, port: a.port };
    this.dispatcher = new InboundDispatcher(events, counters, logger);
    server.on('connection', (socket) => this.accept(socket));
    server.on('error', (err) => logger.error({ err }, 'TCP server error'));
  }

  /** Open connections (for metrics and tests). */
  get connectionCount(): number {
    return this.conns.size;
  }

  send(data: Buffer, to: Endpoint): Promise<void> {
    const p = new Promise<void>((resolve, reject) => {
      let conn = this.conns.get(endpointKey(to.address, to.port));
      if (conn === undefined || conn.dead || conn.socket.destroyed) {
        if (this.closed || this.conns.size >= this.maxConnections) {
          this.counters.sendErrors++;
          const err = new Error(this.closed ? 'TCP transport closed' : 'too many TCP connections');
          logger.warn({ to: to.address, port: to.port, err }, 'TCP send refused');
          reject(err);
          return;
        }
        conn = this.connect(to);
      }
      const c = conn;
      try {
        // Written as is: no framing copy, the serialized message already carries Content-Length.
        c.socket.write(data, (err) => {
          if (err) {
            this.counters.sendErrors++;
            const cause = c.connectError ?? err;
            logger.warn({ err: cause, to: to.address, port: to.port, bytes: data.length }, 'TCP send failed');
            reject(cause);
          } else {
            this.counters.sent++;
            resolve();
          }
        });
      } catch (err) {
        this.counters.sendErrors++;
        logger.warn({ err, to: to.address, port: to.port }, 'TCP send threw');
        reject(err as Error);
      }
    });
    // Callers may ignore the promise; a rejection must not become an unhandled one.
    p.catch(noop);
    return p;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const c of this.conns.values()) c.socket.destroy();
    this.conns.clear();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const address = normalizeAddress(socket.remoteAddress ?? '');
    const port = socket.remotePort ?? 0;
    this.attach(socket, { transport: 'tcp', address, port });
  }

  private connect(to: Endpoint): Connection {
    const socket = net.connect({ host: to.address, port: to.port });
    const conn = this.attach(socket, { transport: 'tcp', address: to.address, port: to.port });
    const onConnectError = (err: Error): void => {
      conn.connectError = err;
    };
    socket.once('error', onConnectError);
    socket.once('connect', () => socket.off('error', onConnectError));
    return conn;
  }

  private attach(socket: net.Socket, peer: Endpoint): Connection {
    const key = endpointKey(peer.address, peer.port);
    const conn: Connection = { key, peer, socket, parser: new StreamParser(this.limits), dead: false };
    const previous = this.conns.get(key);
    if (previous !== undefined && previous.socket !== socket) previous.socket.destroy();
    this.conns.set(key, conn);
    socket.setNoDelay(true);
    socket.setTimeout(this.idleMs);
    socket.on('timeout', () => {
      logger.debug({ peer: peer.address, port: peer.port }, 'closing idle TCP connection');
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => this.onData(conn, chunk));
    socket.on('error', (err) => {
      // Resets from phones going away are routine; the connection just ends.
      logger.debug({ err, peer: peer.address, port: peer.port }, 'TCP connection error');
    });
    socket.on('close', () => {
      if (this.conns.get(key) === conn) this.conns.delete(key);
    });
    return conn;
  }

  private onData(conn: Connection, chunk: Buffer): void {
    if (conn.dead) return;
    try {
      // Only a ping when nothing is buffered: mid-message, CRLFCRLF may end a header block.
      if (chunk.length === 4 && conn.parser.buffered === 0 && chunk[0] === 0x0d && chunk[1] === 0x0a && chunk[2] === 0x0d && chunk[3] === 0x0a) {
        conn.socket.write(PONG);
        return;
      }
      const results = conn.parser.push(chunk);
      for (let i = 0; i < results.length; i++) {
        if (!this.dispatcher.dispatch(results[i]!, conn.peer, chunk)) {
          this.kill(conn, 'fatal parse error');
          return;
        }
      }
    } catch (err) {
      this.dispatcher.crashed(err, conn.peer, chunk);
      this.kill(conn, 'exception while parsing');
    }
  }

  /**
   * Closes one connection after a fatal error; the stream cannot be resynchronised
   * (RFC 3261 §18.3). end() rather than destroy() so a 400 the core wrote from
   * onMalformed still goes out; destroy follows if the peer lingers.
   */
  private kill(conn: Connection, why: string): void {
    conn.dead = true;
    if (this.conns.get(conn.key) === conn) this.conns.delete(conn.key);
    logger.info({ peer: conn.peer.address, port: conn.peer.port, why }, 'closing TCP connection');
    conn.socket.end();
    conn.socket.setTimeout(LINGER_MS);
  }
}

/** Starts a TCP listener and delivers parsed messages from every connection to `events`. */
export async function listenTcp(opts: TcpListenOptions, events: TransportEvents): Promise<Transport> {
  const counters = opts.counters ?? newCounters();
  const maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const server = net.createServer({ noDelay: true });
  // Node refuses inbound connections beyond this itself (closes them on accept).
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: opts.port, host: opts.address }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const transport = new TcpTransport(server, counters, events, opts.limits, opts.idleTimeoutMs ?? DEFAULT_IDLE_MS, maxConnections);
  logger.info({ address: transport.local.address, port: transport.local.port }, 'SIP TCP listening');
  return transport;
}
