/**
 * Call routing (issue 5): who calls and what they dialled in, where the call goes out.
 * Pure: built from a config snapshot, asked with the trunks' current states; the SIP side
 * (B2BUA) carries the decision out. A config reload builds a new Router.
 */
import type { HotlineConfig, InboundRouteConfig, RouteSettings } from '../../config/index.ts';
import { analogSettings, routeSettings, trunkSettings } from '../../config/index.ts';
import { DialPattern, type FeatureCode, type PatternMatch, featureCodeVerdict, parseFeatureCode } from '../../dialplan/index.ts';

/**
 * Who places the call. `extension`: a phone that authenticated (or an FXS port of the analog
 * gateway, or a trusted peer), which may reach extensions and outbound routes. `trunk`: a
 * call from outside (a SIP trunk by name, or an FXO line as `analog:<group>`), which only
 * inbound routes may place, so a carrier can never use the box to dial out again.
 */
export type CallOrigin = { kind: 'extension'; number: string } | { kind: 'trunk'; name: string };

/** One way out: a SIP trunk, or an analog line group behind the gateway. */
export type Carrier = { kind: 'trunk'; name: string } | { kind: 'line-group'; name: string };

/** What to do with a new call. */
export type RouteDecision =
  /** Ring an extension; `route` names the inbound route that chose it. */
  | { kind: 'extension'; number: string; route?: string }
  /** Dial `number` (already stripped and prepended) through `carriers`, in order, until one takes the call. */
  | { kind: 'outbound'; number: string; carriers: Carrier[]; route: string; emergency: boolean }
  /** The PBX answers and runs IVR menu (or time condition) `menu`. */
  | { kind: 'ivr'; menu: string; route?: string }
  /** The PBX answers and queues the caller in ACD queue `name`. */
  | { kind: 'queue'; name: string; route?: string }
  /** An agent feature code dialled from an extension. */
  | { kind: 'feature'; code: FeatureCode }
  /** An agent's number dialled from an extension: ring the extension the agent is logged in on (the call center knows which). */
  | { kind: 'agent'; agent: string }
  /** An inbound route that refuses the call. */
  | { kind: 'hangup'; route: string }
  /** Nothing matches: 404, or 484 when more digits could still make a number (RFC 3261 §21.4.22). */
  | { kind: 'not-found'; status: 404 | 484 }
  /** An outbound route matched but none of its carriers can be tried now (all down, or line groups without cards). */
  | { kind: 'unavailable'; route: string };

/** The question: who calls, the number dialled (or the DID of an inbound call), and the caller's number. */
export interface RouteRequest { origin: CallOrigin; dialled: string; callerNumber: string }

/** A trunk's state as the router needs it: only `down` matters (skip it, or try it last for an emergency). */
export type TrunkStateOf = (trunk: string) => 'up' | 'registering' | 'unregistered' | 'down' | undefined;

/** Route name under which emergency numbers go out when no outbound route matches them. */
export const EMERGENCY_ROUTE = 'emergency';

/** Prefix of the trunk label of calls from an FXO line group (`analog:<group>`). */
export const ANALOG_TRUNK_PREFIX = 'analog:';

/** A matcher of a route: `_`-prefixed dial pattern, or a literal number compared as is. */
type Matcher = { pattern: DialPattern } | { literal: string };

interface CompiledInbound { route: InboundRouteConfig; did?: Matcher; caller?: Matcher }
interface CompiledOutbound { name: string; patterns: DialPattern[]; strip: number; prepend: string; carriers: string[] }

/** The routing table of one config version. */
export class Router {
  private readonly extensions: Set<string>;
  private readonly trunks: string[];
  /** Line groups usable as carriers: none when no analog card is configured. */
  private readonly lineGroups: string[];
  private readonly inbound: CompiledInbound[];
  private readonly outbound: CompiledOutbound[];
  private readonly emergency: Set<string>;
  /** Numbers of queues and IVR menus (issue 6: dial a group, transfer to a queue or menu), and agents' numbers. */
  private readonly hosted: Map<string, RouteDecision>;

  constructor(config: HotlineConfig) {
    const routes: RouteSettings = routeSettings(config);
    this.extensions = new Set(config.extensions.map((e) => e.number));
    this.trunks = trunkSettings(config).map((t) => t.name);
    this.lineGroups = (analogSettings(config)?.lineGroups ?? []).map((g) => g.name);
    this.inbound = routes.inbound.map((route) => ({ route, did: matcher(route.did), caller: matcher(route.callerNumber) }));
    this.outbound = routes.outbound.map((o) => ({ name: o.name, patterns: o.patterns.map((p) => new DialPattern(p)), strip: o.strip, prepend: o.prepend, carriers: o.trunks }));
    this.emergency = new Set(routes.emergencyNumbers);
    this.hosted = new Map();
    for (const a of config.acd?.agents ?? []) this.hosted.set(a.number, { kind: 'agent', agent: a.number });
    for (const q of config.acd?.queues ?? []) if (q.number) this.hosted.set(q.number, { kind: 'queue', name: q.name });
    for (const m of config.ivr?.menus ?? []) if (m.number) this.hosted.set(m.number, { kind: 'ivr', menu: m.name });
  }

  /** Decides where a new call goes; `stateOf` gives each SIP trunk's current state. */
  decide(req: RouteRequest, stateOf: TrunkStateOf): RouteDecision {
    return req.origin.kind === 'trunk' ? this.decideInbound(req) : this.decideFromExtension(req.dialled, stateOf);
  }

  /**
   * How far digits dialled on a phone that sends them one by one (an FXS port) get: `full`
   * when they are an extension, an emergency number or a number an outbound route takes;
   * `canExtend` when more digits could still make one. The shape of the analog gateway's DigitPlan.
   */
  dialVerdict(digits: string): PatternMatch {
    // Feature codes are complete numbers too (an analog agent phone dials *23 and is done).
    const feature = featureCodeVerdict(digits);
    const full = feature.full || this.emergency.has(digits) || this.extensions.has(digits) || this.hosted.has(digits) || this.outbound.some((o) => o.patterns.some((p) => p.matches(digits)));
    const canExtend = feature.canExtend || this.couldExtend(digits) || this.outbound.some((o) => o.patterns.some((p) => p.match(digits).canExtend));
    return { full, canExtend };
  }

  /** Whether `name` is a configured SIP trunk or usable line group (for callers of the router that label carriers). */
  carrierOf(name: string): Carrier | undefined {
    if (this.trunks.includes(name)) return { kind: 'trunk', name };
    if (this.lineGroups.includes(name)) return { kind: 'line-group', name };
    return undefined;
  }

  /** Inbound routes, first match wins; both matchers must match when present. */
  private decideInbound(req: RouteRequest): RouteDecision {
    for (const r of this.inbound) {
      if (!matches(r.did, req.dialled) || !matches(r.caller, req.callerNumber)) continue;
      const d = r.route.destination;
      switch (d.kind) {
        case 'hangup': return { kind: 'hangup', route: r.route.name };
        case 'ivr': return { kind: 'ivr', menu: d.menu, route: r.route.name };
        case 'queue': return { kind: 'queue', name: d.name, route: r.route.name };
        case 'extension': return { kind: 'extension', number: d.number, route: r.route.name };
      }
    }
    return { kind: 'not-found', status: 404 };
  }

  /**
   * An extension dialled: emergency numbers first (they must never be captured by an
   * extension of the same number), then extensions, then outbound routes in order.
   */
  private decideFromExtension(dialled: string, stateOf: TrunkStateOf): RouteDecision {
    const route = this.outbound.find((o) => o.patterns.some((p) => p.matches(dialled)));
    if (this.emergency.has(dialled)) {
      if (route) {
        // Down trunks go last rather than away: an emergency call tries everything.
        const carriers = this.usable(route.carriers, stateOf, true);
        if (carriers.length > 0) return { kind: 'outbound', number: transform(dialled, route), carriers, route: route.name, emergency: true };
      }
      return { kind: 'outbound', number: dialled, carriers: this.everyCarrier(stateOf), route: EMERGENCY_ROUTE, emergency: true };
    }
    if (this.extensions.has(dialled)) return { kind: 'extension', number: dialled };
    // After extensions: an agent number that is also an extension rings the extension.
    const hosted = this.hosted.get(dialled);
    if (hosted) return hosted;
    const code = parseFeatureCode(dialled);
    if (code) return { kind: 'feature', code };
    if (route) {
      const carriers = this.usable(route.carriers, stateOf, false);
      if (carriers.length === 0) return { kind: 'unavailable', route: route.name };
      return { kind: 'outbound', number: transform(dialled, route), carriers, route: route.name, emergency: false };
    }
    return { kind: 'not-found', status: this.couldExtend(dialled) || featureCodeVerdict(dialled).canExtend ? 484 : 404 };
  }

  /**
   * A route's carriers in its order, without unknown names and line groups when there is no
   * analog card; down trunks are left out, or (emergency) moved to the end.
   */
  private usable(names: string[], stateOf: TrunkStateOf, keepDown: boolean): Carrier[] {
    const known = names.map((n) => this.carrierOf(n)).filter((c): c is Carrier => c !== undefined);
    const live = known.filter((c) => c.kind !== 'trunk' || stateOf(c.name) !== 'down');
    if (!keepDown) return live;
    return [...live, ...known.filter((c) => !live.includes(c))];
  }

  /** Every way out for an emergency number no route matches: trunks that are up, line groups, then the other trunks. */
  private everyCarrier(stateOf: TrunkStateOf): Carrier[] {
    const up = this.trunks.filter((t) => stateOf(t) === 'up');
    const rest = this.trunks.filter((t) => stateOf(t) !== 'up');
    return [
      ...up.map((name): Carrier => ({ kind: 'trunk', name })),
      ...this.lineGroups.map((name): Carrier => ({ kind: 'line-group', name })),
      ...rest.map((name): Carrier => ({ kind: 'trunk', name })),
    ];
  }

  /** Whether more digits could turn `dialled` into an extension, an emergency number or a route's number. */
  private couldExtend(dialled: string): boolean {
    const prefixOf = (n: string) => n.length > dialled.length && n.startsWith(dialled);
    if ([...this.extensions].some(prefixOf) || [...this.emergency].some(prefixOf) || [...this.hosted.keys()].some(prefixOf)) return true;
    return this.outbound.some((o) => o.patterns.some((p) => { const m = p.match(dialled); return !m.full && m.canExtend; }));
  }
}

function matcher(source: string | undefined): Matcher | undefined {
  if (source === undefined) return undefined;
  return source.startsWith('_') ? { pattern: new DialPattern(source) } : { literal: source };
}

/** A missing matcher matches anything, a literal only itself. */
function matches(m: Matcher | undefined, value: string): boolean {
  if (!m) return true;
  return 'literal' in m ? m.literal === value : m.pattern.matches(value);
}

/** The number sent to the carrier: `strip` leading digits removed, then `prepend` added. */
export function transform(dialled: string, route: { strip: number; prepend: string }): string {
  return route.prepend + dialled.slice(route.strip);
}
