/** Dial plans: number patterns shared by outbound routes and FXS digit collection. */
export { DialPattern, DialPatternError, type PatternMatch } from './dial-pattern.ts';
export { parseFeatureCode, featureCodeVerdict, type FeatureCode } from './feature-codes.ts';
export { parseSupervisorCode, supervisorCodeVerdict, type SupervisorCode, type SupervisorAction } from './supervisor-codes.ts';
