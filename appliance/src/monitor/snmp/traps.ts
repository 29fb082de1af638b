import { isIP } from 'node:net';
import snmp from 'net-snmp';
import type { SnmpSettings } from '../../config/index.ts';
import type { Logger } from '../../log.ts';
import type { AlarmEvent } from '../alarm-manager.ts';
import { usmUser } from './agent.ts';
import { HL_ENUMS } from './hotline-mib.ts';
import { unixTime, utf8 } from './mib-model.ts';
import { HL_ALARM_CLEARED, HL_ALARM_RAISED, HL_OBJECTS } from './oids.ts';

const ALARM_ENTRY = `${HL_OBJECTS}.12.2.1`;

/**
 * The varbinds of hlAlarmRaised / hlAlarmCleared (HOTLINE-MIB), in the order of the
 * NOTIFICATION-TYPE's OBJECTS clause; every instance is the occurrence's hlAlarmIndex, so an NMS
 * pairs a clear with its raise (RFC 3416 §4.2.6 puts sysUpTime.0 and snmpTrapOID.0 first; net-snmp
 * adds those).
 */
export function alarmTrap(event: AlarmEvent): { oid: string; varbinds: snmp.Varbind[] } {
  const a = event.alarm;
  const i = a.seq;
  const severity = event.kind === 'cleared' ? HL_ENUMS.severity.cleared : HL_ENUMS.severity[a.severity];
  return {
    oid: event.kind === 'raised' ? HL_ALARM_RAISED : HL_ALARM_CLEARED,
    varbinds: [
      { oid: `${ALARM_ENTRY}.2.${i}`, type: snmp.ObjectType.OctetString, value: utf8(a.id, 128) },
      { oid: `${ALARM_ENTRY}.3.${i}`, type: snmp.ObjectType.Integer32, value: severity },
      { oid: `${ALARM_ENTRY}.4.${i}`, type: snmp.ObjectType.OctetString, value: utf8(a.source, 128) },
      { oid: `${ALARM_ENTRY}.5.${i}`, type: snmp.ObjectType.OctetString, value: utf8(a.text.en) },
      { oid: `${ALARM_ENTRY}.6.${i}`, type: snmp.ObjectType.OctetString, value: utf8(a.text.zh) },
      { oid: `${ALARM_ENTRY}.7.${i}`, type: snmp.ObjectType.Unsigned32, value: unixTime(a.raisedAt) },
    ],
  };
}

/** Seconds an inform is waited for at most: the first try and each resend, the wait doubling. */
export function informBudgetSec(t: { retries: number; timeoutSec: number }): number {
  let total = 0;
  for (let i = 0, wait = t.timeoutSec; i <= t.retries; i++, wait *= 2) total += wait;
  return total;
}

interface Target {
  target: string;
  session: snmp.Session;
  inform: boolean;
  /**
   * A session for one v3 inform. net-snmp discovers the receiver's engine once per session and
   * then reuses that state: measured with snmptrapd, the second v3 inform of a session was never
   * acknowledged (resent until given up on). A session per v3 inform costs one discovery round
   * trip and each inform stands on its own.
   */
  informSession?: () => snmp.Session;
  /** Informs to this target, one at a time in event order (a clear is never acknowledged before its raise). */
  chain: Promise<void>;
}

/**
 * Sends an SNMPv2c or SNMPv3 notification per alarm event to every configured target. A `trap`
 * target is fire-and-forget (RFC 3416 §4.2.6): a target that is down costs a log line, and the
 * active-alarm table is where an NMS that missed one finds the truth. An `inform` target must
 * acknowledge each notification with a Response; net-snmp resends it `retries` times, the wait
 * doubling from `timeoutSec`, and then it is counted as failed. Informs are not awaited by the
 * poll: a dead receiver would otherwise hold the monitor for the whole retry budget.
 */
export class TrapSender {
  readonly #targets: Target[] = [];
  /** Traps handed to the network, plus informs acknowledged. */
  sent = 0;
  /** Traps the socket refused, plus informs never acknowledged. */
  failed = 0;
  /** Informs acknowledged, and given up on after every resend. */
  informsAcked = 0;
  informsFailed = 0;

  constructor(settings: SnmpSettings, private readonly log: Logger, private readonly upTime: () => number) {
    for (const t of settings.trapTargets) {
      const transport = isIP(t.host) === 6 ? 'udp6' : 'udp4';
      const target = `${t.mode}:${t.version}://${t.host}:${t.port}`;
      const retry = { retries: t.retries, timeout: t.timeoutSec * 1000, backoff: 2 };
      let session: snmp.Session;
      let informSession: (() => snmp.Session) | undefined;
      if (t.version === 'v2c') {
        session = snmp.createSession(t.host, t.community ?? '', { version: snmp.Version2c, trapPort: t.port, transport, ...retry });
      } else {
        const user = settings.v3Users.find((u) => u.name === t.user);
        if (!user) throw new Error(`trap target ${target} names unknown user ${t.user}`);
        // The sender is the authoritative engine of a trap (RFC 3414 §1.5.1): the receiver keys the
        // user by this engine ID, so it is the agent's own, stable one. For an inform the receiver
        // is authoritative: net-snmp discovers its engine ID first.
        const open = () => {
          const v3 = snmp.createV3Session(t.host, usmUser(user), { trapPort: t.port, transport, engineID: settings.engineId, ...retry });
          v3.on('error', (err) => log.warn({ target, err: err.message }, 'trap session error'));
          return v3;
        };
        session = open();
        if (t.mode === 'inform') informSession = open;
      }
      if (t.version === 'v2c') session.on('error', (err) => log.warn({ target, err: err.message }, 'trap session error'));
      this.#targets.push({ target, session, inform: t.mode === 'inform', ...(informSession && { informSession }), chain: Promise.resolve() });
    }
  }

  /** Number of targets. */
  get targets(): number {
    return this.#targets.length;
  }

  /**
   * Sends the event to every target; resolves when the traps were handed to the network. Informs
   * are queued per target and acknowledged (or given up on) later: `idle()` waits for them.
   */
  async send(event: AlarmEvent): Promise<void> {
    const { oid, varbinds } = alarmTrap(event);
    const traps: Promise<void>[] = [];
    for (const t of this.#targets) {
      if (t.inform) {
        t.chain = t.chain.then(() => this.#inform(t, event, oid, varbinds));
        continue;
      }
      traps.push(new Promise<void>((resolve) => {
        t.session.trap(oid, varbinds, { upTime: this.upTime() }, (err) => {
          if (err) {
            this.failed++;
            this.log.warn({ target: t.target, alarm: event.alarm.id, err: err.message }, 'trap not sent');
          } else {
            this.sent++;
          }
          resolve();
        });
      }));
    }
    await Promise.all(traps);
  }

  /** Resolves when every queued inform was acknowledged or given up on. */
  async idle(): Promise<void> {
    await Promise.all(this.#targets.map((t) => t.chain));
  }

  #inform(t: Target, event: AlarmEvent, oid: string, varbinds: snmp.Varbind[]): Promise<void> {
    const session = t.informSession?.() ?? t.session;
    return new Promise<void>((resolve) => {
      session.inform(oid, varbinds, { upTime: this.upTime() }, (err) => {
        if (session !== t.session) session.close();
        if (err) {
          this.failed++;
          this.informsFailed++;
          this.log.warn({ target: t.target, alarm: event.alarm.id, seq: event.alarm.seq, err: err.message }, 'inform not acknowledged');
        } else {
          this.sent++;
          this.informsAcked++;
          this.log.debug({ target: t.target, alarm: event.alarm.id, seq: event.alarm.seq }, 'inform acknowledged');
        }
        resolve();
      });
    });
  }

  close(): void {
    for (const { session } of this.#targets) session.close();
    this.#targets.length = 0;
  }
}
