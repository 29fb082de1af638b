/** The analog gateway service: cards, FXS/FXO ports, and its control API. */
export { analogControl, type AnalogControl } from './analog-client.ts';
export type { AnalogPortStatus, AnalogStatus, CardStatus } from './analog-status.ts';
export { AnalogPorts, type AnalogPortsOptions, type PortPlan } from './ports/index.ts';
export { GatewayUserAgent, type GatewayUserAgentOptions, type Station } from './sip/index.ts';
