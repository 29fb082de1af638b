import { moduleLogger } from '../../log.ts';
import { parseDatagram } from '../message/index.ts';
import type { Endpoint, TransportName } from './endpoint.ts';
import { InboundDispatcher } from './inbound.ts';
import { newCounters } from './types.ts';
import type { Transport, TransportCounters, TransportEvents } from './types.ts';

const logger = moduleLogger('sip.transport.fake');

/** The time source a FakeNetwork schedules deliveries on; `Clock`/`FakeClock` of `sip/clock.ts` fit it. */
export interface FakeNetworkClock {
  now(): number;
  setTimer(ms: number, fn: () => void): { cancel(): void };
}

/** Network conditions; every field may be changed later with {@link FakeNetwork.setConditions}. */
export interface FakeNetworkConditions {
  /** Probability in [0, 1] that a packet is lost. Default 0. */
  dropProbability?: number;
  /** Fixed one-way delay in ms. Default 0 (still delivered through the clock, never synchronously inside send). */
  delayMs?: number;
  /** Extra random delay in [0, jitterMs] per packet; packets overtake each other, which is how reordering happens. Default 0. */
  jitterMs?: number;
}

/** Options of a {@link FakeNetwork}. */
export interface FakeNetworkOptions extends FakeNetworkConditions {
  /** PRNG seed, so a lossy test fails the same way every run. Default 1. */
  seed?: number;
  /** Scheduler; a FakeClock makes delivery happen on `advance()`. Default: real timers. */
  clock?: FakeNetworkClock;
}

/** What happened to one packet handed to the fake network. */
export type PacketFate = 'delivered' | 'dropped' | 'unreachable';

/** One entry of {@link FakeNetwork.log}. */
export interface SentPacket {
  /** Clock time of the send. */
  at: number;
  from: Endpoint;
  to: Endpoint;
  data: Buffer;
  /** Decided at send time; 'delivered' packets arrive after their delay. */
  fate: PacketFate;
  /** First line of the message, for readable assertions (`INVITE sip:...`, `SIP/2.0 200 OK`). */
  firstLine: string;
}

const realClock: FakeNetworkClock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

/**
 * An in-memory network for unit tests of the layers above the transport: create
 * endpoints with {@link FakeNetwork.endpoint}, each a {@link Transport} with the real
 * `send` signature whose received bytes go through the real parser and Via
 * stamping into its `TransportEvents`. Loss (seeded), delay and jitter-driven
 * reordering are configurable; every packet is recorded in {@link FakeNetwork.log}.
 *
 * ```ts
 * const clock = new FakeClock();
 * const net = new FakeNetwork({ clock, seed: 7, dropProbability: 0.3, delayMs: 10, jitterMs: 40 });
 * const phone = net.endpoint({ transport: 'udp', address: '10.0.0.2', port: 5060 }, phoneEvents);
 * const pbx = net.endpoint({ transport: 'udp', address: '10.0.0.1', port: 5060 }, layer.events);
 * ```
 */
export class FakeNetwork {
  /** Every packet sent, in send order. */
  readonly log: SentPacket[] = [];
  private readonly endpoints = new Map<string, FakeTransport>();
  private readonly clock: FakeNetworkClock;
  private readonly pending = new Set<{ cancel(): void }>();
  private state: number;
  private dropProbability = 0;
  private delayMs = 0;
  private jitterMs = 0;

  /** Creates an empty network with the given conditions. */
  constructor(opts: FakeNetworkOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.state = (opts.seed ?? 1) >>> 0;
    this.setConditions(opts);
  }

  /** Changes loss, delay or jitter from now on (packets already in flight keep theirs). */
  setConditions(c: FakeNetworkConditions): void {
    if (c.dropProbability !== undefined) {
      if (!(c.dropProbability >= 0 && c.dropProbability <= 1)) throw new RangeError('dropProbability must be in [0, 1]');
      this.dropProbability = c.dropProbability;
    }
    if (c.delayMs !== undefined) this.delayMs = Math.max(0, c.delayMs);
    if (c.jitterMs !== undefined) this.jitterMs = Math.max(0, c.jitterMs);
  }

  /** Attaches an endpoint at `at`; what it receives goes to `events`. */
  endpoint(at: Endpoint, events: TransportEvents): FakeTransport {
    const key = fakeKey(at.transport, at.address, at.port);
    if (this.endpoints.has(key)) throw new Error(`FakeNetwork: ${key} already in use`);
    const t = new FakeTransport(this, { ...at }, events);
    this.endpoints.set(key, t);
    return t;
  }

  /** Packets sent to `to` (any transport when omitted), optionally only those with a given fate. */
  sentTo(to: { address: string; port: number }, fate?: PacketFate): SentPacket[] {
    return this.log.filter((p) => p.to.address === to.address && p.to.port === to.port && (fate === undefined || p.fate === fate));
  }

  /** Packets in flight (delivery scheduled, not yet done). */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Cancels every packet in flight. */
  clearInFlight(): void {
    for (const p of this.pending) p.cancel();
    this.pending.clear();
  }

  /** @internal Called by FakeTransport.send. */
  transmit(from: FakeTransport, data: Buffer, to: Endpoint): void {
    const target = this.endpoints.get(fakeKey(to.transport, to.address, to.port));
    // Copy: the sender may reuse its buffer, a real network would have copied too.
    const copy = Buffer.from(data);
    let fate: PacketFate;
    if (target === undefined || target.isClosed) fate = 'unreachable';
    else if (this.dropProbability > 0 && this.random() < this.dropProbability) fate = 'dropped';
    else fate = 'delivered';
    const source: Endpoint = { transport: to.transport, address: from.local.address, port: from.local.port };
    this.log.push({ at: this.clock.now(), from: source, to: { ...to }, data: copy, fate, firstLine: firstLine(copy) });
    if (fate !== 'delivered') return;
    const delay = this.delayMs + (this.jitterMs > 0 ? Math.floor(this.random() * (this.jitterMs + 1)) : 0);
    const handle = this.clock.setTimer(delay, () => {
      this.pending.delete(handle);
      if (!target!.isClosed) target!.receive(copy, source);
    });
    this.pending.add(handle);
  }

  /** @internal */
  detach(t: FakeTransport): void {
    this.endpoints.delete(fakeKey(t.name, t.local.address, t.local.port));
  }

  /** mulberry32: small, seeded, good enough to decide packet fates. */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** An endpoint of a {@link FakeNetwork}: a Transport whose packets travel in memory. */
export class FakeTransport implements Transport {
  readonly name: TransportName;
  readonly local: { address: string; port: number };
  /** This endpoint's own counters (received, malformed ...). */
  readonly counters: TransportCounters = newCounters();
  private readonly dispatcher: InboundDispatcher;
  private closed = false;

  /** Use {@link FakeNetwork.endpoint}. */
  constructor(
    private readonly network: FakeNetwork,
    at: Endpoint,
    events: TransportEvents,
  ) {
    this.name = at.transport;
    this.local = { address: at.address, port: at.port };
    this.dispatcher = new InboundDispatcher(events, this.counters, logger);
  }

  /** True after close(). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Hands the bytes to the network; resolves at once, like a UDP send. */
  send(data: Buffer, to: Endpoint): Promise<void> {
    if (this.closed) {
      this.counters.sendErrors++;
      return Promise.resolve();
    }
    this.counters.sent++;
    this.network.transmit(this, data, to);
    return Promise.resolve();
  }

  /** Detaches from the network; packets in flight to it are lost. */
  close(): Promise<void> {
    this.closed = true;
    this.network.detach(this);
    return Promise.resolve();
  }

  /** @internal Delivery from the network: one send = one message, parsed like a datagram. */
  receive(data: Buffer, source: Endpoint): void {
    try {
      const r = parseDatagram(data);
      if (r.kind === 'incomplete') this.dispatcher.reject('malformed', 'truncated message', source, data);
      else this.dispatcher.dispatch(r, source, data);
    } catch (err) {
      this.dispatcher.crashed(err, source, data);
    }
  }
}

function fakeKey(transport: TransportName, address: string, port: number): string {
  return `${transport}:${address}:${port}`;
}

function firstLine(data: Buffer): string {
  const end = data.indexOf(0x0d);
  return data.toString('latin1', 0, end < 0 ? Math.min(data.length, 200) : Math.min(end, 200));
}
