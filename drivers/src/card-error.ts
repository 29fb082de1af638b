/** Why a card operation failed. */
export type CardErrorCode =
  /** The FFI library (libc or the simulator) could not be loaded. */
  | 'LIBRARY_NOT_FOUND'
  /** The device node or the channel does not exist: no card, or not configured. */
  | 'CARD_NOT_FOUND'
  /** An ioctl, read or write failed with an errno. */
  | 'IO_FAILED'
  /** A port number the card does not have. */
  | 'BAD_PORT'
  /** The card was closed. */
  | 'CLOSED';

/** A typed error of the drivers layer, carrying the port and errno when known. */
export class CardError extends Error {
  /** Machine-readable cause. */
  readonly code: CardErrorCode;
  /** Port (channel) concerned, if any. */
  readonly port: number | undefined;
  /** errno of the failing call, if any. */
  readonly errno: number | undefined;

  constructor(code: CardErrorCode, message: string, opts: { port?: number; errno?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CardError';
    this.code = code;
    this.port = opts.port;
    this.errno = opts.errno;
  }
}
