// Bootstrap of a media relay worker: a worker does not inherit the tsx loader that the
// service registered through its API, so it registers its own before loading the code
// (the same pattern as records/cdr-writer-worker.mjs).
import { register } from 'tsx/esm/api';

register();
await import('./relay-worker.ts');
