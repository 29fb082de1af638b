/** Agent call control from the desktop and conference keys from the desk phone (issue 6). */
export { AgentCallControl, AGENT_CALL_ACTIONS, type AgentCallAction, type AgentCallDeps, type AgentCallResult } from './agent-calls.ts';
export { AgentDial, AgentDials, type AgentDialDeps } from './agent-dials.ts';
export { ConferenceKeys, CONFERENCE_DTMF_CODES, type ConferenceKeyAction, type ConferenceKeysDeps } from './conference-keys.ts';
export { agentCallCommand } from './commands.ts';
export type { CallControlCtiEvent, DialPurpose } from './cti-events.ts';
