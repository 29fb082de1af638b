/** The port side of the analog gateway: FXS/FXO state machines behind PortSide (docs/analog.md). */
export { AnalogPorts, type AnalogPortsOptions } from './analog-ports.ts';
export type { PortPlan, PortStateName } from './port-machine.ts';
export { HOWLER_AFTER_MS, STUCK_OFFHOOK_AFTER_MS } from './fxs-port.ts';
export { DIAL_TONE_DELAY_MS, RING_GONE_MS } from './fxo-port.ts';
export { SILENCE_DISCONNECT_MS, BUSY_CYCLES } from './disconnect-detector.ts';
export { CID_AFTER_RING_MS } from './cid-sender.ts';
export { huntLine, type HuntOrder } from './line-hunter.ts';
