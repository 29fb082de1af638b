/**
 * Dial patterns in the notation PBX administrators already know from Asterisk:
 * `X` any digit, `Z` 1-9, `N` 2-9, `[1-5,8]` a set, `.` one or more of anything, `!` zero
 * or more; anything else (digits, `*`, `#`, `+`) stands for itself. A leading `_` is
 * accepted and ignored. Used by outbound routes (which number goes to which trunk) and
 * by FXS digit collection (when a dialled number is complete).
 */

/** `.` is parsed as one any-character set followed by `!`, so only `!` needs special walking. */
type Token = { kind: 'set'; chars: string } | { kind: 'rest' };

/** A dial pattern that failed to parse. */
export class DialPatternError extends Error {
  constructor(readonly pattern: string, reason: string) {
    super(`dial pattern '${pattern}': ${reason}`);
    this.name = 'DialPatternError';
  }
}

/** How far a dialled string gets against a pattern. */
export interface PatternMatch {
  /** The digits so far are a whole number for this pattern. */
  full: boolean;
  /** More digits could still match (so a full match may not be the end of dialling). */
  canExtend: boolean;
}

const DIGITS = '0123456789';
const DIALABLE = '0123456789*#+';

/** A parsed dial pattern. */
export class DialPattern {
  private readonly tokens: Token[];

  constructor(readonly source: string) {
    this.tokens = parse(source);
  }

  /** Whether `digits` matches the whole pattern. */
  matches(digits: string): boolean {
    return this.match(digits).full;
  }

  /** Full and partial match of `digits` (see {@link PatternMatch}). */
  match(digits: string): PatternMatch {
    // Positions in the token list reachable after the digits so far (an NFA walk; patterns
    // are a handful of tokens, numbers a few dozen digits). A `!` absorbs any character.
    let states = this.skipRest(new Set([0]));
    for (const d of digits) {
      const next = new Set<number>();
      for (const s of states) {
        const t = this.tokens[s];
        if (!t) continue;
        if (t.kind === 'set') { if (t.chars.includes(d)) next.add(s + 1); } else if (DIALABLE.includes(d)) next.add(s);
      }
      states = this.skipRest(next);
      if (states.size === 0) return { full: false, canExtend: false };
    }
    const full = states.has(this.tokens.length);
    const canExtend = [...states].some((s) => s < this.tokens.length);
    return { full, canExtend };
  }

  /** Adds, for every state on a `!`, the state past it (`!` may take nothing). */
  private skipRest(states: Set<number>): Set<number> {
    for (const s of [...states]) if (this.tokens[s]?.kind === 'rest') states.add(s + 1);
    return states;
  }

  /** Shortest number length this pattern accepts. */
  get minLength(): number {
    return this.tokens.filter((t) => t.kind === 'set').length;
  }
}

function parse(source: string): Token[] {
  const text = source.startsWith('_') ? source.slice(1) : source;
  if (text.length === 0) throw new DialPatternError(source, 'is empty');
  const tokens: Token[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    switch (c) {
      case 'X': case 'x': tokens.push({ kind: 'set', chars: DIGITS }); break;
      case 'Z': case 'z': tokens.push({ kind: 'set', chars: '123456789' }); break;
      case 'N': case 'n': tokens.push({ kind: 'set', chars: '23456789' }); break;
      case '.': tokens.push({ kind: 'set', chars: DIALABLE }, { kind: 'rest' }); break;
      case '!': tokens.push({ kind: 'rest' }); break;
      case '[': {
        const end = text.indexOf(']', i);
        if (end < 0) throw new DialPatternError(source, `'[' at ${i + 1} is not closed`);
        tokens.push({ kind: 'set', chars: parseSet(source, text.slice(i + 1, end)) });
        i = end;
        break;
      }
      default:
        if (!DIALABLE.includes(c)) throw new DialPatternError(source, `'${c}' is not a digit, *, #, + or one of X Z N [ ] . !`);
        tokens.push({ kind: 'set', chars: c });
    }
  }
  const restAt = tokens.findIndex((t) => t.kind === 'rest');
  if (restAt >= 0 && restAt !== tokens.length - 1) throw new DialPatternError(source, "'.' and '!' may only end a pattern");
  return tokens;
}

function parseSet(source: string, body: string): string {
  let chars = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === ',') continue;
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const from = DIGITS.indexOf(c);
      const to = DIGITS.indexOf(body[i + 2]!);
      if (from < 0 || to < from) throw new DialPatternError(source, `bad range ${c}-${body[i + 2]}`);
      chars += DIGITS.slice(from, to + 1);
      i += 2;
    } else if (DIALABLE.includes(c)) chars += c;
    else throw new DialPatternError(source, `'${c}' cannot be in a set`);
  }
  if (chars.length === 0) throw new DialPatternError(source, 'empty set []');
  return chars;
}
