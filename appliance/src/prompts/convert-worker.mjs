// Bootstrap of a prompt conversion worker: a worker does not inherit the tsx loader the
// service registered, so it registers its own before loading the code (as media-relay does).
import { register } from 'tsx/esm/api';

register();
await import('./convert-worker.ts');
