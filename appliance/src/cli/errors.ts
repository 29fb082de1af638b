/** Exit codes of the console CLI, documented in docs/cli.md. */
export const ExitCode = {
  ok: 0,
  /** The command ran but found a problem (invalid file, PBX refused the reload, unexpected failure). */
  failure: 1,
  /** Bad input: unknown command or option, malformed value, refused change. Nothing was written. */
  usage: 2,
  /** The PBX is not running (status needs it). */
  pbxNotRunning: 3,
} as const;

/** Bad command-line input; printed as one line on stderr, exit code 2, nothing written. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}
