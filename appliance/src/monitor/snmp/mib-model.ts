/**
 * The MIB as plain data: object definitions (scalars, tables) and the values of one moment.
 * The module builders (hotline-mib.ts, standard-mibs.ts) produce this from a monitor snapshot
 * without touching net-snmp, so they are tested as pure functions; mib-builder.ts turns it into
 * net-snmp's Mib.
 */

/** SMI base types the agent serves (RFC 2578 §7.1). */
export type Syntax = 'Integer32' | 'Unsigned32' | 'Gauge32' | 'Counter32' | 'TimeTicks' | 'OctetString' | 'OID';

/** A scalar object; its one instance is `oid.0`. */
export interface ScalarDef {
  name: string;
  oid: string;
  syntax: Syntax;
  /** Computes the value at request time (sysUpTime), instead of the value of the last poll. */
  live?: () => number;
}

/** A table column. The index column is `not-accessible` in SMIv2 unless `readable`. */
export interface ColumnDef {
  number: number;
  name: string;
  syntax: Syntax;
}

/** A conceptual table: `entryOid` is the ...Entry object; rows are [index, ...columns in order]. */
export interface TableDef {
  name: string;
  entryOid: string;
  index: ColumnDef & { syntax: 'Integer32' | 'Unsigned32' | 'OctetString'; readable?: boolean };
  columns: ColumnDef[];
}

/** A value as the agent encodes it: numbers for the integer types, Buffers for octet strings, dotted strings for OIDs. */
export type MibValue = number | Buffer | string;

/** Values of one moment. */
export interface MibData {
  scalars: Map<string, MibValue>;
  tables: Map<string, MibValue[][]>;
}

/** A MIB module's objects and how to fill them. */
export interface MibModule<S> {
  scalars: ScalarDef[];
  tables: TableDef[];
  /** Values from a snapshot, for every scalar (except live ones) and every table. */
  values(state: S, now: number): MibData;
}

const U32_MAX = 0xffffffff;

/** Unsigned32/Gauge32/Counter32/TimeTicks: a whole number in 0..2^32-1 (RFC 2578 §7.1.7: a gauge sticks at its maximum). */
export function u32(n: number): number {
  if (!Number.isFinite(n) || n <= 0) return 0;
  return n >= U32_MAX ? U32_MAX : Math.floor(n);
}

/** Integer32 clamped into [min, max]. */
export function i32(n: number, min = -0x80000000, max = 0x7fffffff): number {
  if (!Number.isFinite(n)) return 0;
  return Math.max(min, Math.min(max, Math.round(n)));
}

/** Seconds from `since` to `now` (both epoch ms), 0 when unknown or in the future. */
export function secondsSince(since: number | undefined, now: number): number {
  return since === undefined ? 0 : u32((now - since) / 1000);
}

/** Epoch ms as HlUnixTime seconds (0 = never). */
export function unixTime(ms: number | undefined): number {
  return ms === undefined || ms <= 0 ? 0 : u32(ms / 1000);
}

/**
 * UTF-8 text cut to at most `max` octets without splitting a character, so Chinese alarm texts
 * stay valid UTF-8 within DisplayString/HlUtf8String size limits.
 */
export function utf8(text: string, max = 255): Buffer {
  const b = Buffer.from(text, 'utf8');
  if (b.length <= max) return b;
  let end = max;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that does not fit.
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  return b.subarray(0, end);
}

/** Number of an enumeration label; `fallback` for a label the MIB does not name. */
export function enumValue<T extends string>(labels: Record<T, number>, label: string, fallback: number): number {
  return Object.hasOwn(labels, label) ? labels[label as T] : fallback;
}
