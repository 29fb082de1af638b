import { resolve } from 'node:path';
import { ConfigLockedError, ConfigValidationError, EnvOverrideError } from '../config/index.ts';
import { RecordsSchemaTooNewError } from '../records/index.ts';
import { dataDir } from '../paths.ts';
import { backupHelp, runBackup } from './backup.ts';
import { cdrHelp, runCdr } from './cdr.ts';
import { configHelp, runConfig } from './config.ts';
import { processContext, type CliContext } from './context.ts';
import { CliUsageError, ExitCode } from './errors.ts';
import { extensionHelp, runExtension } from './extension.ts';
import { runStatus, runTrunks, statusHelp, trunksHelp } from './status.ts';
import { portsHelp, runPorts } from './ports.ts';
import { runUser, userHelp } from './user.ts';
import { runSnmp, snmpHelp } from './snmp.ts';

/** Help of the whole CLI. */
export const mainHelp = `Usage: hotline [--data-dir <dir>] <command> [options]

Console for the Hotline appliance / 呼叫中心控制台.

Commands:
  extension add|list|remove|passwd   SIP extensions / 分机
  status                             running PBX: listeners, registrations, calls / 状态
  trunks                             SIP trunks and their state / 中继
  ports                              telephony card ports and their state / 端口
  cdr list                           call detail records / 话单
  config show|validate|history|diff|rollback   configuration versions / 配置
  user add|passwd|list               management (web UI) accounts / 管理账户
  snmp [show]|mib                    SNMP agent settings and status, the MIB file / SNMP
  backup create|list|verify|restore|test-restore|passphrase|kit|runs|status   backups / 备份

Global options:
  --data-dir <dir>   data directory (default: $HOTLINE_DATA_DIR, else ./var)
  -h, --help         help for any command, e.g. "hotline extension --help"

Exit codes: 0 ok, 1 failure, 2 bad input (nothing written), 3 PBX (or, for ports, the analog gateway) not running.
`;

const groupHelp: Record<string, string> = { extension: extensionHelp, status: statusHelp, trunks: trunksHelp, ports: portsHelp, cdr: cdrHelp, config: configHelp, user: userHelp, snmp: snmpHelp, backup: backupHelp };

/** Splits off the global options, which may appear anywhere on the line. */
function globalOptions(argv: string[]): { rest: string[]; dataDir?: string; help: boolean } {
  const rest: string[] = [];
  let dir: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--help' || a === '-h') help = true;
    else if (a === '--data-dir') {
      if (i + 1 >= argv.length) throw new CliUsageError('--data-dir needs a directory');
      dir = argv[++i];
    } else if (a.startsWith('--data-dir=')) dir = a.slice('--data-dir='.length);
    else rest.push(a);
  }
  return { rest, dataDir: dir, help };
}

/** Errors that mean "your input was refused": one line, exit 2. */
function usageLine(err: unknown): string | undefined {
  if (err instanceof CliUsageError || err instanceof EnvOverrideError) return err.message;
  if (err instanceof ConfigValidationError) return `invalid configuration, nothing saved: ${err.oneLine()}`;
  return undefined;
}

/**
 * Runs the CLI on `argv` (without node and script) and returns the exit code. Never throws:
 * every failure becomes a message on stderr and a documented exit code.
 */
export async function runCli(argv: string[], makeContext: (dataDir: string) => CliContext = processContext): Promise<number> {
  let ctx: CliContext | undefined;
  const err = (t: string) => (ctx ? ctx.err(t) : void process.stderr.write(t));
  try {
    const { rest, dataDir: dir, help } = globalOptions(argv);
    ctx = makeContext(dir !== undefined ? resolve(dir) : dataDir());
    const [group, sub, ...args] = rest;
    if (help || group === undefined) {
      ctx.out(group !== undefined && groupHelp[group] ? groupHelp[group] : mainHelp);
      return help ? ExitCode.ok : ExitCode.usage;
    }
    switch (group) {
      case 'extension':
        return await runExtension(sub, args, ctx);
      case 'status':
        return await runStatus(sub === undefined ? args : [sub, ...args], ctx);
      case 'trunks':
        return await runTrunks(sub === undefined ? args : [sub, ...args], ctx);
      case 'ports':
        return await runPorts(sub === undefined ? args : [sub, ...args], ctx);
      case 'cdr':
        return await runCdr(sub, args, ctx);
      case 'config':
        return await runConfig(sub, args, ctx);
      case 'user':
        return await runUser(sub, args, ctx);
      case 'snmp':
        return await runSnmp(sub, args, ctx);
      case 'backup':
        return await runBackup(sub, args, ctx);
      default:
        throw new CliUsageError(`unknown command "${group}"; run "hotline --help"`);
    }
  } catch (e) {
    const usage = usageLine(e);
    if (usage !== undefined) {
      err(`error: ${usage.replace(/\s*\n\s*/g, ' ')}\n`);
      return ExitCode.usage;
    }
    if (e instanceof ConfigLockedError || e instanceof RecordsSchemaTooNewError) {
      err(`error: ${e.message}\n`);
      return ExitCode.failure;
    }
    err(`error: ${(e as Error)?.stack ?? String(e)}\n`);
    return ExitCode.failure;
  }
}
