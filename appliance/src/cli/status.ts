import { ControlClient, ServiceNotRunningError, type PbxStatus } from '../control/index.ts';
import { parseCommandArgs, positionals, type CliContext } from './context.ts';
import { ExitCode } from './errors.ts';
import { formatTable, localTime } from './table.ts';

/** Help of `status`. */
export const statusHelp = `Usage: hotline status [--json]

Shows the running PBX (状态): SIP listeners, registered phones and active calls.
Exit code 3 when the PBX is not running.
`;

/** Help of `trunks`. */
export const trunksHelp = `Usage: hotline trunks [--json]

Shows the SIP trunks (中继) of the running PBX and their state: up, registering,
unregistered (the carrier refused or has not accepted the registration) or down
(no answer). Exit code 3 when the PBX is not running.
`;

/** The running PBX's status, or undefined after saying that it is not running. */
async function pbxStatus(ctx: CliContext): Promise<PbxStatus | undefined> {
  try {
    return await new ControlClient(ctx.paths.pbxControlSocket).status();
  } catch (err) {
    if (err instanceof ServiceNotRunningError) {
      ctx.err(`The PBX is not running (no control socket at ${ctx.paths.pbxControlSocket}). / PBX 未运行。\n`);
      return undefined;
    }
    throw err;
  }
}

/** Runs `hotline trunks`. */
export async function runTrunks(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals: pos } = parseCommandArgs(args, { json: { type: 'boolean' } });
  positionals(pos, [], 'hotline trunks [--json]');
  const s = await pbxStatus(ctx);
  if (!s) return ExitCode.pbxNotRunning;
  const trunks = s.trunks ?? [];
  if (values.json) {
    ctx.out(JSON.stringify(trunks, null, 2) + '\n');
    return ExitCode.ok;
  }
  ctx.out(
    trunks.length
      ? formatTable(
          ['Trunk/中继', 'Peer/对端', 'Transport/传输', 'State/状态', 'Since/起始', 'Registered until/注册到期', 'Last error/最近错误'],
          trunks.map((t) => [t.name, `${t.host}:${t.port}`, t.transport, t.state, localTime(t.since), t.registeredUntil ? localTime(t.registeredUntil) : '', t.lastError ?? '']),
        )
      : '(no trunks configured / 未配置中继)\n',
  );
  return ExitCode.ok;
}

/** Runs `hotline status`. */
export async function runStatus(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals: pos } = parseCommandArgs(args, { json: { type: 'boolean' } });
  positionals(pos, [], 'hotline status [--json]');
  const s = await pbxStatus(ctx);
  if (!s) return ExitCode.pbxNotRunning;
  if (values.json) {
    ctx.out(JSON.stringify(s, null, 2) + '\n');
    return ExitCode.ok;
  }
  const parts: string[] = [];
  parts.push(`PBX running since ${localTime(s.startedAt)}, configuration version ${s.configVersion}\n`);
  parts.push(`\nListening / 监听 (${s.listening.length})\n`);
  parts.push(formatTable(['Transport/传输', 'Address/地址', 'Port/端口'], s.listening.map((l) => [l.transport, l.address, String(l.port)])));
  parts.push(`\nRegistrations / 注册 (${s.registrations.length})\n`);
  parts.push(
    s.registrations.length
      ? formatTable(
          ['Extension/分机', 'Contact/联系地址', 'Source/来源', 'Transport/传输', 'Expires/到期', 'User agent/终端'],
          s.registrations.map((r) => [r.extension, r.contact, r.source, r.transport, localTime(r.expiresAt), r.userAgent ?? '']),
        )
      : '(none / 无)\n',
  );
  parts.push(`\nActive calls / 通话 (${s.activeCalls.length})\n`);
  parts.push(
    s.activeCalls.length
      ? formatTable(
          ['Caller/主叫', 'Callee/被叫', 'State/状态', 'Started/开始', 'Answered/应答', 'Call-ID'],
          s.activeCalls.map((c) => [c.caller, c.callee, c.state, localTime(c.startedAt), c.answeredAt ? localTime(c.answeredAt) : '', c.callId]),
        )
      : '(none / 无)\n',
  );
  const counters = Object.entries(s.counters);
  if (counters.length) {
    parts.push(`\nCounters / 计数\n`);
    parts.push(formatTable(['Name/名称', 'Value/值'], counters.map(([k, v]) => [k, String(v)])));
  }
  ctx.out(parts.join(''));
  return ExitCode.ok;
}
