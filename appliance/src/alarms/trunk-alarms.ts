import type { Alarm } from './alarm.ts';

/** The trunk fields alarms are derived from (PbxStatus['trunks'] items). */
interface TrunkState { name: string; host: string; port: number; state: string; since: string; lastError?: string }

/**
 * A trunk that stopped answering (down) is major: calls route around it to the next trunk
 * of their outbound route. One the carrier refuses (unregistered) is major too: the carrier
 * will not send calls to it. Registering is a passing state, not an alarm.
 */
export function trunkAlarms(trunks: readonly TrunkState[]): Alarm[] {
  const out: Alarm[] = [];
  for (const t of trunks) {
    const why = t.lastError ? ` (${t.lastError})` : '';
    if (t.state === 'down') {
      out.push({
        id: `trunk-down:${t.name}`, severity: 'major', source: `pbx/trunk/${t.name}`, raisedAt: t.since,
        text: { en: `Trunk ${t.name} (${t.host}:${t.port}) does not answer${why}; calls use the next trunk of their route`, zh: `中继 ${t.name}（${t.host}:${t.port}）无响应${why}；呼叫改走路由中的下一条中继` },
      });
    } else if (t.state === 'unregistered') {
      out.push({
        id: `trunk-unregistered:${t.name}`, severity: 'major', source: `pbx/trunk/${t.name}`, raisedAt: t.since,
        text: { en: `Trunk ${t.name} is not registered with the carrier${why}`, zh: `中继 ${t.name} 未在运营商处注册${why}` },
      });
    }
  }
  return out;
}
