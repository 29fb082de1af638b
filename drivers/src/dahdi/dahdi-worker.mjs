// Bootstrap of the DAHDI I/O worker: a worker thread does not inherit the tsx loader of
// the main thread, so it registers its own before loading the TypeScript code (the same
// pattern as appliance/src/media-relay/relay-worker.mjs).
import { register } from 'tsx/esm/api';

register();
await import('./dahdi-worker.ts');
