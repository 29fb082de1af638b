// The ordered header list of a SIP message (RFC 3261 §7.3): raw values, names
// matched case-insensitively with compact forms resolved (§7.3.3).
import { canonicalName, headerKey, isListHeader } from './header-names.ts';
import { splitTopLevel } from './list-split.ts';

/** Ordered header list; names matched case-insensitively, compact forms resolved to the canonical long name; raw values kept in order. */
export class Headers {
  // Parallel arrays: cheaper to build per message than an array of tuples.
  private readonly keys: string[] = [];
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  /** Bumped on every change, so typed views cached by SipMessage know when to re-parse. */
  revision = 0;

  /** Builds a header list from [name, value] pairs, in order. */
  constructor(init?: Iterable<readonly [string, string]>) {
    if (init) for (const [n, v] of init) this.append(n, v);
  }

  /** Number of header instances. */
  get size(): number {
    return this.keys.length;
  }

  /** First value of the header, raw. */
  get(name: string): string | undefined {
    const key = headerKey(name);
    const i = this.keys.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }

  /** Raw values of every instance of the header, unsplit, in order. */
  getRaw(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] === key) out.push(this.values[i]!);
    return out;
  }

  /** Every value of every instance; list headers (Via, Contact, Route, Allow ...) split at top-level commas. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const list = isListHeader(key);
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] !== key) continue;
      if (list) for (const v of splitTopLevel(this.values[i]!)) out.push(v);
      else out.push(this.values[i]!);
    }
    return out;
  }

  /** Number of instances of the header (a comma list counts as one). */
  count(name: string): number {
    const key = headerKey(name);
    let n = 0;
    for (const k of this.keys) if (k === key) n++;
    return n;
  }

  /** True when at least one instance is present. */
  has(name: string): boolean {
    return this.keys.indexOf(headerKey(name)) >= 0;
  }

  /** Replaces all instances with one value, at the position of the first (else appended). */
  set(name: string, value: string): void {
    const key = headerKey(name);
    const first = this.keys.indexOf(key);
    if (first < 0) {
      this.append(name, value);
      return;
    }
    this.values[first] = value;
    for (let i = this.keys.length - 1; i > first; i--) {
      if (this.keys[i] === key) this.removeAt(i);
    }
    this.revision++;
  }

  /** Adds an instance at the end. */
  append(name: string, value: string): void {
    this.keys.push(headerKey(name));
    this.names.push(canonicalName(name));
    this.values.push(value);
    this.revision++;
  }

  /** Adds an instance at the top (RFC 3261 §16.6 and §18.1.1: Via and Record-Route go first). */
  prepend(name: string, value: string): void {
    this.keys.unshift(headerKey(name));
    this.names.unshift(canonicalName(name));
    this.values.unshift(value);
    this.revision++;
  }

  /** Removes every instance. */
  remove(name: string): void {
    const key = headerKey(name);
    for (let i = this.keys.length - 1; i >= 0; i--) if (this.keys[i] === key) this.removeAt(i);
    this.revision++;
  }

  /** [canonical name, raw value] of each instance, in order. */
  *entries(): IterableIterator<[name: string, value: string]> {
    for (let i = 0; i < this.keys.length; i++) yield [this.names[i]!, this.values[i]!];
  }

  /** Same as entries(). */
  [Symbol.iterator](): IterableIterator<[name: string, value: string]> {
    return this.entries();
  }

  /** A deep copy. */
  clone(): Headers {
    const h = new Headers();
    h.keys.push(...this.keys);
    h.names.push(...this.names);
    h.values.push(...this.values);
    return h;
  }

  /** @internal Appends a header whose key and canonical name are already known (parser fast path). */
  appendResolved(key: string, name: string, value: string): void {
    this.keys.push(key);
    this.names.push(name);
    this.values.push(value);
  }

  /** @internal Raw parallel access for the serializer. */
  nameAt(i: number): string {
    return this.names[i]!;
  }

  /** @internal */
  keyAt(i: number): string {
    return this.keys[i]!;
  }

  /** @internal */
  valueAt(i: number): string {
    return this.values[i]!;
  }

  private removeAt(i: number): void {
    this.keys.splice(i, 1);
    this.names.splice(i, 1);
    this.values.splice(i, 1);
  }
}
