/** The call center in the PBX (issue 6): IVR, ACD queues over SIP, agent feature codes, CTI events. */
export { CallCenter, DEFAULT_SCREEN_POP_LEAD_MS, type CallCenterDeps, type CallCenterSettings, type AgentStatePersistence } from './call-center.ts';
export { CtiBus, type CtiEvent, type CtiEventType } from './cti-events.ts';
export { PromptSet, installDefaultPrompts, SHIPPED_PROMPTS_DIR, PROMPT_NAMES, PROMPT_LANGUAGES } from './prompt-set.ts';
export { PromptRecordingHost, type PromptRecordingDeps } from './prompt-recording-host.ts';
export { openRtpCapture, type RtpCapture } from './rtp-capture.ts';
export { QueueCallLog, type QueueCallHook, type QueueEntry } from './queue-call-log.ts';
export { VoicemailHost, type VoicemailDeps } from './voicemail-host.ts';
