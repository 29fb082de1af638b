/** Call routing: who calls (origin), and where the call goes (router). Pure; the B2BUA carries decisions out. */
export { Router, transform, EMERGENCY_ROUTE, ANALOG_TRUNK_PREFIX, type CallOrigin, type Carrier, type RouteDecision, type RouteRequest, type TrunkStateOf } from './router.ts';
export { OriginTable, ANALOG_TRUNK, type OriginVerdict, type InviteSource } from './origin.ts';
