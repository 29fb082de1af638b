/**
 * Leaving a voicemail message (issue 6, docs/voicemail.md), without I/O: the adapter
 * (pbx/call-center/voicemail-host.ts) feeds it the start, keys, "prompt finished", "timer fired",
 * "message captured" and "caller hung up", and carries out the actions it returns.
 *
 *   greeting   the box's greeting + beep (a key does not cut it: the beep is the cue)  → recording
 *   recording  the caller speaks; #, the length limit or a hang-up ends it            → (message ready)
 *   done       a message of at least the minimum length is stored, a shorter one thrown away; hang up
 */

/** What the adapter must do, in order. */
export type VoicemailAction =
  | { type: 'play'; prompts: string[] }
  /** Start capturing the caller's audio. */
  | { type: 'start-capture' }
  /** Stop capturing; answer with messageReady(). */
  | { type: 'stop-capture' }
  | { type: 'arm-timer'; ms: number }
  | { type: 'cancel-timer' }
  /** Keep the message just captured. */
  | { type: 'store' }
  /** Throw the message away (empty or too short). */
  | { type: 'discard' }
  | { type: 'hangup' };

/** The beep that follows every greeting (in the shipped default set). */
export const VOICEMAIL_BEEP = 'beep';

/** Limits of a {@link VoicemailDialog}. */
export interface VoicemailLimits {
  /** Longest message; recording stops by itself after it. */
  maxMessageMs: number;
  /** A message shorter than this is a hang-up or a slip, not a message. Default 1 s. */
  minMessageMs?: number;
}

type State = 'idle' | 'greeting' | 'recording' | 'capturing-end' | 'done';

/** One caller's visit to a voicemail box; see the file comment. */
export class VoicemailDialog {
  private state: State = 'idle';
  /** The caller hung up: whatever happens to the message, do not hang up again. */
  private gone = false;
  private readonly minMessageMs: number;

  constructor(private readonly greeting: string, private readonly limits: VoicemailLimits) {
    this.minMessageMs = limits.minMessageMs ?? 1000;
  }

  /** Where the dialog is (for logs and tests). */
  get phase(): State {
    return this.state;
  }

  /** The call reached the box. */
  start(): VoicemailAction[] {
    this.state = 'greeting';
    return [{ type: 'play', prompts: [this.greeting, VOICEMAIL_BEEP] }];
  }

  /** A key from the caller: `#` ends the message. */
  digit(d: string): VoicemailAction[] {
    if (this.state !== 'recording' || d !== '#') return [];
    this.state = 'capturing-end';
    return [{ type: 'cancel-timer' }, { type: 'stop-capture' }];
  }

  /** The greeting and beep finished. */
  promptFinished(): VoicemailAction[] {
    if (this.state !== 'greeting') return [];
    this.state = 'recording';
    return [{ type: 'start-capture' }, { type: 'arm-timer', ms: this.limits.maxMessageMs }];
  }

  /** The timer armed last fired: the message reached its length limit. */
  timeout(): VoicemailAction[] {
    if (this.state !== 'recording') return [];
    this.state = 'capturing-end';
    return [{ type: 'stop-capture' }];
  }

  /** The caller hung up. A hang-up is the usual end of a message, so what was recorded is kept (if long enough). */
  callerHungUp(): VoicemailAction[] {
    this.gone = true;
    if (this.state === 'recording') {
      this.state = 'capturing-end';
      return [{ type: 'cancel-timer' }, { type: 'stop-capture' }];
    }
    if (this.state !== 'capturing-end') this.state = 'done';
    return [];
  }

  /** The capture stopped with `ms` of audio. */
  messageReady(ms: number): VoicemailAction[] {
    if (this.state !== 'capturing-end') return [];
    this.state = 'done';
    const out: VoicemailAction[] = [{ type: ms >= this.minMessageMs ? 'store' : 'discard' }];
    if (!this.gone) out.push({ type: 'hangup' });
    return out;
  }
}
