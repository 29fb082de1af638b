import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import snmp from 'net-snmp';
import type { SnmpSettings } from '../../config/index.ts';
import type { Logger } from '../../log.ts';
import { MibView, type MibPart } from './mib-builder.ts';
import { admit, SourceList } from './source-filter.ts';

const AUTH: Record<SnmpSettings['v3Users'][number]['authProtocol'], number> = {
  'SHA-224': snmp.AuthProtocols.sha224,
  'SHA-256': snmp.AuthProtocols.sha256,
  'SHA-384': snmp.AuthProtocols.sha384,
  'SHA-512': snmp.AuthProtocols.sha512,
};
// AES-256 with Blumenthal key extension is what net-snmp's command-line tools mean by "AES-256".
const PRIV: Record<SnmpSettings['v3Users'][number]['privProtocol'], number> = { AES: snmp.PrivProtocols.aes, 'AES-256': snmp.PrivProtocols.aes256b };

/** net-snmp's USM user for a configured one: always authPriv (issue 8: v3 with SHA-2 and AES). */
export function usmUser(u: SnmpSettings['v3Users'][number]): snmp.V3User {
  return { name: u.name, level: snmp.SecurityLevel.authPriv, authProtocol: AUTH[u.authProtocol], authKey: u.authKey, privProtocol: PRIV[u.privProtocol], privKey: u.privKey };
}

/** What the agent counts, for the monitor's status and the logs. */
export interface AgentCounters {
  /** Datagrams handed to net-snmp (requests that passed the version and source checks). */
  received: number;
  /** SNMPv1 datagrams, v2c while v2c is off, and anything that is not SNMP. */
  droppedVersion: number;
  /** v2c from a source not in allowedSources. */
  droppedSource: number;
  /** Requests net-snmp refused: unknown community or user, wrong digest, undecodable. */
  refused: number;
}

type NextVarbind = { previousOid: string; oid: string; type: number; value: unknown };

/**
 * The SNMP agent of the monitor (net-snmp): SNMPv3 USM users, SNMPv2c only when enabled and only
 * from the allowed sources (checked on the raw datagram before net-snmp sees it), read-only
 * views of the MIB data the monitor hands it after each poll.
 */
export class SnmpAgent {
  readonly counters: AgentCounters = { received: 0, droppedVersion: 0, droppedSource: 0, refused: 0 };
  #view: MibView | undefined;

  private constructor(private readonly agent: snmp.Agent, readonly port: number) {}

  /** Binds the UDP port and resolves when it listens; rejects (e.g. EADDRINUSE) otherwise. */
  static async start(settings: SnmpSettings, log: Logger): Promise<SnmpAgent> {
    const sources = new SourceList(settings.v2c.allowedSources);
    const v2c = { enabled: settings.v2c.enabled, sources };
    let socket: Socket | undefined;
    let self: SnmpAgent | undefined;
    const dgramModule = {
      createSocket(type: 'udp4' | 'udp6') {
        const s = createSocket(type);
        socket = s;
        const on = s.on.bind(s);
        // Wrap the message listener net-snmp registers, so refused datagrams never reach it.
        s.on = ((event: string, fn: (...args: unknown[]) => void) => {
          if (event !== 'message') return on(event, fn);
          return on('message', (msg: Buffer, rinfo: RemoteInfo) => {
            const verdict = admit(msg, rinfo.address, v2c);
            if (verdict === 'accept') {
              if (self) self.counters.received++;
              return fn(msg, rinfo);
            }
            if (self) self.counters[verdict === 'drop-source' ? 'droppedSource' : 'droppedVersion']++;
            log.debug({ from: rinfo.address, verdict }, 'snmp datagram dropped');
          });
        }) as Socket['on'];
        return s;
      },
    };
    const transport = isIP(settings.bindAddress) === 6 ? 'udp6' : 'udp4';
    const agent = snmp.createAgent(
      { port: settings.port, address: settings.bindAddress, transport, engineID: settings.engineId, dgramModule },
      (err) => {
        if (!err) return;
        // A bad packet never stops the listener (STYLE 9): count it, log who sent it.
        if (self) self.counters.refused++;
        log.info({ from: err.rinfo?.address, err: err.message }, 'snmp request refused');
      },
    );
    self = new SnmpAgent(agent, settings.port);
    const bound = socket as Socket | undefined;
    if (!bound) throw new Error('net-snmp did not create its socket');
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      bound.once('error', onError);
      bound.once('listening', () => {
        bound.off('error', onError);
        resolve();
      });
    }).catch((err) => {
      agent.close();
      throw err;
    });
    const auth = agent.getAuthorizer();
    if (settings.v2c.enabled) auth.addCommunity(settings.v2c.community);
    for (const u of settings.v3Users) auth.addUser(usmUser(u));
    self.#installFastGetNext();
    return self;
  }

  /** Serves these values from now on (one atomic swap; requests in flight finish on the old view). */
  update(parts: readonly MibPart[]): void {
    const view = new MibView(parts);
    this.agent.setMib(view.mib);
    this.#view = view;
  }

  /** Instances currently served. */
  get instances(): number {
    return this.#view?.size ?? 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.agent.close(() => resolve());
      // close's callback runs once per socket; one socket here, but never hang on it.
      setTimeout(resolve, 200).unref();
    });
  }

  /**
   * Replaces the agent's GetNext step (used by GetNext and GetBulk) with the sorted-index search
   * of MibView; the response varbind has the shape net-snmp's own step builds.
   */
  #installFastGetNext(): void {
    const target = this.agent as unknown as { addGetNextVarbind(out: NextVarbind[], startOid: string): unknown };
    target.addGetNextVarbind = (out, startOid) => {
      const node = this.#view?.next(startOid) ?? null;
      if (node) {
        out.push({ previousOid: startOid, oid: node.oid, type: node.valueType, value: node.value });
        return node;
      }
      out.push({ previousOid: startOid, oid: startOid, type: snmp.ObjectType.EndOfMibView, value: null });
      // net-snmp's GetBulk loop stops repeating on a returned node of type EndOfMibView; with null it
      // would pad the response with endOfMibView up to max-repetitions (RFC 3416 §4.2.3 lets it stop).
      return { oid: startOid, type: snmp.ObjectType.EndOfMibView };
    };
  }
}
