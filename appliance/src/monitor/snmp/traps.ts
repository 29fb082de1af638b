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

/**
 * Sends an SNMPv2c or SNMPv3 trap per alarm event to every configured target. A target that is
 * down costs nothing but a log line: traps are unconfirmed (RFC 3416 §4.2.6), and the active-alarm
 * table is where an NMS that missed one finds the truth.
 */
export class TrapSender {
  readonly #sessions: Array<{ target: string; session: snmp.Session }> = [];
  sent = 0;
  failed = 0;

  constructor(settings: SnmpSettings, private readonly log: Logger, private readonly upTime: () => number) {
    for (const t of settings.trapTargets) {
      const transport = isIP(t.host) === 6 ? 'udp6' : 'udp4';
      const target = `${t.version}://${t.host}:${t.port}`;
      let session: snmp.Session;
      if (t.version === 'v2c') {
        session = snmp.createSession(t.host, t.community ?? '', { version: snmp.Version2c, trapPort: t.port, transport });
      } else {
        const user = settings.v3Users.find((u) => u.name === t.user);
        if (!user) throw new Error(`trap target ${target} names unknown user ${t.user}`);
        // The sender is the authoritative engine of a trap (RFC 3414 §1.5.1): the receiver keys the
        // user by this engine ID, so it is the agent's own, stable one.
        session = snmp.createV3Session(t.host, usmUser(user), { trapPort: t.port, transport, engineID: settings.engineId });
      }
      session.on('error', (err) => log.warn({ target, err: err.message }, 'trap session error'));
      this.#sessions.push({ target, session });
    }
  }

  /** Number of targets. */
  get targets(): number {
    return this.#sessions.length;
  }

  /** Sends the event's trap to every target; resolves when all were handed to the network. */
  async send(event: AlarmEvent): Promise<void> {
    const { oid, varbinds } = alarmTrap(event);
    await Promise.all(this.#sessions.map(({ target, session }) => new Promise<void>((resolve) => {
      session.trap(oid, varbinds, { upTime: this.upTime() }, (err) => {
        if (err) {
          this.failed++;
          this.log.warn({ target, alarm: event.alarm.id, err: err.message }, 'trap not sent');
        } else {
          this.sent++;
        }
        resolve();
      });
    })));
  }

  close(): void {
    for (const { session } of this.#sessions) session.close();
    this.#sessions.length = 0;
  }
}
