import snmp from 'net-snmp';
import type { MibData, MibModule, Syntax } from './mib-model.ts';

const TYPE: Record<Syntax, number> = {
  Integer32: snmp.ObjectType.Integer32,
  Unsigned32: snmp.ObjectType.Unsigned32,
  Gauge32: snmp.ObjectType.Gauge32,
  Counter32: snmp.ObjectType.Counter32,
  TimeTicks: snmp.ObjectType.TimeTicks,
  OctetString: snmp.ObjectType.OctetString,
  OID: snmp.ObjectType.OID,
};
const READ_ONLY = snmp.MaxAccess['read-only'];
const NOT_ACCESSIBLE = snmp.MaxAccess['not-accessible'];

/** Numeric OID comparison (RFC 3416 §4.2.2 lexicographic order). */
export function compareOid(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Parses a dotted OID; undefined when it is not one. */
export function parseOid(oid: string): number[] | undefined {
  const parts = oid.replace(/^\./, '').split('.');
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,10}$/.test(p)) return undefined;
    out.push(Number(p));
  }
  return out;
}

/** One module's definitions with the values of this moment. */
export interface MibPart {
  module: MibModule<never> | MibModule<unknown>;
  data: MibData;
}

/**
 * A net-snmp Mib built from the modules' values, with every instance in OID order. The agent's
 * own GetNext walks the tree and sorts each node's children on every step, which costs O(rows)
 * per varbind (2 s for 10,000 varbinds); `next` is a binary search over the sorted instances.
 */
export class MibView {
  readonly mib: snmp.Mib;
  readonly #addresses: number[][] = [];
  readonly #nodes: snmp.MibNode[] = [];

  constructor(parts: readonly MibPart[]) {
    this.mib = snmp.createMib();
    for (const { module, data } of parts) {
      for (const s of module.scalars) {
        const live = s.live;
        this.mib.registerProvider({
          name: s.name, type: snmp.MibProviderType.Scalar, oid: s.oid, scalarType: TYPE[s.syntax], maxAccess: READ_ONLY,
          ...(live ? { handler: (req: { instanceNode: { value: unknown }; done(): void }) => { req.instanceNode.value = live(); req.done(); } } : {}),
        } as snmp.ProviderDefinition);
        const v = live ? live() : data.scalars.get(s.name);
        if (v === undefined) throw new Error(`no value for scalar ${s.name}`);
        this.mib.setScalarValue(s.name, v);
      }
      for (const t of module.tables) {
        this.mib.registerProvider({
          name: t.name, type: snmp.MibProviderType.Table, oid: t.entryOid, maxAccess: NOT_ACCESSIBLE,
          tableColumns: [
            { number: t.index.number, name: t.index.name, type: TYPE[t.index.syntax], maxAccess: t.index.readable ? READ_ONLY : NOT_ACCESSIBLE },
            ...t.columns.map((c) => ({ number: c.number, name: c.name, type: TYPE[c.syntax], maxAccess: READ_ONLY })),
          ],
          tableIndex: [{ columnName: t.index.name }],
        });
        for (const row of data.tables.get(t.name) ?? []) this.mib.addTableRow(t.name, row);
      }
    }
    this.#collect(this.mib.root);
    this.#installDirectRowLookup();
  }

  /**
   * net-snmp fills the row of every table cell it answers (for its callback) through
   * getTableRowCells, which lists every row of each column (Object.keys) to find one: O(rows) per
   * varbind. This version follows the row's index arcs from each column node directly.
   */
  #installDirectRowLookup(): void {
    type Internals = {
      providers: Record<string, snmp.ProviderDefinition>;
      getProviderNodeForTable(table: string): snmp.MibNode;
      getTableRowInstanceFromRowIndex(provider: snmp.ProviderDefinition, rowIndex: unknown): Array<number | string>;
      getTableRowCells(table: string, rowIndex: unknown): unknown[] | null;
    };
    const mib = this.mib as unknown as Internals;
    mib.getTableRowCells = (table, rowIndex) => {
      const providerNode = mib.getProviderNodeForTable(table);
      const address = mib.getTableRowInstanceFromRowIndex(mib.providers[table]!, rowIndex);
      const row: unknown[] = [];
      let found = false;
      for (const column of Object.keys(providerNode.children)) {
        let node: snmp.MibNode | undefined = providerNode.children[Number(column)];
        for (const arc of address) node = node?.children[Number(arc)];
        const value = node?.value;
        if (value !== undefined && value !== null) found = true;
        row.push(value ?? null);
      }
      return found ? row : null;
    };
  }

  /** Number of instances served. */
  get size(): number {
    return this.#nodes.length;
  }

  /** The first instance after `oid` in OID order, or null at the end of the MIB view. */
  next(oid: string): snmp.MibNode | null {
    const start = parseOid(oid) ?? [];
    let lo = 0;
    let hi = this.#addresses.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareOid(this.#addresses[mid]!, start) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return this.#nodes[lo] ?? null;
  }

  /** Depth-first in numeric child order: the instances come out sorted. */
  #collect(node: snmp.MibNode): void {
    const keys = Object.keys(node.children).map(Number).sort((a, b) => a - b);
    if (keys.length === 0) {
      if (node.value !== undefined) {
        this.#addresses.push(node.address.map(Number));
        this.#nodes.push(node);
      }
      return;
    }
    for (const k of keys) this.#collect(node.children[k]!);
  }
}
