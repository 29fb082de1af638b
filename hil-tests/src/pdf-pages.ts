// Renders PDF pages to PNG with pdftoppm (Debian's poppler-utils, installed by
// bootstrap-host.sh test), so a test can check the pages exist and a person can look at them.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Renders every page of `pdf` as `<outDir>/<prefix>-<n>.png` at `dpi`; returns the files with their sizes, in page order. */
export async function renderPdfPages(pdf: string, outDir: string, prefix: string, dpi = 60): Promise<Array<{ path: string; bytes: number }>> {
  mkdirSync(outDir, { recursive: true });
  await run('pdftoppm', ['-r', String(dpi), '-png', pdf, join(outDir, prefix)], { timeout: 60_000 });
  return readdirSync(outDir)
    .filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.png'))
    .sort((a, b) => Number(/-(\d+)\.png$/.exec(a)![1]) - Number(/-(\d+)\.png$/.exec(b)![1]))
    .map((f) => ({ path: join(outDir, f), bytes: statSync(join(outDir, f)).size }));
}
