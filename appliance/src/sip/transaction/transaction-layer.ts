import { createResponse, type SipRequest, type SipResponse } from '../message/index.ts';
import type { Endpoint } from '../transport/index.ts';
import { type Clock, systemClock } from '../clock.ts';
import { moduleLogger } from '../../log.ts';
import { ClientTransaction } from './client-transaction.ts';
import { ServerTransaction } from './server-transaction.ts';
import { clientKeyOfRequest, clientKeyOfResponse, serverKey } from './transaction-key.ts';
import { type TimerValues, defaultTimers } from './timers.ts';
import type { ClientTransactionHandler, MessageSender, TransactionUser } from './types.ts';

const log = moduleLogger('sip.transaction');

/** Counters the status page and the monitor read. */
export interface TransactionCounters {
  serverCreated: number;
  clientCreated: number;
  retransmissionsAbsorbed: number;
  timeouts: number;
  strayResponses: number;
  cancelsUnmatched: number;
}

/**
 * The transaction layer (RFC 3261 §17): matches incoming messages to transactions,
 * creates server transactions for new requests and hands them to the TU, answers
 * CANCEL itself (§9.2), and runs client transactions for the TU. It knows the layer
 * below only as a `MessageSender` and the layer above only as a `TransactionUser`.
 */
export class TransactionLayer {
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly clients = new Map<string, ClientTransaction>();
  private tu: TransactionUser | undefined;
  readonly counters: TransactionCounters = {
    serverCreated: 0, clientCreated: 0, retransmissionsAbsorbed: 0, timeouts: 0, strayResponses: 0, cancelsUnmatched: 0,
  };

  constructor(
    private readonly sender: MessageSender,
    private readonly clock: Clock = systemClock,
    private readonly timers: TimerValues = defaultTimers,
  ) {}

  /** Registers the transaction user; the lower layer never imports the upper one (STYLE.md habit 1). */
  setUser(tu: TransactionUser): void { this.tu = tu; }

  /** Number of live transactions (tests prove they all end). */
  get size(): { server: number; client: number } { return { server: this.servers.size, client: this.clients.size }; }

  /** Entry point for every parsed message from the transport. */
  receive(message: SipRequest | SipResponse, source: Endpoint): void {
    if (message.isRequest) this.receiveRequest(message as SipRequest, source);
    else this.receiveResponse(message as SipResponse, source);
  }

  /** Starts a client transaction for `request` towards `to`. */
  request(request: SipRequest, to: Endpoint, handler: ClientTransactionHandler): ClientTransaction {
    const key = clientKeyOfRequest(request);
    const counted: ClientTransactionHandler = {
      onResponse: (r) => handler.onResponse(r),
      onTimeout: () => { this.counters.timeouts++; handler.onTimeout(); },
    };
    const tx = new ClientTransaction(key, request, to, counted, {
      sender: this.sender, clock: this.clock, timers: this.timers,
      onTerminated: (t) => { if (this.clients.get(t.key) === t) this.clients.delete(t.key); },
      sendCancel: (cancel, dest) => { this.request(cancel, dest, { onResponse() {}, onTimeout() {} }); },
    });
    this.clients.set(key, tx);
    this.counters.clientCreated++;
    tx.start();
    return tx;
  }

  /** Sends a message outside any transaction (2xx retransmissions, ACK for 2xx, stateless replies). */
  sendStateless(message: SipRequest | SipResponse, to: Endpoint): void {
    this.sender.send(message, to);
  }

  private receiveRequest(request: SipRequest, source: Endpoint): void {
    if (request.method === 'ACK') {
      const tx = this.servers.get(serverKey(request));
      if (tx && (tx.state === 'completed' || tx.state === 'confirmed')) { tx.receiveAck(); return; }
      this.tu?.onAck(request, source);
      return;
    }
    if (request.method === 'CANCEL') { this.receiveCancel(request, source); return; }
    const key = serverKey(request);
    const existing = this.servers.get(key);
    if (existing) {
      this.counters.retransmissionsAbsorbed++;
      existing.receiveRetransmission();
      return;
    }
    const tx = this.createServer(key, request, source);
    if (request.method === 'INVITE') {
      // RFC 3261 §17.2.1: a 100 at once stops the caller's Timer A retransmissions.
      tx.respond(createResponse(request, 100, 'Trying'));
    }
    this.tu?.onRequest(request, source);
  }

  /** The server transaction a request (not ACK/CANCEL) created; the TU answers through it. */
  serverTransactionOf(request: SipRequest): ServerTransaction | undefined {
    return this.servers.get(serverKey(request));
  }

  private receiveCancel(cancel: SipRequest, source: Endpoint): void {
    const key = serverKey(cancel, 'CANCEL');
    const existing = this.servers.get(key);
    if (existing) { existing.receiveRetransmission(); return; }
    const cancelTx = this.createServer(key, cancel, source);
    const invite = this.servers.get(serverKey(cancel, 'INVITE'));
    if (!invite) {
      // §9.2: no matching transaction.
      this.counters.cancelsUnmatched++;
      cancelTx.respond(createResponse(cancel, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    cancelTx.respond(createResponse(cancel, 200, 'OK'));
    if (invite.finalSent) return;
    invite.cancelled = true;
    invite.onCancel?.();
  }

  private createServer(key: string, request: SipRequest, source: Endpoint): ServerTransaction {
    const tx = new ServerTransaction(key, request, source, {
      sender: this.sender, clock: this.clock, timers: this.timers,
      onTerminated: (t) => { if (this.servers.get(t.key) === t) this.servers.delete(t.key); },
    });
    this.servers.set(key, tx);
    this.counters.serverCreated++;
    return tx;
  }

  private receiveResponse(response: SipResponse, source: Endpoint): void {
    const tx = this.clients.get(clientKeyOfResponse(response));
    if (tx) { tx.receive(response); return; }
    this.counters.strayResponses++;
    if (log.isLevelEnabled('debug')) log.debug({ status: response.status, source: `${source.address}:${source.port}` }, 'stray response');
    this.tu?.onStrayResponse?.(response, source);
  }
}
