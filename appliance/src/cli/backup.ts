import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { join, resolve } from 'node:path';
import { siteTimeZone } from '../config/index.ts';
import { BackupError, BackupService, keyFromPassphrase, loadBackupKey, readArchive, type Progress, type RecoveryKit, type RestorePlan } from '../backup/index.ts';
import { openRecords } from '../records/index.ts';
import { applyToPbx, openConfig, parseCommandArgs, positionals, type CliContext } from './context.ts';
import { CliUsageError, ExitCode } from './errors.ts';
import { formatTable, localTime } from './table.ts';
import { promptHidden } from './user.ts';

/** Help of the `backup` group. */
export const backupHelp = `Usage: hotline backup <command> [options]

Backups and restores (备份与恢复). Archives are encrypted with the backup passphrase
(AES-256-GCM, key by scrypt); the passphrase is read from $HOTLINE_BACKUP_PASSPHRASE,
from --passphrase-file <f>, or asked on the terminal.

Commands:
  passphrase [--kit-out <f>]              set or change the backup passphrase, write the recovery kit
  kit [--out <f>]                         the recovery kit of the current passphrase (JSON)
  check-passphrase --kit <f>              does a passphrase match a recovery kit?
  create [--target <id>] [--recordings] [--no-encrypt] [--json]
                                          make a backup now (progress on stderr)
  list [--target <id>] [--json]           backups on a target, newest first
  verify <name|file> [--target <id>]      decrypt and check every checksum, change nothing
  restore <name|file> [--target <id>] [--yes]
                                          verify, show what changes, ask, then apply
  test-restore [<name>] [--target <id>] [--json]
                                          restore into a scratch folder and compare
  runs [--json]                           history of backup runs
  status [--json]                         last success, last result, missed schedules

<name> is an archive on the target (default: the first configured target, normally the
local folder <data>/backups); a <file> path (containing "/") is read directly.
Exit codes: 0 ok, 1 failure, 2 bad input or refused archive (nothing changed).
`;

function productVersion(): string {
  return (JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;
}

/** Reads the passphrase: env, file, or the terminal (never a command-line argument: `ps` shows those). */
async function passphrase(file: string | undefined, prompt: string, required: boolean): Promise<string | undefined> {
  if (process.env.HOTLINE_BACKUP_PASSPHRASE) return process.env.HOTLINE_BACKUP_PASSPHRASE;
  if (file) return (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  if (process.stdin.isTTY) return promptHidden(prompt);
  if (required) throw new CliUsageError('no passphrase: set HOTLINE_BACKUP_PASSPHRASE or use --passphrase-file <f>');
  return undefined;
}

const mb = (n: number) => `${(n / 1_048_576).toFixed(1)} MB`;

/** Progress on stderr: a rewritten line on a terminal, a line every 10 % otherwise. */
function progressPrinter(ctx: CliContext): { sink: (p: Progress) => void; end: () => void } {
  const tty = process.stderr.isTTY;
  let lastTen = -1;
  let shown = false;
  return {
    sink: (p) => {
      const line = `${p.operation} ${p.phase}: ${p.percent}% (${mb(p.bytesDone)}${p.bytesTotal ? ` / ${mb(p.bytesTotal)}` : ''})`;
      if (tty) (ctx.err(`\r${line}\x1b[K`), (shown = true));
      else if (Math.floor(p.percent / 10) !== lastTen || p.phase === 'done') {
        lastTen = Math.floor(p.percent / 10);
        ctx.err(line + '\n');
      }
    },
    end: () => void (shown && ctx.err('\n')),
  };
}

/** The archive argument: a file path, or a name on the target. */
async function source(arg: string): Promise<{ file?: string; name?: string }> {
  return arg.includes('/') || existsSync(arg) ? { file: resolve(arg) } : { name: arg };
}

function printPlan(ctx: CliContext, plan: RestorePlan): void {
  ctx.out(`Backup / 备份: ${plan.archive.name} (${plan.archive.createdAt}, release ${plan.archive.productVersion}${plan.archive.encrypted ? ', encrypted' : ''})\n`);
  if (plan.config) {
    ctx.out(`Configuration / 配置: ${plan.config.changedSections.length ? `sections changed: ${plan.config.changedSections.join(', ')}` : 'same as running'} (+${plan.config.linesAdded} −${plan.config.linesRemoved} lines, ${plan.config.historyVersions} history versions)`);
    ctx.out(plan.config.migratedTo ? `; schema revision ${plan.config.schemaVersion} is upgraded to ${plan.config.migratedTo}\n` : '\n');
  }
  if (plan.records) ctx.out('Records / 记录:\n' + formatTable(['Table/表', 'Now/当前', 'Restored/恢复后'], plan.records.tables.map((t) => [t.table, String(t.current), String(t.restored)])));
  const f = plan.files;
  ctx.out(`Files / 文件: tls ${f.tls.current} → ${f.tls.restored}, prompts ${f.prompts.current} → ${f.prompts.restored}`);
  ctx.out(f.recordings ? `, recordings ${f.recordings.restored} (${f.recordings.added} added, ${f.recordings.replaced} replaced, ${f.recordings.unchanged} unchanged, ${mb(f.recordings.bytes)})\n` : ', no recordings in this backup\n');
}

/** Runs `hotline backup <sub> ...`. */
export async function runBackup(sub: string | undefined, args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals: pos } = parseCommandArgs(args, {
    target: { type: 'string' },
    recordings: { type: 'boolean' },
    'no-encrypt': { type: 'boolean' },
    json: { type: 'boolean' },
    yes: { type: 'boolean' },
    'passphrase-file': { type: 'string' },
    'kit-out': { type: 'string' },
    out: { type: 'string' },
    kit: { type: 'string' },
  });
  const records = openRecords(ctx.paths.records);
  const config = await openConfig(ctx);
  const svc = new BackupService({ paths: ctx.paths, records, productVersion: productVersion(), timeZone: () => siteTimeZone(config.current), clock: { now: ctx.now, setTimer: () => ({ cancel: () => undefined }) } });
  const progress = progressPrinter(ctx);
  svc.onProgress(progress.sink);
  try {
    switch (sub) {
      case 'passphrase': {
        positionals(pos, [], 'hotline backup passphrase [--kit-out <f>]');
        const p = await passphrase(values['passphrase-file'], 'Backup passphrase / 备份口令: ', true);
        if (process.stdin.isTTY && !process.env.HOTLINE_BACKUP_PASSPHRASE && !values['passphrase-file'] && (await promptHidden('Again / 再次输入: ')) !== p) throw new CliUsageError('the two passphrases differ');
        const kit = await svc.setPassphrase(p!);
        if (values['kit-out']) await writeFile(values['kit-out'], JSON.stringify(kit, null, 2) + '\n', { mode: 0o600 });
        ctx.out(`Backup passphrase set (key check ${kit.keyCheck}). Store the recovery kit${values['kit-out'] ? ` (${values['kit-out']})` : ' ("hotline backup kit --out <f>")'} and the passphrase OFF the box.\n已设置备份口令，请将恢复包和口令保存在设备以外。\n`);
        return ExitCode.ok;
      }
      case 'kit': {
        positionals(pos, [], 'hotline backup kit [--out <f>]');
        const kit = JSON.stringify(await svc.recoveryKit(), null, 2) + '\n';
        if (values.out) await writeFile(values.out, kit, { mode: 0o600 });
        else ctx.out(kit);
        return ExitCode.ok;
      }
      case 'check-passphrase': {
        positionals(pos, [], 'hotline backup check-passphrase --kit <f>');
        if (!values.kit) throw new CliUsageError('--kit <f> is required');
        const kit = JSON.parse(await readFile(values.kit, 'utf8')) as RecoveryKit;
        const p = await passphrase(values['passphrase-file'], 'Backup passphrase / 备份口令: ', true);
        await keyFromPassphrase(p!, kit.kdf, kit.keyCheck);
        ctx.out('The passphrase matches the recovery kit. / 口令与恢复包一致。\n');
        return ExitCode.ok;
      }
      case 'create': {
        positionals(pos, [], 'hotline backup create [--target <id>] [--recordings] [--no-encrypt]');
        const r = await svc.backup({ target: values.target, recordings: values.recordings ?? false, encrypt: !values['no-encrypt'], trigger: 'manual' });
        progress.end();
        if (values.json) ctx.out(JSON.stringify(r, null, 2) + '\n');
        else ctx.out(`Backup written / 备份完成: ${r.catalog.name} on ${r.target}, ${mb(r.catalog.size)}, sha256 ${r.catalog.sha256}${r.removedByRetention.length ? `; retention removed ${r.removedByRetention.join(', ')}` : ''}\n`);
        return ExitCode.ok;
      }
      case 'list': {
        positionals(pos, [], 'hotline backup list [--target <id>]');
        const list = await svc.list(values.target);
        if (values.json) ctx.out(JSON.stringify(list, null, 2) + '\n');
        else if (!list.length) ctx.out('No backups on this target. / 该目标上没有备份。\n');
        else ctx.out(formatTable(['Name/名称', 'Created/时间', 'Size/大小', 'Encrypted/加密', 'Recordings/录音'], list.map((e) => [e.name, localTime(Date.parse(e.createdAt)), mb(e.size), e.encrypted ? 'yes' : 'NO', e.contents.recordings ? `${e.contents.recordings.included} new / ${e.contents.recordings.included + e.contents.recordings.referenced}` : '-'])));
        return ExitCode.ok;
      }
      case 'verify': {
        const [arg] = positionals(pos, ['name|file'], 'hotline backup verify <name|file>');
        const src = await source(arg);
        const target = await svc.target(values.target);
        try {
          const s = src.file ? { bytes: createReadStream(src.file), size: (await stat(src.file)).size } : await target.open(src.name!);
          const p = await passphrase(values['passphrase-file'], 'Backup passphrase / 备份口令: ', false);
          const stored = await loadBackupKey(join(ctx.paths.backupState, 'key.json'));
          const v = await readArchive(s.bytes, { keys: { passphrase: p, stored }, bytesTotal: s.size, onProgress: progress.sink, what: arg });
          progress.end();
          ctx.out(`OK: ${v.manifest.members.length} members verified (decryption, authentication, SHA-256). / 校验通过。\n`);
        } finally {
          await target.close();
        }
        return ExitCode.ok;
      }
      case 'restore': {
        const [arg] = positionals(pos, ['name|file'], 'hotline backup restore <name|file> [--yes]');
        const src = await source(arg);
        const p = await passphrase(values['passphrase-file'], 'Backup passphrase (empty: the key of this box) / 备份口令: ', false);
        const staged = await svc.stage(src.file ? { target: values.target, bytes: createReadStream(src.file), size: (await stat(src.file)).size, passphrase: p } : { target: values.target, name: src.name, passphrase: p }).finally(() => progress.end());
        printPlan(ctx, staged.plan!);
        if (!values.yes) {
          if (!process.stdin.isTTY) {
            await svc.discard(staged.id);
            throw new CliUsageError('restore needs --yes when not on a terminal; nothing was changed');
          }
          const rl = createInterface({ input: process.stdin, output: process.stdout });
          const answer = await rl.question('Replace the data of this box with this backup? / 用该备份替换本机数据？ [y/N] ');
          rl.close();
          if (!/^y(es)?$/i.test(answer.trim())) {
            await svc.discard(staged.id);
            ctx.out('Nothing changed. / 未做任何更改。\n');
            return ExitCode.ok;
          }
        }
        const r = await svc.apply(staged.id, ctx.author);
        ctx.out(`Restored / 恢复完成: ${Object.entries(r.tables).map(([t, n]) => `${t} ${n}`).join(', ')}; ${r.recordings} recordings${r.tlsReplaced ? '; certificate replaced (restart mgmt to serve it)' : ''}\n`);
        return r.config ? applyToPbx(ctx, r.config) : ExitCode.ok;
      }
      case 'test-restore': {
        if (pos.length > 1) throw new CliUsageError('usage: hotline backup test-restore [<name>] [--target <id>]');
        const p = await passphrase(values['passphrase-file'], 'Backup passphrase (empty: the key of this box) / 备份口令: ', false);
        const report = await svc.testRestore({ target: values.target, name: pos[0], passphrase: p || undefined }).finally(() => progress.end());
        if (values.json) ctx.out(JSON.stringify(report, null, 2) + '\n');
        else {
          ctx.out(`Test restore of ${report.archive}: ${report.ok ? 'PASSED / 通过' : 'FAILED / 失败'} (${(report.durationMs / 1000).toFixed(1)} s)\n`);
          if (report.error) ctx.out(`  ${report.error.code}: ${report.error.message}\n  ${report.error.messageZh}\n`);
          for (const c of report.checks) ctx.out(`  [${c.ok ? 'ok' : 'FAIL'}] ${c.name}: ${c.detail}\n`);
        }
        return report.ok ? ExitCode.ok : ExitCode.failure;
      }
      case 'runs': {
        positionals(pos, [], 'hotline backup runs');
        const runs = svc.runs.list(50);
        if (values.json) ctx.out(JSON.stringify(runs, null, 2) + '\n');
        else if (!runs.length) ctx.out('No backup runs yet. / 尚无备份记录。\n');
        else ctx.out(formatTable(['Started/开始', 'Kind/类型', 'Trigger/触发', 'Target/目标', 'Status/结果', 'Archive/文件', 'Error/错误'], runs.map((r) => [localTime(r.startedAt), r.kind, r.trigger, r.target, r.status, r.archive ?? '', r.error ?? ''])));
        return ExitCode.ok;
      }
      case 'status': {
        positionals(pos, [], 'hotline backup status');
        const h = await svc.health();
        if (values.json) ctx.out(JSON.stringify(h, null, 2) + '\n');
        else {
          ctx.out(`Last successful backup / 最近成功备份: ${h.lastSuccessAt ? `${localTime(h.lastSuccessAt)} (${h.lastSuccessArchive})` : 'never / 从未'}\n`);
          if (h.lastRun) ctx.out(`Last run / 最近一次: ${h.lastRun.status} on ${h.lastRun.target}${h.lastRun.error ? `: ${h.lastRun.error}` : ''}\n`);
          ctx.out(h.alarm ? `ALARM / 告警: ${h.alarm.message}\n${h.alarm.messageZh}\n` : 'No backup alarm. / 无备份告警。\n');
        }
        return h.alarm ? ExitCode.failure : ExitCode.ok;
      }
      default:
        throw new CliUsageError(sub === undefined ? 'missing backup command; run "hotline backup --help"' : `unknown backup command "${sub}"; run "hotline backup --help"`);
    }
  } catch (err) {
    progress.end();
    if (err instanceof BackupError) {
      ctx.err(`error: ${err.message}\n错误：${err.messageZh}\n`);
      return err.code === 'TARGET_FAILED' || err.code === 'BUSY' ? ExitCode.failure : ExitCode.usage;
    }
    throw err;
  } finally {
    records.close();
  }
}
