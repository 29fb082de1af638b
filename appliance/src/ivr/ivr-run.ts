/**
 * One caller's way through the IVR menus (issue 6), without I/O (STYLE.md habit 4): the
 * adapter feeds it the start, digits, "prompt finished" and "timer fired", and carries out
 * the actions it returns (play prompts, arm or cancel the digit timer, leave the IVR).
 * Time conditions are resolved when a menu is entered, with the time the adapter passes.
 */
import type { AcdSkillRequirement, IvrDestination } from '../config/index.ts';
import type { IvrMenuSettings, IvrSettings } from '../config/index.ts';
import { isOpen } from './time-conditions.ts';

/** Where the caller leaves the IVR for. */
export type IvrExit =
  | { kind: 'extension'; number: string }
  | { kind: 'queue'; name: string; skills: AcdSkillRequirement[] }
  | { kind: 'voicemail'; box: string }
  | { kind: 'hangup' };

/** What the adapter must do, in order. */
export type IvrAction =
  /** Play these prompt names (the current prompt, if any, is cut). */
  | { type: 'play'; prompts: string[] }
  /** Start (or restart) the digit timer. */
  | { type: 'arm-timer'; ms: number }
  | { type: 'cancel-timer' }
  /** The IVR is over: send the call on. `goodbye` asks for the goodbye prompt first (a hang-up after failed input). */
  | { type: 'exit'; to: IvrExit; goodbye: boolean };

/** A menu entered or a key pressed, for the agent's screen (CTI) and the record. */
export interface IvrChoice { menu: string; digit: string }

/** Prompt played before hanging up after the retries ran out. */
export const GOODBYE_PROMPT = 'goodbye';
/** Longest chain of menus and conditions followed without a key press (a loop guard). */
const MAX_HOPS = 16;

/** Bad IVR input the configuration cannot produce (validation prevents it); the call is hung up. */
export class IvrError extends Error {
  override readonly name = 'IvrError';
}

/** One caller's run through the menus. */
export class IvrRun {
  /** Keys pressed in menus, in order. */
  readonly choices: IvrChoice[] = [];
  /** Digits collected by collecting menus, by their `collect.name`. */
  readonly digits: Record<string, string> = {};
  private menu: IvrMenuSettings | undefined;
  private retries = 0;
  private buffer = '';
  private playing = false;
  private finished = false;
  private readonly menus: Map<string, IvrMenuSettings>;

  constructor(private readonly settings: IvrSettings, private readonly timeZone: string, private readonly now: () => Date) {
    this.menus = new Map(settings.menus.map((m) => [m.name, m]));
  }

  /** The menu the caller is in. */
  get currentMenu(): string | undefined { return this.menu?.name; }

  /** Enters menu (or time condition) `name`. */
  start(name: string): IvrAction[] {
    return this.enter(name, 0);
  }

  /** A DTMF digit from the caller. Digits during a prompt cut it short (barge-in). */
  digit(d: string): IvrAction[] {
    const m = this.menu;
    if (this.finished || !m) return [];
    if (m.collect) {
      if (d === '#') return this.endCollect();
      this.buffer += d;
      if (this.buffer.length >= m.collect.maxDigits) return this.endCollect();
      // Each digit gives the caller the full timeout again for the next one.
      return [...(this.playing ? this.silence() : []), { type: 'arm-timer', ms: m.timeoutSec * 1000 }];
    }
    const option = m.options.find((o) => o.digit === d);
    if (!option) return this.retry(m.invalidPrompt);
    this.choices.push({ menu: m.name, digit: d });
    return [{ type: 'cancel-timer' }, ...this.go(option.destination, option.skills ?? [], 0)];
  }

  /** The prompts of the last `play` ended: the caller now has the timeout to press a key. */
  promptFinished(): IvrAction[] {
    if (this.finished || !this.menu || !this.playing) return [];
    this.playing = false;
    return [{ type: 'arm-timer', ms: this.menu.timeoutSec * 1000 }];
  }

  /** The digit timer fired. */
  timeout(): IvrAction[] {
    const m = this.menu;
    if (this.finished || !m) return [];
    if (m.collect && this.buffer.length > 0) return this.endCollect();
    return this.retry(m.timeoutPrompt);
  }

  private silence(): IvrAction[] {
    this.playing = false;
    return [{ type: 'play', prompts: [] }];
  }

  private endCollect(): IvrAction[] {
    const m = this.menu!;
    const c = m.collect!;
    if (this.buffer.length < (c.minDigits ?? 1)) return this.retry(m.invalidPrompt);
    this.digits[c.name] = this.buffer;
    this.buffer = '';
    return [{ type: 'cancel-timer' }, ...this.go(c.then, [], 0)];
  }

  /** No key or a wrong one: the notice and the menu again, or the fail destination after the last retry. */
  private retry(notice: string): IvrAction[] {
    const m = this.menu!;
    this.buffer = '';
    if (this.retries >= m.maxRetries) {
      const fail = m.failDestination;
      if (fail.kind === 'hangup') return this.exit({ kind: 'hangup' }, true);
      return this.go(fail, [], 0);
    }
    this.retries++;
    this.playing = true;
    return [{ type: 'cancel-timer' }, { type: 'play', prompts: [notice, m.prompt] }];
  }

  private go(d: IvrDestination, skills: AcdSkillRequirement[], hops: number): IvrAction[] {
    switch (d.kind) {
      case 'menu': return this.enter(d.menu, hops + 1);
      case 'repeat': {
        this.playing = true;
        this.buffer = '';
        return [{ type: 'play', prompts: [this.menu!.prompt] }];
      }
      case 'queue': return this.exit({ kind: 'queue', name: d.name, skills }, false);
      case 'extension': return this.exit({ kind: 'extension', number: d.number }, false);
      case 'hangup': return this.exit({ kind: 'hangup' }, false);
      case 'voicemail': return this.exit({ kind: 'voicemail', box: d.box }, false);
      default: throw new IvrError(`unknown destination ${(d as { kind: string }).kind}`);
    }
  }

  private enter(name: string, hops: number): IvrAction[] {
    if (hops > MAX_HOPS) throw new IvrError(`menus and time conditions loop at ${name}`);
    const cond = this.settings.timeConditions.find((t) => t.name === name);
    if (cond) return this.enter(isOpen(cond, this.now(), this.timeZone) ? cond.open : cond.closed, hops + 1);
    const m = this.menus.get(name);
    if (!m) throw new IvrError(`no IVR menu or time condition ${name}`);
    this.menu = m;
    this.retries = 0;
    this.buffer = '';
    this.playing = true;
    return [{ type: 'cancel-timer' }, { type: 'play', prompts: [m.prompt] }];
  }

  private exit(to: IvrExit, goodbye: boolean): IvrAction[] {
    this.finished = true;
    return [{ type: 'cancel-timer' }, { type: 'exit', to, goodbye }];
  }
}
