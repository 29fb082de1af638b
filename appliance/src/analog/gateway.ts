import type { AnalogSettings, HotlineConfig } from '../config/index.ts';
import type { GatewayFactory, Gateway } from './analog-service.ts';
import type { SipSide } from './call-legs.ts';
import { AnalogPorts, type PortPlan } from './ports/index.ts';
import { GatewayUserAgent, type Station } from './sip/index.ts';
import { stationDialPlan } from './station-dial-plan.ts';

/** Every configured port with the card it is on. */
export function portPlans(settings: AnalogSettings): PortPlan[] {
  return settings.cards.flatMap((card) => card.ports.map((p) => ({
    port: p.port, kind: p.kind, card: card.name,
    ...(p.extension !== undefined && { extension: p.extension }),
    ...(p.group !== undefined && { group: p.group }),
    ...(p.did !== undefined && { did: p.did }),
  })));
}

/** The FXS phones the gateway registers, each with its extension's digest secret. */
export function stationsOf(config: HotlineConfig, plans: readonly PortPlan[]): Station[] {
  const secrets = new Map(config.extensions.map((e) => [e.number, e.secret]));
  return plans.flatMap((p) => {
    const secret = p.extension === undefined ? undefined : secrets.get(p.extension);
    return p.kind === 'FXS' && secret !== undefined ? [{ extension: p.extension!, secret, port: p.port }] : [];
  });
}

/**
 * Where the gateway finds the PBX: its SIP address when bound to one, else loopback (the
 * two always share the box; a wildcard bind answers on 127.0.0.1 too).
 */
export function pbxAddress(config: HotlineConfig): { host: string; port: number } {
  const bind = config.sip.bindAddress;
  return { host: bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind, port: config.sip.udpPort };
}

/**
 * The gateway on an open card: port machines on the card, a SIP user agent towards the PBX,
 * each handing calls to the other through the seam in call-legs.ts.
 */
export const createGateway: GatewayFactory = async (opened, config, settings) => {
  let plans = portPlans(settings);
  let groupOf = new Map(plans.filter((p) => p.group !== undefined).map((p) => [p.port, p.group!]));
  // The two halves need each other; the port side reaches the user agent through this
  // forwarder, which is set before the card delivers its first event (ports.start below).
  let ua: GatewayUserAgent | undefined;
  const sip: SipSide = {
    call: (port, from, to, events) => {
      if (!ua) throw new Error('the SIP side of the analog gateway is not up yet');
      return ua.call(port, from, to, events);
    },
  };
  const ports = new AnalogPorts({ card: opened.card, ports: plans, settings, sip, dialPlan: stationDialPlan(config) });
  const pbx = pbxAddress(config);
  ua = await GatewayUserAgent.start({
    bindAddress: '127.0.0.1', port: settings.sipPort, pbx, domain: config.sip.domain ?? pbx.host,
    stations: stationsOf(config, plans), law: settings.law, ports, lineGroupOf: (port) => groupOf.get(port),
  });
  ports.start();
  const agent = ua;
  const gateway: Gateway = {
    status: () => ({ ports: ports.status(), registrations: agent.registrations(), calls: agent.calls() }),
    applyConfig(next) {
      // Only what leaves the cards alone reaches here (the service reopens them otherwise):
      // extensions and secrets, routes (the dial plan), DIDs and groups of the same ports.
      plans = portPlans(settings);
      groupOf = new Map(plans.filter((p) => p.group !== undefined).map((p) => [p.port, p.group!]));
      ports.update(plans, settings, stationDialPlan(next));
      agent.updateStations(stationsOf(next, plans));
    },
    async stop() {
      ports.stop();
      await agent.stop();
    },
  };
  return gateway;
};
