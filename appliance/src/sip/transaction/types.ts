import type { SipMessage, SipRequest, SipResponse } from '../message/index.ts';
import type { Endpoint } from '../transport/index.ts';

/** What the transaction layer needs from the layer below: a way to put a message on the wire. */
export interface MessageSender {
  send(message: SipMessage, to: Endpoint): void;
  /** Sends bytes serialized earlier: retransmissions reuse them (RFC 3261 §17.1.1.2). */
  sendBytes(data: Buffer, to: Endpoint): void;
}

/** A MessageSender over anything that sends bytes (a transport, a fake network endpoint). */
export function senderOver(transport: { send(data: Buffer, to: Endpoint): unknown }): MessageSender {
  return {
    send: (message, to) => { void transport.send(message.toBuffer(), to); },
    sendBytes: (data, to) => { void transport.send(data, to); },
  };
}

/** RFC 3261 §17 and RFC 6026 transaction states. */
export type TransactionState =
  | 'calling' | 'trying' | 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

/** What a client transaction tells its transaction user. */
export interface ClientTransactionHandler {
  /** Every response the TU must see: provisional, each 2xx (RFC 6026 passes retransmitted 2xx up so the TU re-ACKs), the first non-2xx final. */
  onResponse(response: SipResponse): void;
  /** Timer B or F fired, or the transport failed (RFC 3261 §8.1.3.1: treat as 408 / 503). */
  onTimeout(): void;
}

/** The transaction user (UA core, registrar, B2BUA) as seen from the transaction layer. */
export interface TransactionUser {
  /** A new request, with the server transaction that will carry its responses. ACK and CANCEL never arrive here. */
  onRequest(request: SipRequest, source: Endpoint): void;
  /** An ACK that matched no server transaction: the ACK for a 2xx, which belongs to the dialog (RFC 3261 §17.2.3). */
  onAck(ack: SipRequest, source: Endpoint): void;
  /** A response that matched no client transaction (late 2xx retransmission after Timer M, stray). */
  onStrayResponse?(response: SipResponse, source: Endpoint): void;
}

/** True when the transport delivers reliably, so retransmission timers are not run (RFC 3261 §17.1.1.2). */
export const isReliable = (to: Endpoint): boolean => to.transport !== 'udp';

export type { SipRequest, SipResponse };
