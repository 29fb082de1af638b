// The Routes page edits the `routes` section as form text; these convert between the two.
// Empty fields are left out (the server's defaults apply) and text that is not a number is
// sent as it is, so the server's validation names the field instead of the UI guessing.
import type { ErrorDetail, InboundRoute, OutboundRoute, RoutesConfig } from './api/types.ts';

/** One inbound route as the form holds it. */
export interface InboundDraft {
  /** Stable key for the list while rows move and are removed. */
  key: number;
  name: string;
  did: string;
  callerNumber: string;
  kind: 'extension' | 'hangup';
  number: string;
}

/** One outbound route as the form holds it. */
export interface OutboundDraft {
  key: number;
  name: string;
  /** One pattern per line. */
  patterns: string;
  strip: string;
  prepend: string;
  /** Trunk and line group names in failover order. */
  trunks: string[];
}

/** The whole section as the form holds it. */
export interface RoutesDraft {
  inbound: InboundDraft[];
  outbound: OutboundDraft[];
  /** Comma or space separated; empty keeps the defaults. */
  emergency: string;
}

let nextKey = 1;
/** A fresh list key. */
export const newKey = (): number => nextKey++;

/** The form text of a stored section. */
export function toDraft(r: RoutesConfig | undefined): RoutesDraft {
  return {
    inbound: (r?.inbound ?? []).map((x) => ({
      key: newKey(), name: x.name, did: x.did ?? '', callerNumber: x.callerNumber ?? '',
      kind: x.destination.kind, number: x.destination.kind === 'extension' ? x.destination.number : '',
    })),
    outbound: (r?.outbound ?? []).map((x) => ({
      key: newKey(), name: x.name, patterns: x.patterns.join('\n'), strip: x.strip === undefined ? '' : String(x.strip),
      prepend: x.prepend ?? '', trunks: [...x.trunks],
    })),
    emergency: (r?.emergencyNumbers ?? []).join(', '),
  };
}

/** The patterns of the text, one per non-empty line, in the order the server numbers them. */
export function patternList(text: string): string[] {
  return text.split('\n').map((s) => s.trim()).filter(Boolean);
}

function inbound(d: InboundDraft): InboundRoute {
  const did = d.did.trim();
  const caller = d.callerNumber.trim();
  return {
    name: d.name.trim(),
    ...(did ? { did } : {}),
    ...(caller ? { callerNumber: caller } : {}),
    destination: d.kind === 'extension' ? { kind: 'extension', number: d.number } : { kind: 'hangup' },
  };
}

function outbound(d: OutboundDraft): OutboundRoute {
  const strip = d.strip.trim();
  const prepend = d.prepend.trim();
  return {
    name: d.name.trim(),
    patterns: patternList(d.patterns),
    // A non-number goes as text: the schema then reports `/strip` as "must be integer".
    ...(strip ? { strip: /^\d+$/.test(strip) ? Number(strip) : (strip as unknown as number) } : {}),
    ...(prepend ? { prepend } : {}),
    trunks: [...d.trunks],
  };
}

/** The section to save. */
export function fromDraft(d: RoutesDraft): RoutesConfig {
  const emergency = d.emergency.split(/[\s,，]+/).filter(Boolean);
  return {
    inbound: d.inbound.map(inbound),
    outbound: d.outbound.map(outbound),
    ...(emergency.length ? { emergencyNumbers: emergency } : {}),
  };
}

/** Pointers the form shows next to a field; anything else is listed apart so no problem is hidden. */
const FIELD = /^\/comment$|^\/routes\/(?:inbound\/\d+\/(?:name|did|callerNumber|destination)|outbound\/\d+\/(?:name|patterns|strip|prepend|trunks)|emergencyNumbers)(?:\/|$)/;

/** Server validation details, looked up by the JSON pointer of the field. */
export class FieldErrors {
  constructor(readonly details: readonly ErrorDetail[] = []) {}

  /** Messages exactly at `pointer`. */
  at(pointer: string): string | undefined {
    const m = this.details.filter((d) => d.path === pointer).map((d) => d.message);
    return m.length ? m.join('; ') : undefined;
  }

  /** Details at `pointer` or below it. */
  under(pointer: string): ErrorDetail[] {
    return this.details.filter((d) => d.path === pointer || d.path.startsWith(`${pointer}/`));
  }

  /** Details no field shows. */
  unplaced(): ErrorDetail[] {
    return this.details.filter((d) => !FIELD.test(d.path));
  }
}
