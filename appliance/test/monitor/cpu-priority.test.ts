import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const MODULE = pathToFileURL(join(import.meta.dirname, '../../src/monitor/cpu-priority.ts')).href;

/** Runs lowerCpuPriority in a fresh process (it changes the nice value of the calling thread) and returns [before, after]. */
function niceIn(env: Record<string, string>): [number, number] {
  const code = `import { getPriority } from 'node:os'; import { pino } from 'pino'; const m = await import(${JSON.stringify(MODULE)}); const b = getPriority(); const a = m.lowerCpuPriority(pino({ level: 'silent' })); console.log(JSON.stringify([b, a, getPriority()]));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { env: { ...process.env, ...env }, encoding: 'utf8', cwd: join(import.meta.dirname, '../..') });
  assert.equal(r.status, 0, r.stderr);
  const [before, returned, after] = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as number[];
  assert.equal(returned, after);
  return [before!, after!];
}

test('the monitor runs nicer than the telephony processes: +10 by default, HOTLINE_MONITOR_NICE to change, 0 to leave it', () => {
  const [b, a] = niceIn({});
  assert.equal(a, Math.min(19, b + 10));
  const [b3, a3] = niceIn({ HOTLINE_MONITOR_NICE: '3' });
  assert.equal(a3, Math.min(19, b3 + 3));
  const [b0, a0] = niceIn({ HOTLINE_MONITOR_NICE: '0' });
  assert.equal(a0, b0);
  const [bx, ax] = niceIn({ HOTLINE_MONITOR_NICE: 'lots' });
  assert.equal(ax, Math.min(19, bx + 10), 'a value that is not a number is the default');
});
