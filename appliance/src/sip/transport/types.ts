import type { SipRequest, SipResponse } from '../message/index.ts';
import type { Endpoint, TransportName } from './endpoint.ts';

/** Size caps handed to the message parser (mirrors the message layer's limits). */
export interface ParseLimits {
  maxMessageBytes: number;
  maxHeaders: number;
}

/** A packet that did not parse, as reported to {@link TransportEvents.onMalformed}. */
export interface MalformedInfo {
  reason: string;
  kind: 'malformed' | 'too-large';
  /** Set when a response can be formed; answer it with `status ?? 400`. */
  request?: SipRequest;
  /** Status the parser suggests when not 400 (505 for an unsupported SIP version). */
  status?: number;
}

/** What a transport reports upwards; the transaction layer registers these (STYLE.md 1: the lower layer never imports the upper). */
export interface TransportEvents {
  /** A parsed message; for requests the top Via already carries received/rport (RFC 3261 §18.2.1, RFC 3581 §4). */
  onMessage(message: SipRequest | SipResponse, source: Endpoint): void;
  /** A packet that did not parse: already counted and logged (sender + first bytes, debug level for the bytes); `request` is set when a 400 can be answered. */
  onMalformed?(info: MalformedInfo, source: Endpoint): void;
}

/** A listening transport (one socket or server). */
export interface Transport {
  readonly name: TransportName;
  readonly local: { address: string; port: number };
  /** Sends bytes; TCP reuses a connection from/to that address:port (e.g. the one a phone registered over) or opens one. Never throws: failures are counted and logged (and TCP connect failure reported via the returned promise rejecting, which callers may ignore). */
  send(data: Buffer, to: Endpoint): Promise<void>;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/** Traffic counters shared by the transports of one {@link TransportLayer}. */
export interface TransportCounters {
  received: number;
  sent: number;
  malformed: number;
  tooLarge: number;
  sendErrors: number;
}

/** Fresh zeroed counters. */
export function newCounters(): TransportCounters {
  return { received: 0, sent: 0, malformed: 0, tooLarge: 0, sendErrors: 0 };
}
