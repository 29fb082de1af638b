/** The analog gateway's SIP side (issue 5): registrations, calls to and from the PBX, RTP per call. */
export { GatewayUserAgent, GATEWAY_USER_AGENT, type GatewayUserAgentDeps, type GatewayUserAgentOptions, type Station } from './gateway-user-agent.ts';
export type { CardLaw } from './call-sdp.ts';
