import { routeSettings, type HotlineConfig } from '../config/index.ts';
import { DialPattern } from '../dialplan/index.ts';
import type { DigitPlan } from './call-legs.ts';

/**
 * What an analog desk phone may dial, so digit collection knows when a number is complete:
 * every extension, every outbound route's patterns and the emergency numbers. The PBX still
 * decides where the call goes; this only ends dialling early instead of waiting for the
 * inter-digit timeout after every number.
 */
export function stationDialPlan(config: HotlineConfig): DigitPlan {
  const routes = routeSettings(config);
  const patterns = [
    ...config.extensions.map((e) => e.number),
    ...routes.outbound.flatMap((r) => r.patterns),
    ...routes.emergencyNumbers,
  ].map((p) => new DialPattern(p));
  return (digits) => {
    let full = false;
    let canExtend = false;
    for (const p of patterns) {
      const m = p.match(digits);
      full ||= m.full;
      canExtend ||= m.canExtend;
      if (full && canExtend) break;
    }
    return { full, canExtend };
  };
}
