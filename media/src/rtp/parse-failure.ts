// Outcome of a failed binary parse. Parsers on the packet path return one of a
// fixed set of frozen instances instead of throwing or allocating, so a flood of
// garbage datagrams costs no garbage collection (STYLE.md habits 7 and 11).

/** Why a parse failed: the buffer ended early, its contents break the format, or it exceeds a cap. */
export type ParseFailureKind = 'truncated' | 'malformed' | 'too-large';

/** A parse that did not produce a packet; compare `kind`, log `reason`. Instances are shared and frozen. */
export class ParseFailure {
  /** Creates a failure value; parsers keep these as module-level constants. */
  constructor(
    /** Class of failure, so callers can tell "need more bytes" from "garbage". */
    readonly kind: ParseFailureKind,
    /** Short human-readable cause for logs and counters. */
    readonly reason: string,
  ) {
    Object.freeze(this);
  }
}

/** True when a parser result is a {@link ParseFailure} rather than a packet. */
export function isParseFailure(x: unknown): x is ParseFailure {
  return x instanceof ParseFailure;
}
