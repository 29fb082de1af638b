/**
 * A binary min-heap whose items can be removed from the middle in O(log n): each heap keeps
 * an item → slot map, so an agent or caller that leaves (logs out, abandons) is taken out
 * without a scan. `before(a, b)` is true when `a` must come out first; it must be a strict
 * total order for the routing to be deterministic (callers and agents carry a sequence tie-break).
 */
export class IndexedHeap<T> {
  private readonly items: T[] = [];
  private readonly slot = new Map<T, number>();

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  /** Number of items. */
  get size(): number { return this.items.length; }

  /** The first item, or undefined when empty. O(1). */
  peek(): T | undefined { return this.items[0]; }

  /** Whether the item is in the heap. O(1). */
  has(item: T): boolean { return this.slot.has(item); }

  /** Adds an item (no-op if present). O(log n). */
  push(item: T): void {
    if (this.slot.has(item)) return;
    this.items.push(item);
    this.slot.set(item, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  /** Removes an item if present. O(log n). */
  remove(item: T): boolean {
    const i = this.slot.get(item);
    if (i === undefined) return false;
    const last = this.items.pop()!;
    this.slot.delete(item);
    if (i < this.items.length) {
      this.items[i] = last;
      this.slot.set(last, i);
      this.down(i);
      this.up(this.slot.get(last)!);
    }
    return true;
  }

  /** The items in no particular order (ring-all rings them all). */
  values(): readonly T[] { return this.items; }

  private up(i: number): void {
    const { items, slot, before } = this;
    const x = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (!before(x, parent)) break;
      items[i] = parent;
      slot.set(parent, i);
      i = p;
    }
    items[i] = x;
    slot.set(x, i);
  }

  private down(i: number): void {
    const { items, slot, before } = this;
    const n = items.length;
    const x = items[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(items[r]!, items[l]!) ? r : l;
      const child = items[c]!;
      if (!before(child, x)) break;
      items[i] = child;
      slot.set(child, i);
      i = c;
    }
    items[i] = x;
    slot.set(x, i);
  }
}
