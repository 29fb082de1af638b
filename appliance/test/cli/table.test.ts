import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayWidth, formatDuration, formatTable } from '../../src/cli/table.ts';
import { parseTimeArg } from '../../src/cli/parse-time.ts';
import { CliUsageError } from '../../src/cli/errors.ts';

test('CJK characters count as two terminal columns', () => {
  assert.equal(displayWidth('号码'), 4);
  assert.equal(displayWidth('Number/号码'), 11);
  assert.equal(displayWidth('1001'), 4);
});

test('tables align columns by display width and trim trailing spaces', () => {
  const out = formatTable(['A/号码', 'B'], [['座席', 'x'], ['1001234', 'y']]);
  assert.equal(out, ['A/号码   B', '-------  -', '座席     x', '1001234  y', ''].join('\n'));
});

test('durations print as m:ss or h:mm:ss', () => {
  assert.equal(formatDuration(65), '1:05');
  assert.equal(formatDuration(3725), '1:02:05');
});

test('--since accepts relative times and ISO dates, and refuses anything else', () => {
  const now = Date.UTC(2024, 4, 10, 12, 0, 0);
  assert.equal(parseTimeArg('--since', '1h', now), now - 3_600_000);
  assert.equal(parseTimeArg('--since', '2d', now), now - 2 * 86_400_000);
  assert.equal(parseTimeArg('--since', '2024-05-01T08:00:00Z', now), Date.UTC(2024, 4, 1, 8));
  assert.equal(parseTimeArg('--since', '2024-05-01', now), new Date(2024, 4, 1).getTime(), 'a bare date is local midnight');
  assert.throws(() => parseTimeArg('--since', 'yesterday', now), CliUsageError);
  assert.throws(() => parseTimeArg('--since', '2024-13-45', now), CliUsageError);
});
