#!/usr/bin/env node
// Entry of the `monitor` process for pm2: registers the TypeScript loader (tsx), then runs
// the service. pm2 sees a plain .mjs script, so it does not go looking for ts-node.
import { register } from 'tsx/esm/api';

register();
await import('../src/monitor/main.ts');
