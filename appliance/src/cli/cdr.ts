import { existsSync } from 'node:fs';
import { CdrStore, openRecords, type StoredCallRecord } from '../records/index.ts';
import { parseCommandArgs, positionals, positiveInt, type CliContext } from './context.ts';
import { CliUsageError, ExitCode } from './errors.ts';
import { parseTimeArg } from './parse-time.ts';
import { formatDuration, formatTable, localTime } from './table.ts';

/** Help of the `cdr` group. */
export const cdrHelp = `Usage: hotline cdr list [--json] [--since <t>] [--until <t>] [--limit N] [--caller X] [--callee X]

Lists call detail records (话单), newest first (default limit 100).
<t> is an ISO date or date-time (2024-05-01, 2024-05-01T08:00, local time unless
a zone is given) or a relative time ago: 30m, 1h, 2d, 1w.
`;

/** Runs `hotline cdr <sub> ...`. */
export async function runCdr(sub: string | undefined, args: string[], ctx: CliContext): Promise<number> {
  if (sub !== 'list') throw new CliUsageError(sub === undefined ? 'missing cdr command (list)' : `unknown cdr command "${sub}" (list)`);
  const { values, positionals: pos } = parseCommandArgs(args, {
    json: { type: 'boolean' },
    since: { type: 'string' },
    until: { type: 'string' },
    limit: { type: 'string' },
    caller: { type: 'string' },
    callee: { type: 'string' },
  });
  positionals(pos, [], 'hotline cdr list [options]');
  const query = {
    since: values.since === undefined ? undefined : parseTimeArg('--since', values.since, ctx.now()),
    until: values.until === undefined ? undefined : parseTimeArg('--until', values.until, ctx.now()),
    limit: values.limit === undefined ? undefined : positiveInt('--limit', values.limit),
    caller: values.caller,
    callee: values.callee,
  };
  let rows: StoredCallRecord[] = [];
  // Listing must not create records.db: before the first call there is simply nothing to show.
  if (existsSync(ctx.paths.records)) {
    const db = openRecords(ctx.paths.records);
    try {
      rows = new CdrStore(db).list(query);
    } finally {
      db.close();
    }
  }
  if (values.json) {
    ctx.out(JSON.stringify(rows, null, 2) + '\n');
  } else if (rows.length === 0) {
    ctx.out('No call records. / 没有话单。\n');
  } else {
    ctx.out(
      formatTable(
        ['Start/开始', 'Caller/主叫', 'Callee/被叫', 'Result/结果', 'Duration/时长', 'Billable/计费', 'SIP', 'Hangup/挂机', 'Trunk/中继'],
        rows.map((r) => [localTime(r.startedAt), r.caller, r.callee, r.disposition, formatDuration(r.durationSec), formatDuration(r.billableSec), `${r.sipCode} ${r.sipReason}`, r.hangupSide ?? '', r.trunk ?? '']),
      ),
    );
  }
  return ExitCode.ok;
}
