// Which FXO line of a group an outbound call takes.

/** sequential: the lowest free line; round-robin: the first free line after the one used last. */
export type HuntOrder = 'sequential' | 'round-robin';

/**
 * Picks a line from `free` (port numbers of the group's lines that are idle and not in alarm),
 * or undefined when there is none. `lastUsed` is the port the group's previous call took.
 */
export function huntLine(free: readonly number[], hunt: HuntOrder, lastUsed?: number): number | undefined {
  const sorted = [...free].sort((a, b) => a - b);
  if (hunt === 'round-robin' && lastUsed !== undefined) {
    const after = sorted.find((p) => p > lastUsed);
    if (after !== undefined) return after;
  }
  return sorted[0];
}
