import { Readable } from 'node:stream';

/** One CSV field (RFC 4180 §2): quoted when it holds a comma, quote or line break; quotes doubled. */
export function csvField(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  // A leading = + - @ would be run as a formula by Excel (CSV injection); an apostrophe prefix defuses it.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?[0-9.]+$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV record with CRLF, as RFC 4180 §2 says. */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/**
 * A UTF-8 CSV stream: BOM (so Excel reads Chinese names correctly), header row, then one line per
 * row from `pages`, pulled page by page as the client reads.
 */
export function csvStream<T>(header: readonly string[], pages: Iterable<T[]>, toRow: (item: T) => unknown[]): Readable {
  const it = pages[Symbol.iterator]();
  let first = true;
  return new Readable({
    read() {
      if (first) {
        first = false;
        this.push('\uFEFF' + csvLine(header));
        return;
      }
      const next = it.next();
      if (next.done) this.push(null);
      else this.push(next.value.map((item) => csvLine(toRow(item))).join(''));
    },
  });
}
