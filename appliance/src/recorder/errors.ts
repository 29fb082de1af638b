// Typed errors of the recorder: each names what was wrong with the input and maps to the
// SIP answer the SRS gives (STYLE.md habit 13: protocol outcomes are values).

/** A recording session offer the SRS cannot take; `status` is the SIP final response to send. */
export class RecordingOfferError extends Error {
  override readonly name: string = 'RecordingOfferError';
  /** Creates the error with the SIP status and phrase to answer with. */
  constructor(
    /** SIP status code of the refusal (400, 415, 488, 503 ...). */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The recording metadata XML (RFC 7865) is not usable. */
export class MetadataError extends RecordingOfferError {
  override readonly name = 'MetadataError';
  /** A metadata problem is the client's: 400 Bad Request. */
  constructor(message: string) {
    super(400, `recording metadata: ${message}`);
  }
}

/** The multipart body (RFC 2046 §5.1, RFC 5621) could not be split. */
export class MultipartError extends RecordingOfferError {
  override readonly name = 'MultipartError';
  /** A broken body is the client's: 400 Bad Request. */
  constructor(message: string) {
    super(400, `multipart body: ${message}`);
  }
}
