// The CSeq header (RFC 3261 §20.16, §8.1.1.5).
import { SipParseError } from './errors.ts';
import { UINT32_MAX, isToken, parseBoundedInt } from './chars.ts';

/** A CSeq value: sequence number and method. */
export interface CSeq {
  seq: number;
  method: string;
}

const CSEQ = /^(\d+)[ \t]+(\S+)$/;

/** Parses `1*DIGIT LWS Method`; the number must fit 32 bits unsigned (§8.1.1.5). */
export function parseCSeq(value: string): CSeq {
  const m = CSEQ.exec(value.trim());
  if (m === null) throw new SipParseError('expected "<number> <method>"', 'CSeq');
  const seq = parseBoundedInt(m[1]!, UINT32_MAX);
  if (Number.isNaN(seq)) throw new SipParseError('sequence number out of range', 'CSeq');
  if (!isToken(m[2]!)) throw new SipParseError('method is not a token', 'CSeq');
  return { seq, method: m[2]! };
}

/** Formats a CSeq value. */
export function formatCSeq(cseq: CSeq): string {
  return `${cseq.seq} ${cseq.method}`;
}
