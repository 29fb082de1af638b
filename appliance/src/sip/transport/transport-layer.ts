import { moduleLogger } from '../../log.ts';
import type { SipRequest, SipResponse } from '../message/index.ts';
import type { Endpoint, TransportName } from './endpoint.ts';
import { listenTcp } from './tcp-transport.ts';
import { listenUdp } from './udp-transport.ts';
import { newCounters } from './types.ts';
import type { ParseLimits, Transport, TransportCounters, TransportEvents } from './types.ts';

const logger = moduleLogger('sip.transport');

/** Options of {@link TransportLayer.listen}. */
export interface TransportLayerListenOptions {
  address: string;
  /** 0 picks a free port (tests). */
  udpPort: number;
  /** 0 picks a free port (tests). */
  tcpPort: number;
  limits?: Partial<ParseLimits>;
  /** TCP idle timeout; default 10 min. */
  idleTimeoutMs?: number;
  /** TCP connection cap; default 1024. */
  maxConnections?: number;
}

/** Holds the transports, serializes a message once and sends it over the right one; owns the counters. */
export class TransportLayer {
  /** Shared by every transport of this layer; read by health/SNMP. */
  readonly counters: TransportCounters = newCounters();
  private readonly transports = new Map<TransportName, Transport>();

  /** Events of the layer above (the transaction layer), handed to every transport. */
  constructor(private readonly events: TransportEvents) {}

  /** Binds UDP and TCP on the same address; if one fails, the other is closed again and the error thrown. */
  async listen(opts: TransportLayerListenOptions): Promise<void> {
    const udp = await listenUdp({ address: opts.address, port: opts.udpPort, limits: opts.limits, counters: this.counters }, this.events);
    let tcp: Transport;
    try {
      tcp = await listenTcp(
        {
          address: opts.address,
          port: opts.tcpPort,
          limits: opts.limits,
          idleTimeoutMs: opts.idleTimeoutMs,
          maxConnections: opts.maxConnections,
          counters: this.counters,
        },
        this.events,
      );
    } catch (err) {
      await udp.close();
      throw err;
    }
    this.add(udp);
    this.add(tcp);
  }

  /** Registers an already listening transport (tests, or a fake from FakeNetwork). Replaces one of the same name. */
  add(transport: Transport): void {
    this.transports.set(transport.name, transport);
  }

  /** Serializes once and sends; never throws (failures are counted and logged). */
  send(message: SipRequest | SipResponse, to: Endpoint): void {
    let data: Buffer;
    try {
      data = message.toBuffer();
    } catch (err) {
      this.counters.sendErrors++;
      logger.error({ err, to: to.address, port: to.port }, 'could not serialize SIP message');
      return;
    }
    this.sendRaw(data, to);
  }

  /** Sends bytes as they are (retransmissions reuse the serialized buffer, RFC 3261 §17.1.1.2). */
  sendRaw(data: Buffer, to: Endpoint): void {
    const t = this.transports.get(to.transport);
    if (t === undefined) {
      this.counters.sendErrors++;
      logger.warn({ transport: to.transport, to: to.address, port: to.port }, 'no transport for destination');
      return;
    }
    // The transport counts and logs failures and marks its promise handled.
    void t.send(data, to);
  }

  /** Where each transport listens (real ports, also when bound to port 0). */
  listening(): Array<{ transport: TransportName; address: string; port: number }> {
    const out: Array<{ transport: TransportName; address: string; port: number }> = [];
    for (const t of this.transports.values()) out.push({ transport: t.name, address: t.local.address, port: t.local.port });
    return out;
  }

  /** Closes every transport. */
  async close(): Promise<void> {
    const all = [...this.transports.values()];
    this.transports.clear();
    await Promise.all(all.map((t) => t.close()));
  }
}
