import type { Alarm } from '../../alarms/index.ts';
import type { ServiceRow } from '../snapshot.ts';

/** What it means when each service stops answering, and how bad it is. */
const IMPACT: Partial<Record<ServiceRow['name'], { severity: Alarm['severity']; en: string; zh: string }>> = {
  pbx: { severity: 'critical', en: 'no calls can be made or answered', zh: '无法拨打或接听电话' },
  analog: { severity: 'major', en: 'analog phones and PSTN lines are out of service', zh: '模拟话机和 PSTN 线路停用' },
  mgmt: { severity: 'minor', en: 'the management UI and API are unavailable; calls go on', zh: '管理界面和接口不可用；通话不受影响' },
  recorder: { severity: 'major', en: 'calls are not being recorded', zh: '通话未被录音' },
};

/** A `service-down:<name>` alarm for every service that should run and does not answer. */
export function serviceAlarms(services: readonly ServiceRow[], at: string): Alarm[] {
  const out: Alarm[] = [];
  for (const s of services) {
    const impact = IMPACT[s.name];
    if (s.state !== 'notResponding' || !impact) continue;
    out.push({
      id: `service-down:${s.name}`, severity: impact.severity, source: `monitor/service/${s.name}`, raisedAt: at,
      text: { en: `Service ${s.name} does not answer: ${impact.en}`, zh: `服务 ${s.name} 无响应：${impact.zh}` },
    });
  }
  return out;
}
