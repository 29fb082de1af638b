import { ServiceNotRunningError } from '../control/index.ts';
import { analogControl } from '../analog/analog-client.ts';
import type { AnalogStatus } from '../analog/analog-status.ts';
import { parseCommandArgs, positionals, type CliContext } from './context.ts';
import { ExitCode } from './errors.ts';
import { formatTable, localTime } from './table.ts';

/** Help of `ports`. */
export const portsHelp = `Usage: hotline ports [--json]

Shows the telephony card (板卡) and its ports (端口) as the analog gateway sees them:
FXS ports with the extension of their phone, FXO lines with their line group, each with
its state (idle, dialtone, dialing, ringing, connected, busy-tone, stuck-offhook, consult-* during a transfer, seized,
alarm) and since when; then the card's alarms. Exit code 3 when the gateway is not running.
`;

const CARD_TEXT: Record<AnalogStatus['card']['state'], string> = {
  none: 'no card configured / 未配置板卡',
  open: 'open / 正常',
  missing: 'MISSING / 板卡缺失',
  misconfigured: 'MISCONFIGURED / 配置错误',
};

/** Runs `hotline ports`. */
export async function runPorts(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals: pos } = parseCommandArgs(args, { json: { type: 'boolean' } });
  positionals(pos, [], 'hotline ports [--json]');
  let s: AnalogStatus;
  try {
    s = await analogControl(ctx.paths.analogControlSocket).status();
  } catch (err) {
    if (err instanceof ServiceNotRunningError) {
      ctx.err(`The analog gateway is not running (no control socket at ${ctx.paths.analogControlSocket}). / 模拟网关未运行。\n`);
      return ExitCode.pbxNotRunning;
    }
    throw err;
  }
  if (values.json) {
    ctx.out(JSON.stringify({ card: s.card, ports: s.ports, alarms: s.alarms }, null, 2) + '\n');
    return ExitCode.ok;
  }
  const driver = s.card.driver ? ` (${s.card.driver})` : '';
  ctx.out(`Card/板卡: ${CARD_TEXT[s.card.state]}${driver} since ${localTime(s.card.since)}${s.card.error ? ` — ${s.card.error}` : ''}\n`);
  if (s.ports.length > 0) {
    ctx.out(formatTable(
      ['Port/端口', 'Kind/类型', 'Card/板卡', 'Extension or group/分机或线路组', 'State/状态', 'Since/起始', 'Caller ID/主叫号码'],
      s.ports.map((p) => [String(p.port), p.kind, p.card, p.extension ?? p.group ?? '', p.state, localTime(p.since), p.callerId ?? '']),
    ));
  }
  for (const a of s.alarms) ctx.out(`ALARM ${a.severity.toUpperCase()} ${a.source}: ${a.text.en} / ${a.text.zh}\n`);
  return ExitCode.ok;
}
