// Splitting a SIP multipart/mixed body (RFC 2046 §5.1, RFC 5621 §3) into its parts. A
// SIPREC INVITE carries two: the SDP and the recording metadata (RFC 7866 §6.1.1), each
// with its own Content-Type and, for the metadata, Content-Disposition: recording-session.
import { MultipartError, RecordingOfferError } from './errors.ts';

/** One body part: its headers (lower-case names) and its content. */
export interface BodyPart {
  /** Media type without parameters, lower case ('application/sdp'). */
  contentType: string;
  /** Disposition type without parameters, lower case ('recording-session'), or '' when absent. */
  disposition: string;
  /** All part headers by lower-case name. */
  headers: Record<string, string>;
  /** The part's content (a view into the message body). */
  body: Buffer;
}

/** Media type and parameters of a Content-Type value (RFC 2045 §5.1), type lower-cased. */
export function parseMediaType(value: string): { type: string; params: Record<string, string> } {
  const [type, ...rest] = splitParams(value);
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params[p.slice(0, eq).trim().toLowerCase()] = v;
  }
  return { type: (type ?? '').trim().toLowerCase(), params };
}

/** Splits on ';' outside quoted strings. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    if (c === ';' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Most parts a recording body may have; SIPREC needs two, a few more are tolerated. */
const MAX_PARTS = 16;

/**
 * Splits `body` of a multipart Content-Type into parts. Delimiters are "--boundary" at
 * a line start (RFC 2046 §5.1.1); the CRLF before a delimiter belongs to it, not to the
 * part. Bare LF line ends are accepted, as many SIP stacks send them. Throws MultipartError.
 */
export function parseMultipart(contentType: string, body: Buffer): BodyPart[] {
  const { type, params } = parseMediaType(contentType);
  if (!type.startsWith('multipart/')) throw new MultipartError(`Content-Type ${type || '(none)'} is not multipart`);
  const boundary = params.boundary;
  if (!boundary || boundary.length > 70) throw new MultipartError('missing or invalid boundary parameter');
  const text = body.toString('latin1'); // byte-for-byte: offsets map 1:1 back to the Buffer
  const delim = `--${boundary}`;
  const starts: number[] = []; // first byte of each part
  const ends: number[] = []; // index of the delimiter that ends each part
  let closed = false;
  let i = text.startsWith(delim) ? 0 : findDelimiter(text, delim, 0);
  while (i >= 0) {
    if (starts.length > ends.length) ends.push(i);
    const after = i + delim.length;
    if (text.startsWith('--', after)) {
      closed = true;
      break;
    }
    const eol = text.indexOf('\n', after);
    if (eol < 0) throw new MultipartError('delimiter line not terminated');
    starts.push(eol + 1);
    if (starts.length > MAX_PARTS) throw new MultipartError(`more than ${MAX_PARTS} parts`);
    i = findDelimiter(text, delim, eol + 1);
  }
  if (starts.length === 0) throw new MultipartError(`no part delimited by "${boundary}"`);
  if (!closed) throw new MultipartError('no closing delimiter');
  const parts: BodyPart[] = [];
  for (let p = 0; p < starts.length; p++) {
    const start = starts[p]!;
    // The line break before the delimiter is part of the delimiter (RFC 2046 §5.1.1).
    let end = ends[p]!;
    if (text[end - 1] === '\n') end--;
    if (text[end - 1] === '\r') end--;
    parts.push(parsePart(body, text, start, Math.max(start, end)));
  }
  return parts;
}

/** Index of the next delimiter at a line start at or after `from` (itself a line start). */
function findDelimiter(text: string, delim: string, from: number): number {
  if (text.startsWith(delim, from)) return from;
  const k = text.indexOf(`\n${delim}`, from);
  return k < 0 ? -1 : k + 1;
}

function parsePart(body: Buffer, text: string, start: number, end: number): BodyPart {
  const headers: Record<string, string> = {};
  let o = start;
  // Headers end at the first empty line; a part with no headers starts with one.
  for (;;) {
    const eol = text.indexOf('\n', o);
    if (eol < 0 || eol >= end) {
      o = end;
      break;
    }
    const line = text.slice(o, text[eol - 1] === '\r' ? eol - 1 : eol);
    o = eol + 1;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`part header without a colon: ${JSON.stringify(line.slice(0, 60))}`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  // RFC 2046 §5.1: a part without Content-Type is text/plain; SIP (RFC 5621 §3.1) says the same.
  const contentType = parseMediaType(headers['content-type'] ?? 'text/plain').type;
  const disposition = (headers['content-disposition'] ?? '').split(';')[0]!.trim().toLowerCase();
  return { contentType, disposition, headers, body: body.subarray(o, end) };
}

/** The two bodies a recording session INVITE carries. */
export interface RecordingBodies {
  /** The SDP offer (may be absent in a re-INVITE that only updates metadata). */
  sdp?: Buffer;
  /** The RFC 7865 metadata XML (absent when the SRC sends none, e.g. a plain media refresh). */
  metadata?: Buffer;
}

/** Metadata media type registered by RFC 7865 §8. */
export const METADATA_CONTENT_TYPE = 'application/rs-metadata+xml';

/**
 * Picks the SDP and metadata out of an INVITE or re-INVITE body (RFC 7866 §6.1.1): a
 * multipart/mixed body, or a lone SDP or lone metadata body. Throws MultipartError, and
 * RecordingOfferError(415) for a body of a type the SRS does not take.
 */
export function recordingBodies(contentType: string | undefined, body: Buffer): RecordingBodies {
  if (body.length === 0) return {};
  const type = parseMediaType(contentType ?? '').type;
  if (type === 'application/sdp') return { sdp: body };
  if (type === METADATA_CONTENT_TYPE) return { metadata: body };
  if (!type.startsWith('multipart/')) {
    throw new RecordingOfferError(415, `unsupported body type ${type || '(none)'}`);
  }
  const out: RecordingBodies = {};
  for (const part of parseMultipart(contentType!, body)) {
    if (part.contentType === 'application/sdp' && !out.sdp) out.sdp = part.body;
    else if (part.contentType === METADATA_CONTENT_TYPE && !out.metadata) out.metadata = part.body;
  }
  return out;
}
