/** Supervisor features (issue 6): listen, whisper, barge, force release / not ready / logout. */
export { Supervision, type SupervisionDeps } from './supervision.ts';
export { SupervisedCallHost } from './supervisor-host.ts';
export type { SupervisionCtiEvent, SupervisionMode } from './cti-events.ts';
