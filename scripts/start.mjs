// `npm start`: registers tsx so the TypeScript launcher runs without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./start.ts');
