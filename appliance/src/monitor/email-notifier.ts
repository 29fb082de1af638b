import nodemailer from 'nodemailer';
import type { EmailSettings } from '../config/index.ts';
import type { Logger } from '../log.ts';
import type { AlarmSeverity } from '../alarms/index.ts';
import type { AlarmEvent } from './alarm-manager.ts';
import { NotificationPolicy, type NotifierCounters } from './notification-policy.ts';

/** The Chinese names Chinese NMSs and operators use for the X.733 severities. */
const SEVERITY_ZH: Record<AlarmSeverity, string> = { critical: '紧急', major: '重要', minor: '次要', warning: '提示' };

/** Where the mail says it comes from and how it reads times. */
export interface MailContext {
  site: string;
  /** IANA zone the times are written in (the site's). */
  timeZone: string;
}

/** `2026-11-30 19:12:05` in `timeZone` (sv-SE is the locale whose format is ISO-like). */
function localTime(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
}

/**
 * Subject and plain-text body of the mail for one alarm event: Chinese first (the operators'),
 * then English for the vendor, like the SMS. The subject carries the occurrence number so a
 * clear threads with its raise in a mail client's search.
 */
export function alarmMail(ctx: MailContext, e: AlarmEvent): { subject: string; text: string } {
  const a = e.alarm;
  const zhSev = SEVERITY_ZH[a.severity];
  const raised = `${localTime(a.raisedAt, ctx.timeZone)} (${ctx.timeZone})`;
  const cleared = a.clearedAt === undefined ? undefined : `${localTime(a.clearedAt, ctx.timeZone)} (${ctx.timeZone})`;
  const subject = e.kind === 'raised'
    ? `【${ctx.site}】${zhSev}告警 #${a.seq}：${a.text.zh} / ${a.severity} alarm: ${a.text.en}`
    : `【${ctx.site}】告警恢复 #${a.seq}：${a.text.zh} / Cleared: ${a.text.en}`;
  const text = [
    e.kind === 'raised' ? `告警 #${a.seq} 已产生` : `告警 #${a.seq} 已恢复`,
    `级别：${zhSev}（${a.severity}）`,
    `来源：${a.source}`,
    `内容：${a.text.zh}`,
    `产生时间：${raised}`,
    `恢复时间：${cleared ?? '尚未恢复'}`,
    '',
    e.kind === 'raised' ? `Alarm #${a.seq} raised` : `Alarm #${a.seq} cleared`,
    `Severity: ${a.severity}`,
    `Source: ${a.source}`,
    `Text: ${a.text.en}`,
    `Raised: ${raised}`,
    `Cleared: ${cleared ?? 'not yet'}`,
    '',
    `-- `,
    `Hotline ${ctx.site} · alarm id ${a.id}`,
    '',
  ].join('\n');
  return { subject, text };
}

/** nodemailer's error, reworded so the status says what to fix. */
function describe(s: EmailSettings, err: Error & { code?: string; response?: string; responseCode?: number }): string {
  const server = `${s.host}:${s.port}`;
  switch (err.code) {
    case 'EAUTH':
      return `SMTP server ${server} refused authentication as ${s.auth?.user ?? '(none)'}: ${err.response ?? err.message}`;
    case 'ENOAUTH':
      return `SMTP server ${server} needs a user and password (monitor.email.user/password): ${err.message}`;
    case 'ETLS':
      return `SMTP server ${server}: TLS failed (${s.security}): ${err.message}`;
    case 'EENVELOPE':
      return `SMTP server ${server} refused the sender or recipients: ${err.response ?? err.message}`;
    case 'ECONNECTION':
    case 'ESOCKET':
    case 'ETIMEDOUT':
    case 'EDNS':
      return `cannot reach SMTP server ${server}: ${err.message}`;
    default:
      return `SMTP server ${server}: ${err.responseCode ? `${err.responseCode} ` : ''}${err.response ?? err.message}`;
  }
}

/**
 * Mails alarm raises and clears (one message per event to all recipients) under the policy the
 * SMS notifier shares (minimum severity, hourly limit, event order). A connection per message:
 * alarms are rare, and a fresh connection picks up changed settings and a restarted server.
 */
export class EmailNotifier {
  readonly #policy: NotificationPolicy;

  constructor(private readonly log: Logger, now: () => number = Date.now) {
    this.#policy = new NotificationPolicy('email', log, now);
  }

  get counters(): NotifierCounters {
    return this.#policy.counters;
  }

  /** Queues the mail of `e`; resolves when it was delivered to the server (or failed, or held back). */
  notify(settings: EmailSettings, ctx: MailContext, e: AlarmEvent): Promise<void> {
    return this.#policy.submit(settings, e, async () => {
      const { subject, text } = alarmMail(ctx, e);
      const transport = nodemailer.createTransport({
        host: settings.host, port: settings.port,
        secure: settings.security === 'tls',
        requireTLS: settings.security === 'starttls',
        ignoreTLS: settings.security === 'none',
        ...(settings.auth && { auth: { user: settings.auth.user, pass: settings.auth.password } }),
        tls: { rejectUnauthorized: settings.verifyCertificate },
        // A dead server must not hold later alarms for nodemailer's 2-minute defaults.
        connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000,
      });
      try {
        const info = await transport.sendMail({ from: settings.from, to: settings.recipients, subject, text, headers: { 'X-Hotline-Alarm': `${e.kind} ${e.alarm.id} #${e.alarm.seq}` } });
        this.log.info({ id: e.alarm.id, kind: e.kind, messageId: info.messageId, accepted: info.accepted.length }, 'alarm e-mail sent');
        // Some recipients refused, the others got it: sent, and the refusal is a failure to fix.
        const refused = info.rejected.map((r) => (typeof r === 'string' ? r : (r as { address: string }).address));
        if (refused.length === 0) return { sent: 1, failures: [] };
        this.log.warn({ id: e.alarm.id, refused }, 'alarm e-mail refused for some recipients');
        return { sent: 1, failures: [`SMTP server ${settings.host}:${settings.port} refused recipients ${refused.join(', ')}`] };
      } catch (err) {
        const why = describe(settings, err as Error);
        this.log.error({ id: e.alarm.id, kind: e.kind, err: why }, 'alarm e-mail failed');
        return { sent: 0, failures: [why] };
      } finally {
        transport.close();
      }
    });
  }

  close(): Promise<void> {
    return this.#policy.idle();
  }
}
