#!/usr/bin/env node
// Entry of the `analog` process for pm2: registers the TypeScript loader (tsx), then runs
// the service (same pattern as pbx.mjs).
import { register } from 'tsx/esm/api';

register();
await import('../src/analog/main.ts');
