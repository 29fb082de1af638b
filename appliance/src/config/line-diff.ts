/**
 * A unified-style line diff (`-` removed, `+` added, ` ` kept) from the longest common
 * subsequence of lines. The table is O(n·m), fine for configuration files of a few thousand
 * lines; common head and tail are trimmed first so typical one-field edits stay tiny.
 * Unchanged runs longer than 2·context lines are folded into `@@ ... @@` markers.
 */
export function lineDiff(a: string, b: string, context = 3): string {
  const x = a.split('\n');
  const y = b.split('\n');
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  const xs = x.slice(head, x.length - tail);
  const ys = y.slice(head, y.length - tail);
  const n = xs.length;
  const m = ys.length;
  // lcs[i][j] = length of the LCS of xs[i..] and ys[j..], stored row-major in one array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = xs[i] === ys[j] ? lcs[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
    }
  }
  const ops: Array<{ op: ' ' | '-' | '+'; line: string; aLine: number }> = [];
  for (let k = 0; k < head; k++) ops.push({ op: ' ', line: x[k], aLine: k + 1 });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && xs[i] === ys[j]) {
      ops.push({ op: ' ', line: xs[i], aLine: head + i + 1 });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1])) {
      // Removals before additions on a tie, as readers of diff(1) expect.
      ops.push({ op: '-', line: xs[i], aLine: head + i + 1 });
      i++;
    } else {
      ops.push({ op: '+', line: ys[j], aLine: head + i + 1 });
      j++;
    }
  }
  for (let k = x.length - tail; k < x.length; k++) ops.push({ op: ' ', line: x[k], aLine: k + 1 });

  if (!ops.some((o) => o.op !== ' ')) return '';
  const keep = new Uint8Array(ops.length);
  ops.forEach((o, idx) => {
    if (o.op === ' ') return;
    for (let k = Math.max(0, idx - context); k <= Math.min(ops.length - 1, idx + context); k++) keep[k] = 1;
  });
  const out: string[] = [];
  ops.forEach((o, idx) => {
    if (!keep[idx]) return;
    // A hunk starts where the previous line was folded away (or at the very top).
    if (idx === 0 || !keep[idx - 1]) out.push(`@@ line ${o.aLine} @@`);
    out.push(`${o.op} ${o.line}`);
  });
  return out.join('\n') + '\n';
}
