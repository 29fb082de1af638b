// Device simulators on the far end of a pty pair (serial-pty.ts): a Megatec Q1 UPS and a GSM
// modem in PDU mode, answering like the real ones do.
import { formatQ1, type UpsQ1Status } from '@hotline/drivers/serial';
import { openPeer } from './serial-pty.ts';

export interface UpsSimulator {
  status: UpsQ1Status;
  /** false: plays an unplugged cable (no reply). */
  answering: boolean;
  q1Seen: number;
  close(): Promise<void>;
}

export async function startUpsSimulator(peer: string, status: UpsQ1Status): Promise<UpsSimulator> {
  let rx = '';
  const sim: UpsSimulator = { status, answering: true, q1Seen: 0, close: async () => undefined };
  const port = await openPeer(peer, (chunk, p) => {
    rx += chunk.toString('latin1');
    let i: number;
    while ((i = rx.indexOf('\r')) >= 0) {
      const cmd = rx.slice(0, i);
      rx = rx.slice(i + 1);
      if (cmd !== 'Q1') continue;
      sim.q1Seen++;
      if (sim.answering) p.write(formatQ1(sim.status));
    }
  });
  sim.close = () => new Promise<void>((r) => port.close(() => r()));
  return sim;
}

export interface ModemSimulator {
  /** AT commands received, in order (without CR). */
  commands: string[];
  /** PDUs received after the `> ` prompt, hex. */
  pdus: string[];
  /** Set: each PDU is refused with `+CMS ERROR: <code>` (500 unknown error, 330 SMSC unknown...). */
  cmsError?: number;
  close(): Promise<void>;
}

/** Answers ATE0 / AT+CMGF=0 with OK, AT+CMGS=<n> with the prompt, and each PDU with +CMGS: <mr>. */
export async function startModemSimulator(peer: string, firstMr = 12): Promise<ModemSimulator> {
  let rx = '';
  let mr = firstMr;
  let awaitingPdu = false;
  const sim: ModemSimulator = { commands: [], pdus: [], close: async () => undefined };
  const port = await openPeer(peer, (chunk, p) => {
    rx += chunk.toString('latin1');
    for (;;) {
      if (awaitingPdu) {
        const z = rx.indexOf('\x1a');
        if (z < 0) return;
        sim.pdus.push(rx.slice(0, z));
        rx = rx.slice(z + 1);
        awaitingPdu = false;
        p.write(sim.cmsError === undefined ? `\r\n+CMGS: ${mr++}\r\n\r\nOK\r\n` : `\r\n+CMS ERROR: ${sim.cmsError}\r\n`);
        continue;
      }
      const i = rx.indexOf('\r');
      if (i < 0) return;
      const cmd = rx.slice(0, i);
      rx = rx.slice(i + 1);
      sim.commands.push(cmd);
      if (/^AT\+CMGS=\d+$/.test(cmd)) {
        awaitingPdu = true;
        p.write('\r\n> ');
      } else if (cmd === 'ATE0' || cmd === 'AT+CMGF=0' || cmd === 'AT') p.write('\r\nOK\r\n');
      else p.write('\r\nERROR\r\n');
    }
  });
  sim.close = () => new Promise<void>((r) => port.close(() => r()));
  return sim;
}
