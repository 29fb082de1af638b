import type { ExtensionConfig } from '../config/index.ts';
import { applyToPbx, changeMeta, openConfig, parseCommandArgs, positionals, positiveInt, type CliContext } from './context.ts';
import { CliUsageError, ExitCode } from './errors.ts';
import { formatTable } from './table.ts';

/** Help of the `extension` group. */
export const extensionHelp = `Usage: hotline extension <command> [options]

Manage SIP extensions (分机). Every change is saved as a new configuration version
and the running PBX is asked to reload it.

Commands:
  add <number> --secret <s> [--name <n>] [--max-contacts N] [--call-waiting] [--comment <c>]
  list [--json]
  remove <number> [--comment <c>]
  passwd <number> --secret <s> [--comment <c>]

Numbers are 2 to 8 digits; secrets at least 8 characters.
`;

function checkNumber(n: string): string {
  if (!/^[0-9]{2,8}$/.test(n)) throw new CliUsageError(`extension number "${n}" must be 2 to 8 digits`);
  return n;
}

function checkSecret(s: string | undefined): string {
  if (s === undefined) throw new CliUsageError('--secret <s> is required');
  if (s.length < 8) throw new CliUsageError('--secret must be at least 8 characters');
  return s;
}

/** Runs `hotline extension <sub> ...`. */
export async function runExtension(sub: string | undefined, args: string[], ctx: CliContext): Promise<number> {
  switch (sub) {
    case 'add': {
      const { values, positionals: pos } = parseCommandArgs(args, {
        secret: { type: 'string' },
        name: { type: 'string' },
        'max-contacts': { type: 'string' },
        'call-waiting': { type: 'boolean' },
        comment: { type: 'string' },
      });
      const [number] = positionals(pos, ['number'], 'hotline extension add <number> --secret <s>');
      checkNumber(number);
      const ext: ExtensionConfig = {
        number,
        secret: checkSecret(values.secret),
        maxContacts: values['max-contacts'] === undefined ? 5 : positiveInt('--max-contacts', values['max-contacts']),
        callWaiting: values['call-waiting'] ?? false,
      };
      if (values.name !== undefined) ext.name = values.name;
      const store = await openConfig(ctx);
      if (store.current.extensions.some((e) => e.number === number)) throw new CliUsageError(`extension ${number} already exists`);
      const saved = await store.update((d) => void d.extensions.push(ext), changeMeta(ctx, values.comment, `extension add ${number}`));
      ctx.out(`Extension ${number} added (configuration version ${saved.version}).\n`);
      return applyToPbx(ctx, saved);
    }
    case 'list': {
      const { values, positionals: pos } = parseCommandArgs(args, { json: { type: 'boolean' } });
      positionals(pos, [], 'hotline extension list [--json]');
      const store = await openConfig(ctx);
      // Secrets never leave the store through the console listing.
      const list = store.current.extensions.map(({ secret: _secret, ...rest }) => rest);
      if (values.json) ctx.out(JSON.stringify(list, null, 2) + '\n');
      else if (list.length === 0) ctx.out('No extensions configured. / 没有分机。\n');
      else
        ctx.out(
          formatTable(
            ['Number/号码', 'Name/名称', 'Max contacts/最大注册数', 'Call waiting/呼叫等待'],
            list.map((e) => [e.number, e.name ?? '', String(e.maxContacts), e.callWaiting ? 'yes/是' : 'no/否']),
          ),
        );
      return ExitCode.ok;
    }
    case 'remove': {
      const { values, positionals: pos } = parseCommandArgs(args, { comment: { type: 'string' } });
      const [number] = positionals(pos, ['number'], 'hotline extension remove <number>');
      const store = await openConfig(ctx);
      if (!store.current.extensions.some((e) => e.number === number)) throw new CliUsageError(`extension ${number} does not exist`);
      const saved = await store.update((d) => void (d.extensions = d.extensions.filter((e) => e.number !== number)), changeMeta(ctx, values.comment, `extension remove ${number}`));
      ctx.out(`Extension ${number} removed (configuration version ${saved.version}).\n`);
      return applyToPbx(ctx, saved);
    }
    case 'passwd': {
      const { values, positionals: pos } = parseCommandArgs(args, { secret: { type: 'string' }, comment: { type: 'string' } });
      const [number] = positionals(pos, ['number'], 'hotline extension passwd <number> --secret <s>');
      const secret = checkSecret(values.secret);
      const store = await openConfig(ctx);
      if (!store.current.extensions.some((e) => e.number === number)) throw new CliUsageError(`extension ${number} does not exist`);
      const saved = await store.update((d) => {
        for (const e of d.extensions) if (e.number === number) e.secret = secret;
      }, changeMeta(ctx, values.comment, `extension passwd ${number}`));
      ctx.out(`Secret of extension ${number} changed (configuration version ${saved.version}).\n`);
      return applyToPbx(ctx, saved);
    }
    default:
      throw new CliUsageError(sub === undefined ? 'missing extension command (add, list, remove, passwd)' : `unknown extension command "${sub}" (add, list, remove, passwd)`);
  }
}
