/**
 * Who sent a new INVITE, told from where it came from (issue 5): the analog gateway (a local
 * address and the gateway's SIP port), a configured SIP trunk (its host), or neither, in
 * which case the caller must authenticate as an extension. Pure, rebuilt on config reload.
 */
import type { HotlineConfig } from '../../config/index.ts';
import { analogSettings, trunkSettings } from '../../config/index.ts';
import { ANALOG_TRUNK_PREFIX, type CallOrigin } from './router.ts';

/** Name of the implicit trunk the analog gateway is (line groups are `analog:<group>` under it). */
export const ANALOG_TRUNK = 'analog';

/** How a new INVITE is let in. */
export type OriginVerdict =
  /** Trusted by address: route it as this origin without digest. */
  | { kind: 'trusted'; origin: CallOrigin; callerNumber: string }
  /** From the gateway, but its From user is no FXS extension: 403. */
  | { kind: 'forbidden'; reason: string }
  /** Not recognised by address: digest authentication decides. */
  | { kind: 'authenticate' };

/** What of an INVITE the classifier looks at. */
export interface InviteSource {
  address: string;
  port: number;
  /** The Request-URI's `group` parameter, if any. */
  group: string | undefined;
  /** The From user. */
  fromUser: string;
}

/** The address-based part of admission control for one config version. */
export class OriginTable {
  private readonly localAddresses: Set<string>;
  private readonly gatewayPort: number | undefined;
  private readonly fxsExtensions: Set<string>;
  /** Trunk name by host address, and by host and port; the first trunk configured for either wins. */
  private readonly trunkByHost = new Map<string, string>();
  private readonly trunkByHostPort = new Map<string, string>();

  constructor(config: HotlineConfig) {
    const analog = analogSettings(config);
    this.gatewayPort = analog?.sipPort;
    this.localAddresses = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1', config.sip.bindAddress]);
    this.fxsExtensions = new Set((analog?.cards ?? []).flatMap((c) => c.ports).filter((p) => p.kind === 'FXS' && p.extension !== undefined).map((p) => p.extension!));
    for (const t of trunkSettings(config)) {
      if (!this.trunkByHost.has(t.host)) this.trunkByHost.set(t.host, t.name);
      const hp = `${t.host}|${t.port}`;
      if (!this.trunkByHostPort.has(hp)) this.trunkByHostPort.set(hp, t.name);
    }
  }

  /** Whether requests from this source come from the analog gateway. */
  isGateway(address: string, port: number): boolean {
    return this.gatewayPort !== undefined && port === this.gatewayPort && this.localAddresses.has(address);
  }

  /**
   * The SIP trunk a source belongs to, if any. A carrier may send from another port than the
   * one we send to (an SBC pool), so the address alone decides — except for this host's own
   * addresses, which its phones and the gateway share: there the port must match too.
   */
  trunkAt(address: string, port: number): string | undefined {
    return this.trunkByHostPort.get(`${address}|${port}`) ?? (this.localAddresses.has(address) ? undefined : this.trunkByHost.get(address));
  }

  /** Classifies a new INVITE by its source (see {@link OriginVerdict}). */
  classify(src: InviteSource): OriginVerdict {
    if (this.isGateway(src.address, src.port)) {
      // An FXO line rang: a PSTN call for the inbound routes.
      if (src.group !== undefined) return { kind: 'trusted', origin: { kind: 'trunk', name: `${ANALOG_TRUNK_PREFIX}${src.group}` }, callerNumber: src.fromUser };
      // An FXS phone dialled: it is that extension calling, but only for extensions on FXS ports.
      if (!this.fxsExtensions.has(src.fromUser)) return { kind: 'forbidden', reason: `${src.fromUser || '(empty)'} is no FXS extension` };
      return { kind: 'trusted', origin: { kind: 'extension', number: src.fromUser }, callerNumber: src.fromUser };
    }
    const trunk = this.trunkAt(src.address, src.port);
    if (trunk !== undefined) return { kind: 'trusted', origin: { kind: 'trunk', name: trunk }, callerNumber: src.fromUser };
    return { kind: 'authenticate' };
  }
}
