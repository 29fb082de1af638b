// Where the harness finds the repository it tests.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, where `appliance/src/pbx/main.ts` lives. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
