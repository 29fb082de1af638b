import { snmpSettings, monitorSettings, gatewaySettings } from '../config/index.ts';
import { MASK } from '../mgmt/mask.ts';
import { snmpView } from '../mgmt/snmp-form.ts';
import { ControlClient, ServiceNotRunningError } from '../control/index.ts';
import type { MonitorStatus } from '../monitor/monitor-service.ts';
import { MIB_DIR, MIB_FILE } from '../monitor/snmp/mib-path.ts';
import { HOTLINE_ENTERPRISE_OID } from '../monitor/snmp/oids.ts';
import { CliUsageError, ExitCode } from './errors.ts';
import { openConfig, parseCommandArgs, positionals, type CliContext } from './context.ts';

/** Help of `snmp`. */
export const snmpHelp = `Usage: hotline snmp [show] [--json]
       hotline snmp mib

show   the SNMP agent's settings (keys and communities masked), the alarm thresholds, and,
       when the monitor runs, what it serves and how many traps it sent / SNMP 设置与状态
mib    the path of the enterprise MIB (HOTLINE-MIB) to load into an NMS; its directory also
       holds the IETF modules it imports / 企业 MIB 文件路径

Change the settings with "hotline config" or the management UI (section snmp, see
docs/monitor-snmp.md).
`;


/** Runs `hotline snmp`. */
export async function runSnmp(sub: string | undefined, args: string[], ctx: CliContext): Promise<number> {
  if (sub === 'mib') {
    positionals(parseCommandArgs(args, {}).positionals, [], 'hotline snmp mib');
    ctx.out(`${MIB_FILE}\n`);
    return ExitCode.ok;
  }
  if (sub !== undefined && sub !== 'show') {
    if (sub.startsWith('-')) return runSnmp('show', [sub, ...args], ctx);
    throw new CliUsageError(`unknown snmp command "${sub}"; run "hotline snmp --help"`);
  }
  const { values, positionals: pos } = parseCommandArgs(args, { json: { type: 'boolean' } });
  positionals(pos, [], 'hotline snmp [show] [--json]');
  const store = await openConfig(ctx);
  const s = snmpSettings(store.current);
  // The same masked view as the UI's SNMP page: one place decides what a secret looks like.
  const shown = snmpView(store.current);
  let running: MonitorStatus | undefined;
  try {
    running = await new ControlClient(ctx.paths.monitorControlSocket, 3000, 'monitor').call<MonitorStatus>('GET', '/v1/status');
  } catch (err) {
    if (!(err instanceof ServiceNotRunningError)) throw err;
  }
  const m = monitorSettings(store.current);
  // The SMTP password is a credential like the SNMP keys.
  const monitorShown = m.email?.auth ? { ...m, email: { ...m.email, auth: { ...m.email.auth, password: MASK } } } : m;
  const out = { settings: shown, thresholds: monitorShown, mib: { file: MIB_FILE, dir: MIB_DIR, enterpriseOid: HOTLINE_ENTERPRISE_OID }, monitor: running ?? null };
  if (values.json) {
    ctx.out(JSON.stringify(out, null, 2) + '\n');
    return ExitCode.ok;
  }
  const lines = [
    `SNMP agent / SNMP 代理: ${s.enabled ? `on, udp ${s.bindAddress}:${s.port}` : 'off / 关闭'}`,
    `Engine ID / 引擎 ID: ${s.engineId}`,
    `SNMPv2c: ${s.v2c.enabled ? `on, community ${MASK}, from ${s.v2c.allowedSources.join(', ')}` : 'off / 关闭'}`,
    `SNMPv3 users / 用户: ${s.v3Users.length ? s.v3Users.map((u) => `${u.name} (authPriv ${u.authProtocol}/${u.privProtocol})`).join(', ') : '(none / 无)'}`,
    `Trap targets / 告警接收: ${s.trapTargets.length ? s.trapTargets.map((t) => `${t.version} ${t.host}:${t.port}${t.user ? ` as ${t.user}` : ''}${t.mode === 'inform' ? ` (inform, ${t.retries} retries)` : ''}`).join(', ') : '(none / 无)'}`,
    `Alarm e-mail / 告警邮件: ${m.email ? `${m.email.enabled ? '' : 'off / 关闭, '}${m.email.security} ${m.email.host}:${m.email.port} to ${m.email.recipients.join(', ')}, ${m.email.minSeverity} and above, at most ${m.email.maxPerHour}/h` : '(none / 无)'}`,
    `Thresholds / 阈值: disk ${out.thresholds.thresholds.diskUsedPercent}%, memory ${out.thresholds.thresholds.memoryUsedPercent}%, CPU ${out.thresholds.thresholds.cpuLoadPercent}%, temperature ${out.thresholds.thresholds.temperatureCelsius} °C; poll every ${out.thresholds.pollIntervalSec} s`,
    `Gateways polled / 轮询网关: ${gatewayLines(gatewaySettings(store.current), running)}`,
    `MIB: ${MIB_FILE} (enterprise ${HOTLINE_ENTERPRISE_OID}; snmptranslate -M +${MIB_DIR} -m +HOTLINE-MIB)`,
    running
      ? `Monitor / 监控: running since ${running.startedAt}, ${running.snmp.instances} objects served, ${running.snmp.trapsSent} traps sent, ${running.alarms.length} active alarms / 活动告警` +
        (running.email?.configured ? `; e-mail ${running.email.sent} sent, ${running.email.failed} failed${running.email.lastError ? ` (last: ${running.email.lastError})` : ''}` : '')
      : 'Monitor / 监控: not running / 未运行',
  ];
  ctx.out(lines.join('\n') + '\n');
  return ExitCode.ok;
}

/** Each configured gateway with its state from the running monitor (when it runs). */
function gatewayLines(gateways: ReturnType<typeof gatewaySettings>, running: MonitorStatus | undefined): string {
  if (gateways.length === 0) return '(none / 无)';
  return gateways.map((g) => {
    const row = running?.gateways.find((r) => r.name === g.name);
    const state = row ? `${row.state}, ${row.ports.filter((p) => !p.up).length}/${row.ports.length} ports down` : 'not polled yet';
    return `#${g.index} ${g.name} ${g.version} ${g.host}:${g.port} (${state})`;
  }).join(', ');
}
