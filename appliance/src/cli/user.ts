import { createInterface } from 'node:readline';
import { USER_ROLES, UserStore, openRecords, type UserRole } from '../records/index.ts';
import { AccountError, Accounts, PasswordPolicyError } from '../mgmt/auth/accounts.ts';
import { LoginFailureStore } from '../records/index.ts';
import { parseCommandArgs, positionals, type CliContext } from './context.ts';
import { CliUsageError, ExitCode } from './errors.ts';
import { formatTable } from './table.ts';

/** Help of the `user` group. */
export const userHelp = `Usage: hotline user <command> [options]

Management accounts (管理账户) for the web UI, from the machine-room console: the way back in
when nobody can sign in. Same password policy as the UI: at least 10 characters, 3 of
lower/upper/digit/symbol, not the username, not one of the last 3.

Commands:
  add <name> --role <role> --password <p> [--display-name <n>]
  passwd <name> [--password <p>]     (prompts on a terminal when --password is omitted)
  list [--json]

Roles: ${USER_ROLES.join(', ')}. A password set here must be changed at the next sign-in,
and it lifts a login lockout of that user.
`;

/** Reads a line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    let asked = false;
    // readline echoes typed characters through _writeToOutput; print the question once and nothing else.
    out._writeToOutput = (s: string) => {
      if (!asked) {
        asked = true;
        process.stdout.write(s);
      }
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

async function newPassword(given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  if (!process.stdin.isTTY) throw new CliUsageError('--password <p> is required when not on a terminal');
  const a = await promptHidden('New password / 新密码: ');
  const b = await promptHidden('Again / 再次输入: ');
  if (a !== b) throw new CliUsageError('the two passwords differ');
  return a;
}

function usageFrom(err: unknown): unknown {
  if (err instanceof PasswordPolicyError || err instanceof AccountError) return new CliUsageError(err.message);
  return err;
}

/** Runs `hotline user <sub> ...`. */
export async function runUser(sub: string | undefined, args: string[], ctx: CliContext): Promise<number> {
  const records = openRecords(ctx.paths.records);
  try {
    const accounts = new Accounts(new UserStore(records), { now: ctx.now });
    switch (sub) {
      case 'add': {
        const { values, positionals: pos } = parseCommandArgs(args, { role: { type: 'string' }, password: { type: 'string' }, 'display-name': { type: 'string' } });
        const [name] = positionals(pos, ['name'], 'hotline user add <name> --role <role> --password <p>');
        if (values.role === undefined) throw new CliUsageError(`--role is required (${USER_ROLES.join(', ')})`);
        const password = await newPassword(values.password);
        try {
          await accounts.create({ username: name, role: values.role as UserRole, password, displayName: values['display-name'], mustChangePassword: true });
        } catch (err) {
          throw usageFrom(err);
        }
        ctx.out(`User ${name} (${values.role}) added; the password must be changed at first sign-in.\n`);
        return ExitCode.ok;
      }
      case 'passwd': {
        const { values, positionals: pos } = parseCommandArgs(args, { password: { type: 'string' } });
        const [name] = positionals(pos, ['name'], 'hotline user passwd <name> [--password <p>]');
        if (!accounts.users.get(name)) throw new CliUsageError(`user ${name} does not exist`);
        const password = await newPassword(values.password);
        try {
          await accounts.setPassword(name, password, true);
        } catch (err) {
          throw usageFrom(err);
        }
        const failures = new LoginFailureStore(records);
        failures.unlock('user', name);
        failures.clear('user', name);
        ctx.out(`Password of ${name} set; it must be changed at the next sign-in. Any login lockout of ${name} is lifted.\n`);
        return ExitCode.ok;
      }
      case 'list': {
        const { values, positionals: pos } = parseCommandArgs(args, { json: { type: 'boolean' } });
        positionals(pos, [], 'hotline user list [--json]');
        const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
        const list = accounts.users.list().map((u) => ({ username: u.username, role: u.role, displayName: u.displayName, mustChangePassword: u.mustChangePassword, createdAt: iso(u.createdAt), lastLoginAt: iso(u.lastLoginAt) }));
        if (values.json) ctx.out(JSON.stringify(list, null, 2) + '\n');
        else if (list.length === 0) ctx.out('No management accounts. / 没有管理账户。\n');
        else ctx.out(formatTable(['User/用户', 'Role/角色', 'Name/姓名', 'Must change/需改密', 'Last login/上次登录'], list.map((u) => [u.username, u.role, u.displayName, u.mustChangePassword ? 'yes/是' : 'no/否', u.lastLoginAt ?? '-'])));
        return ExitCode.ok;
      }
      default:
        throw new CliUsageError(sub === undefined ? 'missing user command (add, passwd, list)' : `unknown user command "${sub}" (add, passwd, list)`);
    }
  } finally {
    records.close();
  }
}
