/** Thrown for malformed input by the header/URI parsers. */
export class SipParseError extends Error {
  /** The message without the header name prefix. */
  readonly detail: string;
  /** @param header canonical name of the header that failed, when one did. */
  constructor(message: string, readonly header?: string) {
    super(header === undefined ? message : `${header}: ${message}`);
    this.detail = message;
    this.name = 'SipParseError';
  }
}
