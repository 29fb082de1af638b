import { CliUsageError } from './errors.ts';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A point in time from `--since`/`--until`: relative to now (`30m`, `1h`, `2d`, `1w` ago) or an
 * ISO 8601 date/time (`2024-05-01`, `2024-05-01T08:00`; without a zone it is local time, as ES
 * Date parses date-times). Returns epoch ms.
 */
export function parseTimeArg(option: string, text: string, now: number = Date.now()): number {
  const rel = /^([0-9]+)([smhdw])$/.exec(text);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]];
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}/.test(text)) {
    // A bare date would parse as UTC midnight; an operator in Beijing means local midnight.
    const ms = Date.parse(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text) ? `${text}T00:00` : text);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new CliUsageError(`${option}: "${text}" is neither an ISO date (2024-05-01, 2024-05-01T08:00) nor a relative time (30m, 1h, 2d, 1w)`);
}
