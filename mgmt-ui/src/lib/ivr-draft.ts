// The IVR designer's logic without the page: the menus as a tree (entry points first, each
// menu shown once, under the first menu or condition that leads to it) and the checks run
// before saving, with the same JSON pointers the server uses, so a field shows the problem
// whether the browser or the server found it. The server checks again on save.
import type { ErrorDetail, IvrConfig, IvrDestination, IvrMenu } from './api/types.ts';

/** What a destination may name. */
export interface KnownNames {
  queues: ReadonlySet<string>;
  extensions: ReadonlySet<string>;
  /** Prompt names with at least one file (any language, or shared). */
  prompts: ReadonlySet<string>;
  /** Voicemail box numbers. */
  boxes: ReadonlySet<string>;
}

/** A node of the tree: a menu or a time condition, with the nodes first reached from it. */
export interface IvrNode {
  kind: 'menu' | 'condition';
  name: string;
  /** Index in `menus` or `timeConditions`. */
  index: number;
  children: IvrNode[];
}

/** Menu and condition names a node leads to, in the order they appear. */
function targets(ivr: IvrConfig, kind: IvrNode['kind'], index: number): string[] {
  if (kind === 'condition') {
    const c = ivr.timeConditions![index]!;
    return [c.open, c.closed];
  }
  const m = ivr.menus![index]!;
  const dests: Array<IvrDestination | undefined> = [...(m.options ?? []).map((o) => o.destination), m.collect?.then, m.failDestination];
  return dests.flatMap((d) => (d?.kind === 'menu' ? [d.menu] : []));
}

/**
 * The menus as a tree: roots are the menus and conditions named by `entries` (inbound routes),
 * then any not reached from another one; each is placed once, under the first node (depth
 * first) that leads to it, so loops and shared sub-menus cannot make it endless.
 */
export function ivrTree(ivr: IvrConfig, entries: readonly string[] = []): IvrNode[] {
  const byName = new Map<string, { kind: IvrNode['kind']; index: number }>();
  (ivr.timeConditions ?? []).forEach((c, index) => byName.set(c.name, { kind: 'condition', index }));
  (ivr.menus ?? []).forEach((m, index) => { if (!byName.has(m.name)) byName.set(m.name, { kind: 'menu', index }); });
  const placed = new Set<string>();
  const build = (name: string): IvrNode | undefined => {
    const at = byName.get(name);
    if (!at || placed.has(name)) return undefined;
    placed.add(name);
    const node: IvrNode = { ...at, name, children: [] };
    for (const t of targets(ivr, at.kind, at.index)) {
      const child = build(t);
      if (child) node.children.push(child);
    }
    return node;
  };
  const reached = new Set<string>();
  for (const [name, at] of byName) for (const t of targets(ivr, at.kind, at.index)) if (t !== name) reached.add(t);
  const order = [...entries, ...[...byName.keys()].filter((n) => !reached.has(n)), ...byName.keys()];
  return order.map(build).filter((n): n is IvrNode => n !== undefined);
}

/** The problems the browser can see before saving: dangling destinations, duplicate keys, missing prompts, clashing names. */
export function validateIvr(ivr: IvrConfig, known: KnownNames): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const menuNames = new Set([...(ivr.menus ?? []).map((m) => m.name), ...(ivr.timeConditions ?? []).map((c) => c.name)]);
  const dest = (d: IvrDestination | undefined, path: string) => {
    if (!d) return;
    if (d.kind === 'queue' && !known.queues.has(d.name)) out.push({ path: `${path}/name`, message: `names no queue (${d.name || '—'})` });
    if (d.kind === 'extension' && !known.extensions.has(d.number)) out.push({ path: `${path}/number`, message: `names no extension (${d.number || '—'})` });
    if (d.kind === 'menu' && !menuNames.has(d.menu)) out.push({ path: `${path}/menu`, message: `names no menu or time condition (${d.menu || '—'})` });
    if (d.kind === 'voicemail' && !known.boxes.has(d.box)) out.push({ path: `${path}/box`, message: `names no voicemail box (${d.box || '—'})` });
  };
  const seen = new Set<string>();
  const name = (n: string, path: string) => {
    if (!/^[A-Za-z0-9_.-]{1,32}$/.test(n)) out.push({ path, message: 'letters, digits, ., - and _ only (1–32)' });
    else if (seen.has(n)) out.push({ path, message: `another menu or time condition is called ${n}` });
    seen.add(n);
  };
  (ivr.menus ?? []).forEach((m: IvrMenu, i) => {
    const p = `/ivr/menus/${i}`;
    name(m.name, `${p}/name`);
    for (const key of ['prompt', 'invalidPrompt', 'timeoutPrompt'] as const) {
      const v = m[key];
      if (v !== undefined && !known.prompts.has(v)) out.push({ path: `${p}/${key}`, message: `no prompt called ${v || '—'}: upload or record it first` });
    }
    const digits = new Set<string>();
    (m.options ?? []).forEach((o, j) => {
      if (!/^[0-9*#]$/.test(o.digit)) out.push({ path: `${p}/options/${j}/digit`, message: 'one key: 0–9, * or #' });
      else if (digits.has(o.digit)) out.push({ path: `${p}/options/${j}/digit`, message: `key ${o.digit} is used twice in this menu` });
      digits.add(o.digit);
      dest(o.destination, `${p}/options/${j}/destination`);
    });
    if (!m.collect && (m.options ?? []).length === 0) out.push({ path: `${p}/options`, message: 'a menu needs at least one option' });
    dest(m.collect?.then, `${p}/collect/then`);
    dest(m.failDestination, `${p}/failDestination`);
  });
  (ivr.timeConditions ?? []).forEach((c, i) => {
    const p = `/ivr/timeConditions/${i}`;
    name(c.name, `${p}/name`);
    for (const key of ['open', 'closed'] as const) if (!menuNames.has(c[key]) || c[key] === c.name) out.push({ path: `${p}/${key}`, message: `names no other menu or time condition (${c[key] || '—'})` });
    c.hours.forEach((h, j) => {
      if (h.days.length === 0) out.push({ path: `${p}/hours/${j}/days`, message: 'pick at least one day' });
      if (!(h.from < h.to)) out.push({ path: `${p}/hours/${j}/to`, message: `must be later than from (${h.from})` });
    });
    (c.holidays ?? []).forEach((d, j) => {
      if (!/^([0-9]{4}-)?(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/.test(d)) out.push({ path: `${p}/holidays/${j}`, message: `is not a date (YYYY-MM-DD or MM-DD): ${d}` });
    });
  });
  return out;
}

/** A new menu name not used yet (`menu-2`, `menu-3` …). */
export function freshMenuName(ivr: IvrConfig, base = 'menu'): string {
  const used = new Set([...(ivr.menus ?? []).map((m) => m.name), ...(ivr.timeConditions ?? []).map((c) => c.name)]);
  for (let n = 1; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** The first key 1–9, 0, *, # a menu does not use yet, or '' when all are taken. */
export function freeDigit(m: IvrMenu): string {
  const used = new Set((m.options ?? []).map((o) => o.digit));
  return ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'].find((d) => !used.has(d)) ?? '';
}

/** A destination of `kind` with the first name the page knows for it. */
export function defaultDestination(kind: IvrDestination['kind'], first: { queue?: string; extension?: string; menu?: string; box?: string }): IvrDestination {
  switch (kind) {
    case 'voicemail': return { kind, box: first.box ?? '' };
    case 'queue': return { kind, name: first.queue ?? '' };
    case 'extension': return { kind, number: first.extension ?? '' };
    case 'menu': return { kind, menu: first.menu ?? '' };
    default: return { kind };
  }
}
