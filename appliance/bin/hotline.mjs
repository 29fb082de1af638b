#!/usr/bin/env node
// Console entry point: registers the TypeScript loader, then runs the CLI.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
register('tsx/esm', pathToFileURL('./'));
await import('../src/cli/main.ts');
