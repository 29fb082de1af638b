import { userInfo } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigStore, type ChangeMeta, type ConfigVersion } from '../config/index.ts';
import { ControlClient, ControlRequestError, ServiceNotRunningError } from '../control/index.ts';
import { analogControl } from '../analog/analog-client.ts';
import { dataPaths } from '../paths.ts';
import { CliUsageError, ExitCode } from './errors.ts';

/** Everything a command needs from its surroundings, so commands never touch process globals. */
export interface CliContext {
  /** Resolved data directory and the files below it. */
  paths: ReturnType<typeof dataPaths>;
  /** Writes to stdout (text is printed as is; add your own newline). */
  out(text: string): void;
  /** Writes to stderr. */
  err(text: string): void;
  now(): number;
  /** Author recorded in config history: `cli:<user>`. */
  author: string;
}

/** Builds the context for a data directory, writing to the process's streams. */
export function processContext(dataDir: string): CliContext {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (e.g. an arbitrary uid in a container): keep 'unknown'.
  }
  return {
    paths: dataPaths(dataDir),
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    now: Date.now,
    author: `cli:${user}`,
  };
}

/** node:util parseArgs, strict, with its errors turned into one-line usage errors. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliUsageError((err as Error).message.split('\n')[0]);
  }
}

/** Exactly `names.length` positionals, else a usage error naming what is missing or extra. */
export function positionals(given: string[], names: string[], usage: string): string[] {
  if (given.length < names.length) throw new CliUsageError(`missing <${names[given.length]}>; usage: ${usage}`);
  if (given.length > names.length) throw new CliUsageError(`unexpected argument "${given[names.length]}"; usage: ${usage}`);
  return given;
}

/** A positive integer option/argument, or a usage error. */
export function positiveInt(label: string, text: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < 1) throw new CliUsageError(`${label}: "${text}" is not a positive integer`);
  return Number(text);
}

/** Opens the configuration store of the context's data directory. */
export function openConfig(ctx: CliContext): Promise<ConfigStore> {
  return ConfigStore.open(ctx.paths);
}

/** Metadata for a change made from the console. */
export function changeMeta(ctx: CliContext, comment: string | undefined, fallback: string): ChangeMeta {
  return { author: ctx.author, comment: comment ?? fallback };
}

/**
 * After a saved change, asks the running PBX to reload. Not running is fine (it reads the file at
 * start); a PBX that refuses the new configuration is reported and makes the command fail.
 */
export async function applyToPbx(ctx: CliContext, saved: ConfigVersion): Promise<number> {
  // The analog gateway reads the same file; it is told too, and says so only when it refuses.
  await analogControl(ctx.paths.analogControlSocket).reloadConfig().catch((err) => {
    if (!(err instanceof ServiceNotRunningError)) ctx.err(`warning: the analog gateway did not apply version ${saved.version} (${(err as Error).message})\n`);
  });
  try {
    const r = await new ControlClient(ctx.paths.pbxControlSocket).reloadConfig();
    ctx.out(`PBX reloaded; it now runs configuration version ${r.configVersion}.\n`);
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof ServiceNotRunningError) {
      ctx.out(`PBX is not running; version ${saved.version} is saved and applies at next start.\n`);
      return ExitCode.ok;
    }
    const detail = err instanceof ControlRequestError && err.body.details ? ': ' + err.body.details.map((d) => `${d.path}: ${d.message}`).join('; ') : '';
    ctx.err(`warning: version ${saved.version} is saved but the PBX did not apply it (${(err as Error).message}${detail})\n`);
    return ExitCode.failure;
  }
}
