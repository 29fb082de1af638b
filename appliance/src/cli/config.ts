import { readFile } from 'node:fs/promises';
import { ConfigValidationError, ConfigVersionNotFoundError, lineDiff, serializeConfig, validateConfig, type HotlineConfig } from '../config/index.ts';
import { applyToPbx, changeMeta, openConfig, parseCommandArgs, positionals, positiveInt, type CliContext } from './context.ts';
import { CliUsageError, ExitCode } from './errors.ts';
import { formatTable, localTime } from './table.ts';
import { maskSecrets } from '../mgmt/mask.ts';

/** Help of the `config` group. */
export const configHelp = `Usage: hotline config <command> [options]

Configuration (配置) versions. Every accepted change is kept; rollback creates a new
version equal to an old one.

Commands:
  show [--version N] [--show-secrets]   print the configuration as JSON (secrets masked)
  validate <file>                        check a JSON file; every error with its path; exit 1 if invalid
  history [--json]                       list versions, newest last
  diff <a> <b> [--show-secrets]          line diff between two versions (secrets masked)
  rollback <version> [--comment <c>]     make <version> current again (as a new version)
`;

function versionArg(text: string): number {
  return positiveInt('version', text);
}

/** Secrets replaced, so `config show` can be pasted into a ticket. */
function masked(config: HotlineConfig): HotlineConfig {
  // By field name, as the management API and the audit log mask (extension secrets, SNMP keys and
  // communities wherever they sit: the agent's, the trap targets', the polled gateways').
  return maskSecrets(config);
}

/**
 * Masks secrets on both sides of a diff while keeping a changed secret visible as a change:
 * an extension whose secret differs from the same number in `before` shows "(changed)".
 */
function maskedPair(before: HotlineConfig, after: HotlineConfig): [HotlineConfig, HotlineConfig] {
  const oldSecrets = new Map(before.extensions.map((e) => [e.number, e.secret]));
  const b = masked(after);
  b.extensions.forEach((e, i) => {
    const old = oldSecrets.get(e.number);
    if (old !== undefined && old !== after.extensions[i].secret) e.secret = '******** (changed)';
  });
  return [masked(before), b];
}

/** Turns a missing version into a usage error (bad input), anything else passes through. */
async function known<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ConfigVersionNotFoundError) throw new CliUsageError(err.message);
    throw err;
  }
}

/** Runs `hotline config <sub> ...`. */
export async function runConfig(sub: string | undefined, args: string[], ctx: CliContext): Promise<number> {
  switch (sub) {
    case 'show': {
      const { values, positionals: pos } = parseCommandArgs(args, { version: { type: 'string' }, 'show-secrets': { type: 'boolean' } });
      positionals(pos, [], 'hotline config show [--version N]');
      const store = await openConfig(ctx);
      const config = values.version === undefined ? store.current : await known(store.read(versionArg(values.version)));
      ctx.out(JSON.stringify(values['show-secrets'] ? config : masked(config), null, 2) + '\n');
      return ExitCode.ok;
    }
    case 'validate': {
      const { positionals: pos } = parseCommandArgs(args, {});
      const [file] = positionals(pos, ['file'], 'hotline config validate <file>');
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new CliUsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      try {
        validateConfig(JSON.parse(text), file);
      } catch (err) {
        if (err instanceof SyntaxError) {
          ctx.out(`${file}: not valid JSON: ${err.message}\n`);
          return ExitCode.failure;
        }
        if (!(err instanceof ConfigValidationError)) throw err;
        ctx.out(`${file}: ${err.errors.length} error${err.errors.length === 1 ? '' : 's'}\n`);
        for (const e of err.errors) ctx.out(`  ${e.path || '/'}: ${e.message}\n`);
        return ExitCode.failure;
      }
      ctx.out(`${file}: valid\n`);
      return ExitCode.ok;
    }
    case 'history': {
      const { values, positionals: pos } = parseCommandArgs(args, { json: { type: 'boolean' } });
      positionals(pos, [], 'hotline config history [--json]');
      const store = await openConfig(ctx);
      const list = await store.history();
      if (values.json) ctx.out(JSON.stringify(list, null, 2) + '\n');
      else
        ctx.out(
          formatTable(
            ['Version/版本', 'Saved/时间', 'Author/作者', 'Comment/说明', 'SHA-256'],
            list.map((v) => [`${v.version}${v.version === store.version ? ' *' : ''}`, localTime(v.savedAt), v.author, v.comment, v.sha256.slice(0, 12)]),
          ) + '* current / 当前\n',
        );
      return ExitCode.ok;
    }
    case 'diff': {
      const { values, positionals: pos } = parseCommandArgs(args, { 'show-secrets': { type: 'boolean' } });
      const [a, b] = positionals(pos, ['a', 'b'], 'hotline config diff <a> <b>').map(versionArg);
      const store = await openConfig(ctx);
      if (values['show-secrets']) {
        ctx.out(await known(store.diff(a, b)));
        return ExitCode.ok;
      }
      const [ca, cb] = maskedPair(await known(store.read(a)), await known(store.read(b)));
      ctx.out(`--- version ${a}\n+++ version ${b}\n` + (lineDiff(serializeConfig(ca), serializeConfig(cb)) || '(no differences)\n'));
      return ExitCode.ok;
    }
    case 'rollback': {
      const { values, positionals: pos } = parseCommandArgs(args, { comment: { type: 'string' } });
      const [v] = positionals(pos, ['version'], 'hotline config rollback <version>').map(versionArg);
      const store = await openConfig(ctx);
      const saved = await known(store.rollback(v, changeMeta(ctx, values.comment, `rollback to version ${v}`)));
      ctx.out(`Rolled back to the content of version ${v}, saved as version ${saved.version}.\n`);
      return applyToPbx(ctx, saved);
    }
    default:
      throw new CliUsageError(sub === undefined ? 'missing config command (show, validate, history, diff, rollback)' : `unknown config command "${sub}" (show, validate, history, diff, rollback)`);
  }
}
