import type { Alarm } from '../alarms/index.ts';

/** One port as the gateway reports it (CLI `hotline ports`, UI Ports page, alarms). */
export interface AnalogPortStatus {
  port: number;
  kind: 'FXS' | 'FXO';
  /** Configured card name. */
  card: string;
  /** FXS: the extension the phone is. */
  extension?: string;
  /** FXO: the line group. */
  group?: string;
  /** What the port is doing: idle, dialtone, dialing, ringing, connected, busy-tone, stuck-offhook, seized, alarm... */
  state: string;
  /** ISO time the port entered this state. */
  since: string;
  /** Last caller ID seen or sent on the port. */
  callerId?: string;
}

/** The card(s) as a whole. */
export interface CardStatus {
  /** none: no card configured; open: running; missing: the driver or device is not there; misconfigured: the config cannot be applied. */
  state: 'none' | 'open' | 'missing' | 'misconfigured';
  driver?: 'dahdi' | 'simulator';
  since: string;
  error?: string;
}

/** What the analog gateway's `GET /v1/status` returns. */
export interface AnalogStatus {
  startedAt: string;
  configVersion: number;
  card: CardStatus;
  ports: AnalogPortStatus[];
  /** FXS extensions the gateway registers at the PBX. */
  registrations: Array<{ extension: string; state: string; expiresAt?: string; lastError?: string }>;
  /** Calls through card ports. */
  calls: Array<{ port: number; direction: 'in' | 'out'; state: string; number?: string }>;
  alarms: Alarm[];
}

/** Alarms derived from the gateway's state. */
export function analogAlarms(card: CardStatus, ports: readonly AnalogPortStatus[]): Alarm[] {
  const out: Alarm[] = [];
  if (card.state === 'missing' || card.state === 'misconfigured') {
    out.push({
      id: 'card-missing', severity: 'critical', source: 'analog/card', raisedAt: card.since,
      text: {
        en: `Telephony card not available (${card.error ?? card.state}): analog phones and PSTN lines are out of service; SIP calls and trunks go on`,
        zh: `电话板卡不可用（${card.error ?? card.state}）：模拟话机和 PSTN 线路停用；SIP 呼叫和中继不受影响`,
      },
    });
  }
  const spanAlarm = new Set<string>();
  for (const p of ports) {
    if (p.state === 'alarm' && !spanAlarm.has(p.card)) {
      spanAlarm.add(p.card);
      out.push({
        id: `span-alarm:${p.card}`, severity: 'major', source: `analog/card/${p.card}`, raisedAt: p.since,
        text: { en: `Card ${p.card} reports a line alarm (unplugged or no battery): its ports take no calls`, zh: `板卡 ${p.card} 线路告警（未接线或无馈电）：其端口暂停呼叫` },
      });
    } else if (p.state === 'stuck-offhook') {
      out.push({
        id: `port-stuck-offhook:${p.port}`, severity: 'minor', source: `analog/port/${p.port}`, raisedAt: p.since,
        text: { en: `Phone on port ${p.port} (extension ${p.extension ?? '?'}) is off hook and idle: calls to it are refused until it is hung up`, zh: `端口 ${p.port}（分机 ${p.extension ?? '?'}）话机摘机未拨号：挂机前不接受呼叫` },
      });
    }
  }
  return out;
}
