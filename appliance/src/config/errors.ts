/** One problem found in a configuration document. */
export interface ConfigIssue {
  /** JSON pointer (RFC 6901) to the offending value, e.g. `/extensions/2/secret`; `` for the root. */
  path: string;
  message: string;
}

/** A configuration document was refused; `errors` lists every problem, not only the first. */
export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
  readonly errors: ConfigIssue[];

  constructor(errors: ConfigIssue[], source?: string) {
    const head = source ? `invalid configuration in ${source}` : 'invalid configuration';
    super(`${head} (${errors.length} error${errors.length === 1 ? '' : 's'}):\n` + errors.map((e) => `  ${e.path || '/'}: ${e.message}`).join('\n'));
    this.errors = errors;
  }

  /** The same errors on one line, for a console that prints one line per failure. */
  oneLine(): string {
    return this.errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ');
  }
}

/** Another writer holds the configuration lock and did not release it in time. */
export class ConfigLockedError extends Error {
  override readonly name = 'ConfigLockedError';
  constructor(readonly lockPath: string) {
    super(`configuration is locked by another writer (${lockPath}); try again`);
  }
}

/** A version number was asked for that the history does not hold. */
export class ConfigVersionNotFoundError extends Error {
  override readonly name = 'ConfigVersionNotFoundError';
  constructor(readonly version: number) {
    super(`configuration version ${version} does not exist`);
  }
}

/** An environment override (HOTLINE_SIP_PORT, ...) holds a value that cannot be used. */
export class EnvOverrideError extends Error {
  override readonly name = 'EnvOverrideError';
  constructor(readonly variable: string, readonly value: string, reason: string) {
    super(`environment variable ${variable}=${JSON.stringify(value)} is invalid: ${reason}`);
  }
}
