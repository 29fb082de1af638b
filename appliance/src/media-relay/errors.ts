// Typed errors of the relay (STYLE.md habit 13): callers switch on `code`.

/** Why a relay operation failed. */
export type MediaRelayErrorCode = 'ports-exhausted' | 'unknown-session' | 'worker-crashed' | 'closed' | 'bind-failed' | 'bad-options' | 'cross-worker';

/** An error of the media relay, carrying a machine-readable `code`. */
export class MediaRelayError extends Error {
  override readonly name = 'MediaRelayError';
  /** Creates the error. */
  constructor(readonly code: MediaRelayErrorCode, message: string) {
    super(message);
  }
}
