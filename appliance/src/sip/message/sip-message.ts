// SIP requests and responses (RFC 3261 §7): start line, ordered raw headers,
// body, and typed cached views of the headers every layer needs (§8.1.1).
import { SipParseError } from './errors.ts';
import { UINT32_MAX, parseBoundedInt } from './chars.ts';
import { Headers } from './headers.ts';
import { parseVia, type Via } from './via.ts';
import { parseNameAddr, type NameAddr } from './name-addr.ts';
import { parseCSeq, type CSeq } from './cseq.ts';
import { parseContactValue, type Contact } from './contact.ts';
import { parseUri, type SipUri } from './uri.ts';

const EMPTY = Buffer.alloc(0);

/** Common part of requests and responses. */
export abstract class SipMessage {
  /** Ordered raw headers; changes through it invalidate the typed views below. */
  readonly headers: Headers;
  /** Message body (may be a view into the received buffer). */
  body: Buffer;
  /** True for SipRequest, false for SipResponse. */
  abstract readonly isRequest: boolean;
  /**
   * @internal Byte encoding of the header text on the wire: 'utf8' normally
   * (RFC 3261 §7.3 text is UTF-8); 'latin1' when the received bytes were not valid
   * UTF-8, so that they still go back out unchanged.
   */
  wireEncoding: 'utf8' | 'latin1' = 'utf8';

  private cacheRev = -1;
  private cVia: Via[] | undefined;
  private cFrom: NameAddr | undefined;
  private cTo: NameAddr | undefined;
  private cCSeq: CSeq | undefined;
  private cContacts: Contact[] | undefined;

  /** @param headers taken as is (not copied). */
  constructor(headers?: Headers, body?: Buffer) {
    this.headers = headers ?? new Headers();
    this.body = body ?? EMPTY;
  }

  private fresh(): void {
    if (this.cacheRev !== this.headers.revision) {
      this.cVia = this.cFrom = this.cTo = this.cCSeq = this.cContacts = undefined;
      this.cacheRev = this.headers.revision;
    }
  }

  /** All Vias in order, typed and cached (treat as read-only); throws SipParseError if one is malformed. */
  get via(): Via[] {
    this.fresh();
    if (this.cVia === undefined) {
      const out: Via[] = [];
      for (const raw of this.headers.getRaw('Via')) for (const v of parseVia(raw)) out.push(v);
      this.cVia = out;
    }
    return this.cVia;
  }

  /** The From address; throws SipParseError if missing or malformed. */
  get from(): NameAddr {
    this.fresh();
    return (this.cFrom ??= this.nameAddr('From'));
  }

  /** The To address; throws SipParseError if missing or malformed. */
  get to(): NameAddr {
    this.fresh();
    return (this.cTo ??= this.nameAddr('To'));
  }

  /** The Call-ID; throws SipParseError if missing or malformed. */
  get callId(): string {
    const v = this.headers.get('Call-ID');
    if (v === undefined) throw new SipParseError('missing', 'Call-ID');
    // callid = word [ "@" word ]: no whitespace, not empty (§25.1).
    if (v.length === 0 || /[\s]/.test(v)) throw new SipParseError('malformed', 'Call-ID');
    return v;
  }

  /** The CSeq; throws SipParseError if missing or malformed. */
  get cseq(): CSeq {
    this.fresh();
    if (this.cCSeq === undefined) {
      const v = this.headers.get('CSeq');
      if (v === undefined) throw new SipParseError('missing', 'CSeq');
      this.cCSeq = parseCSeq(v);
    }
    return this.cCSeq;
  }

  /** Every Contact value in order ([] when absent); throws SipParseError if one is malformed. */
  get contacts(): Contact[] {
    this.fresh();
    if (this.cContacts === undefined) {
      const out: Contact[] = [];
      for (const raw of this.headers.getRaw('Contact')) parseContactValue(raw, out);
      this.cContacts = out;
    }
    return this.cContacts;
  }

  /** Max-Forwards (0-255, §20.22), undefined when absent; throws SipParseError if malformed. */
  get maxForwards(): number | undefined {
    return this.scalar('Max-Forwards', 255);
  }

  /** Expires in seconds (delta-seconds, §20.19), undefined when absent; throws SipParseError if malformed. */
  get expires(): number | undefined {
    return this.scalar('Expires', UINT32_MAX);
  }

  /** The start line without CRLF. */
  abstract startLine(): string;

  /** Serializes: start line, headers (canonical names, in order), Content-Length recomputed from the body, CRLF, body. */
  toBuffer(): Buffer {
    const h = this.headers;
    let head = this.startLine() + '\r\n';
    let wroteLength = false;
    for (let i = 0; i < h.size; i++) {
      if (h.keyAt(i) === 'content-length') {
        if (wroteLength) continue;
        wroteLength = true;
        head += `Content-Length: ${this.body.length}\r\n`;
      } else {
        head += `${h.nameAt(i)}: ${h.valueAt(i)}\r\n`;
      }
    }
    if (!wroteLength) head += `Content-Length: ${this.body.length}\r\n`;
    head += '\r\n';
    // byteLength equals length only for pure ASCII, which latin1 writes fastest.
    const utf8Len = Buffer.byteLength(head, 'utf8');
    const enc = this.wireEncoding === 'latin1' || utf8Len === head.length ? 'latin1' : 'utf8';
    const headLen = enc === 'latin1' ? head.length : utf8Len;
    const out = Buffer.allocUnsafe(headLen + this.body.length);
    out.write(head, 0, enc);
    this.body.copy(out, headLen);
    return out;
  }

  private nameAddr(name: string): NameAddr {
    const v = this.headers.get(name);
    if (v === undefined) throw new SipParseError('missing', name);
    try {
      return parseNameAddr(v);
    } catch (e) {
      throw new SipParseError(e instanceof SipParseError ? e.detail : String(e), name);
    }
  }

  private scalar(name: string, max: number): number | undefined {
    const v = this.headers.get(name);
    if (v === undefined) return undefined;
    const n = parseBoundedInt(v.trim(), max);
    if (Number.isNaN(n)) throw new SipParseError('not a number in range', name);
    return n;
  }
}

/** A SIP request (RFC 3261 §7.1). */
export class SipRequest extends SipMessage {
  /** True: this is a request. */
  readonly isRequest = true as const;
  private cUriText: string | undefined;
  private cUri: SipUri | undefined;

  /** @param uri the Request-URI as text. */
  constructor(public method: string, public uri: string, headers?: Headers, body?: Buffer) {
    super(headers, body);
  }

  /** The Request-URI parsed (cached while `uri` is unchanged); throws SipParseError. */
  get requestUri(): SipUri {
    if (this.cUriText !== this.uri || this.cUri === undefined) {
      this.cUri = parseUri(this.uri);
      this.cUriText = this.uri;
    }
    return this.cUri;
  }

  /** `Method Request-URI SIP/2.0` */
  startLine(): string {
    return `${this.method} ${this.uri} SIP/2.0`;
  }
}

/** A SIP response (RFC 3261 §7.2). */
export class SipResponse extends SipMessage {
  /** False: this is a response. */
  readonly isRequest = false as const;

  /** @param status 100-699 */
  constructor(public status: number, public reason: string, headers?: Headers, body?: Buffer) {
    super(headers, body);
  }

  /** `SIP/2.0 Status-Code Reason-Phrase` */
  startLine(): string {
    return `SIP/2.0 ${this.status} ${this.reason}`;
  }
}
