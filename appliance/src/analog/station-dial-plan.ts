import type { HotlineConfig } from '../config/index.ts';
import { Router } from '../pbx/routing/router.ts';
import type { DigitPlan } from './call-legs.ts';

/**
 * What an analog desk phone may dial, so digit collection knows when a number is complete:
 * the PBX's own router says (extensions, outbound route patterns, emergency numbers), so the
 * phone and the PBX never disagree. The PBX still decides where the call goes; this only
 * ends dialling early instead of waiting for the inter-digit timeout after every number.
 */
export function stationDialPlan(config: HotlineConfig): DigitPlan {
  const router = new Router(config);
  return (digits) => router.dialVerdict(digits);
}
