// Bootstrap of the CDR writer worker: a worker does not inherit the tsx loader that the
// service registered through its API, so it registers its own before loading the code.
import { register } from 'tsx/esm/api';

register();
await import('./cdr-writer-worker.ts');
