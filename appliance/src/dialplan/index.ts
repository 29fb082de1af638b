/** Dial plans: number patterns shared by outbound routes and FXS digit collection. */
export { DialPattern, DialPatternError, type PatternMatch } from './dial-pattern.ts';
export { parseFeatureCode, featureCodeVerdict, type FeatureCode, type AgentFeatureCode } from './feature-codes.ts';
export { InCallSequenceDetector, DEFAULT_INTER_DIGIT_MS } from './in-call-sequence.ts';
export { parsePromptRecordCode, recordedPromptName, type PromptRecordCode } from './prompt-record-code.ts';
export { parseSupervisorCode, supervisorCodeVerdict, type SupervisorCode, type SupervisorAction } from './supervisor-codes.ts';
