// Framing and parsing of whole SIP messages from datagrams and streams
// (RFC 3261 §7, §18.3): tells apart "need more bytes", "malformed" and "too large".
import { isAscii, isUtf8 } from 'node:buffer';
import { UINT32_MAX, parseBoundedInt } from './chars.ts';
import { splitHead } from './head.ts';
import type { Headers } from './headers.ts';
import { SipRequest, SipResponse } from './sip-message.ts';
import { parseStartLine } from './start-line.ts';
import { validateMessage } from './validate.ts';

/** Size caps applied while parsing. */
export interface ParseLimits {
  /** Largest whole message (head + body) accepted; default 65535. */
  maxMessageBytes: number;
  /** Most header lines accepted; default 256. */
  maxHeaders: number;
}

/** Limits used where the caller gives none. */
export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({ maxMessageBytes: 65535, maxHeaders: 256 });

/** Outcome of parsing one message. */
export type ParseResult =
  | { kind: 'message'; message: SipRequest | SipResponse; bytes: number }
  | { kind: 'incomplete' }
  | {
      kind: 'malformed';
      reason: string;
      /** How many bytes to skip on a stream, when known. */
      bytes?: number;
      /** Present when a response can be formed (Via, From, To, Call-ID, CSeq usable), to answer `status ?? 400`. */
      request?: SipRequest;
      /** Suggested status for that response when not 400 (505 for an unsupported version). */
      status?: number;
      /** On a stream: the framing is lost, close the connection. */
      fatal?: true;
    }
  | { kind: 'too-large'; bytes?: number; fatal?: true };

/** @internal ParseResult plus, for a stream waiting on a body, the total bytes needed. */
export type FramedResult = ParseResult | { kind: 'incomplete'; need: number };

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

/** Completes partial limits with the defaults. */
export function resolveLimits(limits?: Partial<ParseLimits>): ParseLimits {
  return limits === undefined ? DEFAULT_PARSE_LIMITS : { ...DEFAULT_PARSE_LIMITS, ...limits };
}

// Header text is UTF-8 (§7.3); pure ASCII is decoded as latin1, the cheapest
// decoder, and bytes that are not valid UTF-8 are kept as latin1 so that they
// still serialize back unchanged.
function decodeHead(buf: Buffer, from: number, to: number): { text: string; latin1: boolean } {
  const view = buf.subarray(from, to);
  if (isAscii(view)) return { text: buf.toString('latin1', from, to), latin1: false };
  if (isUtf8(view)) return { text: buf.toString('utf8', from, to), latin1: false };
  return { text: buf.toString('latin1', from, to), latin1: true };
}

/** Best effort at a request that a 400 can answer, for a message whose head splits. */
function lenientRequest(head: string, maxHeaders: number): SipRequest | undefined {
  const split = splitHead(head, maxHeaders);
  if (!split.ok) return undefined;
  const sl = parseStartLine(split.startLine);
  let req: SipRequest;
  if (sl.kind === 'request') req = new SipRequest(sl.method, sl.uri, split.headers);
  else if (sl.kind === 'bad' && sl.lenientRequest) req = new SipRequest(sl.lenientRequest.method, sl.lenientRequest.uri, split.headers);
  else return undefined;
  return answerable(req.headers) && viaOk(req) ? req : undefined;
}

function answerable(h: Headers): boolean {
  return h.has('Via') && h.has('From') && h.has('To') && h.has('Call-ID') && h.has('CSeq');
}

function viaOk(req: SipRequest): boolean {
  try {
    return req.via.length > 0;
  } catch {
    return false;
  }
}

/**
 * Parses one message starting at `start` of `buf`. On a stream (`stream` true)
 * the message must carry Content-Length (§18.3) and a short buffer is
 * 'incomplete'; in a datagram the body runs to the end when Content-Length is
 * absent and bytes past Content-Length are ignored (§18.3).
 */
export function parseFramed(buf: Buffer, start: number, stream: boolean, limits: ParseLimits): FramedResult {
  let s = start;
  // §7.5: CRLFs before the start line are ignored (also RFC 5626 keep-alives).
  while (s + 1 < buf.length && buf[s] === 0x0d && buf[s + 1] === 0x0a) s += 2;
  if (s >= buf.length || (stream && s + 1 === buf.length && buf[s] === 0x0d)) {
    return stream ? { kind: 'incomplete' } : { kind: 'malformed', reason: 'empty datagram' };
  }
  if (!stream && buf.length - start > limits.maxMessageBytes) return { kind: 'too-large', bytes: buf.length - start };
  const he = buf.indexOf(CRLFCRLF, s);
  if (he < 0) {
    if (stream) return buf.length - s > limits.maxMessageBytes ? { kind: 'too-large', fatal: true } : { kind: 'incomplete' };
    let end = buf.length;
    while (end > s + 1 && buf[end - 2] === 0x0d && buf[end - 1] === 0x0a) end -= 2;
    const r: ParseResult = { kind: 'malformed', reason: 'no empty line after the headers' };
    const req = lenientRequest(decodeHead(buf, s, end).text, limits.maxHeaders);
    if (req) r.request = req;
    return r;
  }
  if (he - s > limits.maxMessageBytes) return stream ? { kind: 'too-large', fatal: true } : { kind: 'too-large', bytes: buf.length - start };
  const { text: head, latin1 } = decodeHead(buf, s, he);
  const split = splitHead(head, limits.maxHeaders);
  if (!split.ok) {
    if (split.tooMany) return stream ? { kind: 'too-large', fatal: true } : { kind: 'too-large', bytes: buf.length - start };
    return stream ? { kind: 'malformed', reason: split.reason, fatal: true } : { kind: 'malformed', reason: split.reason };
  }
  const headers = split.headers;
  const bodyStart = he + 4;
  const clRaw = headers.get('Content-Length');
  let cl: number;
  if (clRaw === undefined) {
    if (stream) {
      const r: ParseResult = { kind: 'malformed', reason: 'Missing Content-Length on a stream transport', fatal: true };
      const req = lenientRequest(head, limits.maxHeaders);
      if (req) r.request = req;
      return r;
    }
    cl = buf.length - bodyStart;
  } else {
    cl = parseBoundedInt(clRaw, UINT32_MAX);
    if (Number.isNaN(cl)) {
      const r: ParseResult = { kind: 'malformed', reason: 'Bad Content-Length' };
      if (stream) r.fatal = true;
      const req = lenientRequest(head, limits.maxHeaders);
      if (req) r.request = req;
      return r;
    }
  }
  const end = bodyStart + cl;
  const bytes = end - start;
  if (end - s > limits.maxMessageBytes) return { kind: 'too-large', bytes: stream ? bytes : buf.length - start };
  if (end > buf.length) {
    if (stream) return { kind: 'incomplete', need: bytes };
    const r: ParseResult = { kind: 'malformed', reason: 'Content-Length larger than the datagram body' };
    const req = lenientRequest(head, limits.maxHeaders);
    if (req) r.request = req;
    return r;
  }
  const body = buf.subarray(bodyStart, end);
  const sl = parseStartLine(split.startLine);
  const skip = stream ? { bytes } : {};
  if (sl.kind === 'bad') {
    const r: ParseResult = { kind: 'malformed', reason: sl.reason, ...skip };
    if (sl.status !== undefined) r.status = sl.status;
    if (sl.lenientRequest) {
      const req = new SipRequest(sl.lenientRequest.method, sl.lenientRequest.uri, headers, body);
      if (answerable(headers) && viaOk(req)) r.request = req;
    }
    return r;
  }
  const message = sl.kind === 'request' ? new SipRequest(sl.method, sl.uri, headers, body) : new SipResponse(sl.status, sl.reason, headers, body);
  if (latin1) message.wireEncoding = 'latin1';
  const invalid = validateMessage(message, sl.kind === 'request' ? sl.method : undefined);
  if (invalid !== undefined) {
    const r: ParseResult = { kind: 'malformed', reason: invalid.reason, ...skip };
    if (invalid.answerable && message instanceof SipRequest) r.request = message;
    return r;
  }
  return { kind: 'message', message, bytes };
}

/** Parses one UDP datagram (or any complete buffer); never returns 'incomplete'. */
export function parseDatagram(buf: Buffer, limits?: Partial<ParseLimits>): ParseResult {
  const r = parseFramed(buf, 0, false, resolveLimits(limits));
  return r.kind === 'incomplete' ? { kind: 'malformed', reason: 'truncated datagram' } : r;
}
