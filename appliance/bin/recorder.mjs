#!/usr/bin/env node
// Entry of the `recorder` process for pm2: registers the TypeScript loader (tsx), then runs the
// SIPREC recording server. Same .mjs-wrapper pattern as the PBX and mgmt.
import { register } from 'tsx/esm/api';

register();
await import('../src/recorder/main.ts');
