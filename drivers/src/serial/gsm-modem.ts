/**
 * Sending SMS through a GSM modem with AT commands in PDU mode (3GPP TS 27.005 §3.5.1):
 * AT+CMGF=0, then per part AT+CMGS=<TPDU length>, wait for the `> ` prompt, send the PDU in
 * hex ended by Ctrl-Z, and read `+CMGS: <mr>` or the error.
 */
import type { ReplyFramer, SerialLink } from './serial-link.ts';
import { encodeSmsSubmit } from './sms-pdu.ts';

/** The modem refused a command or the network refused the message (+CMS ERROR: code). */
export class SmsSendError extends Error {
  override name = 'SmsSendError';
}

/** A final result code (OK, ERROR, +CMS/+CME ERROR) ends a reply; so does the `> ` prompt. */
export const atReplyFramer: ReplyFramer = (b) => {
  const s = b.toString('latin1');
  const m = /(?:^|\n)(OK|ERROR|\+CM[ES] ERROR:[^\r\n]*)\r\n/.exec(s);
  if (m) return m.index + m[0].length;
  const p = s.indexOf('> ');
  return p >= 0 ? p + 2 : 0;
};

const COMMAND_TIMEOUT_MS = 5000;
/** The network can take tens of seconds to accept a message. */
const SUBMIT_TIMEOUT_MS = 60_000;

async function command(link: SerialLink, cmd: string): Promise<string> {
  const reply = (await link.request(`${cmd}\r`, atReplyFramer, COMMAND_TIMEOUT_MS)).toString('latin1');
  if (!/(^|\n)OK\r\n/.test(reply)) throw new SmsSendError(`${cmd}: ${reply.trim() || 'no result'}`);
  return reply;
}

/**
 * Sends `text` to `to`, split into parts joined by reference `ref` when long; resolves with
 * the message reference the network gave each part.
 */
export async function sendSms(link: SerialLink, to: string, text: string, ref = 0): Promise<number[]> {
  const parts = encodeSmsSubmit(to, text, ref);
  await command(link, 'ATE0'); // no echo: replies hold only what the modem says
  await command(link, 'AT+CMGF=0');
  const refs: number[] = [];
  for (const p of parts) {
    const prompt = (await link.request(`AT+CMGS=${p.tpduLength}\r`, atReplyFramer, COMMAND_TIMEOUT_MS)).toString('latin1');
    if (!prompt.endsWith('> ')) throw new SmsSendError(`AT+CMGS: ${prompt.trim()}`);
    const result = (await link.request(`${p.hex}\x1a`, atReplyFramer, SUBMIT_TIMEOUT_MS)).toString('latin1');
    const mr = /\+CMGS:\s*(\d+)/.exec(result);
    if (!mr || !/(^|\n)OK\r\n/.test(result)) throw new SmsSendError(`message to ${to} refused: ${result.trim()}`);
    refs.push(Number(mr[1]));
  }
  return refs;
}
