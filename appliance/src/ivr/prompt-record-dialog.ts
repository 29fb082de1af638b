/**
 * Recording a prompt from a phone (`*51<n>#`, issue 6), without I/O: the adapter
 * (pbx/call-center/prompt-recording-host.ts) feeds it the start, keys, "prompt finished",
 * "timer fired" and "take ready", and carries out the actions it returns.
 *
 *   intro      "record after the beep, # ends" + beep         → recording
 *   recording  the caller speaks; # or the length limit ends  → (take ready) → review
 *   review     the take, then "1 keeps, 2 records again"      → 1: saved, 2: intro
 *   saved      "your recording is saved"                      → hang up
 *
 * Keys during the review cut its playback (barge-in). No choice after three reviews, or an
 * empty take, discards the take and hangs up: nothing is kept unless the caller pressed 1.
 */

/** What the adapter must do, in order. */
export type PromptRecordAction =
  /** Play these prompt names. */
  | { type: 'play'; prompts: string[] }
  /** Play the take just recorded, then these prompt names. */
  | { type: 'play-take'; then: string[] }
  /** Stop what is playing (a key cut it). */
  | { type: 'stop-playback' }
  /** Start capturing the caller's audio into a new take. */
  | { type: 'start-capture' }
  /** Stop capturing; answer with takeReady(). */
  | { type: 'stop-capture' }
  | { type: 'arm-timer'; ms: number }
  | { type: 'cancel-timer' }
  /** Store the take as the prompt. */
  | { type: 'keep' }
  /** Throw the take away. */
  | { type: 'discard' }
  | { type: 'hangup' };

/** Prompt names the dialog plays (in the shipped default set). */
export const RECORD_PROMPTS = { intro: 'record-after-beep', beep: 'beep', review: 'record-review', saved: 'record-saved', failed: 'feature-failed' } as const;

/** Limits of a {@link PromptRecordDialog}. */
export interface PromptRecordLimits {
  /** Longest take; recording stops by itself after it. Default 120 s. */
  maxRecordMs?: number;
  /** Time to press 1 or 2 after the review prompt. Default 8 s. */
  choiceTimeoutMs?: number;
  /** Reviews without a choice before giving up. Default 3. */
  maxReviews?: number;
}

type State = 'idle' | 'intro' | 'recording' | 'capturing-end' | 'review' | 'await-choice' | 'saved' | 'failed' | 'done';

/** One caller's recording dialog; see the file comment. */
export class PromptRecordDialog {
  private state: State = 'idle';
  private reviews = 0;
  private readonly maxRecordMs: number;
  private readonly choiceTimeoutMs: number;
  private readonly maxReviews: number;

  constructor(limits: PromptRecordLimits = {}) {
    this.maxRecordMs = limits.maxRecordMs ?? 120_000;
    this.choiceTimeoutMs = limits.choiceTimeoutMs ?? 8_000;
    this.maxReviews = limits.maxReviews ?? 3;
  }

  /** Where the dialog is (for logs and tests). */
  get phase(): State {
    return this.state;
  }

  /** The call was answered. */
  start(): PromptRecordAction[] {
    return this.intro();
  }

  /** A key from the caller. */
  digit(d: string): PromptRecordAction[] {
    switch (this.state) {
      case 'recording':
        if (d !== '#') return [];
        this.state = 'capturing-end';
        return [{ type: 'cancel-timer' }, { type: 'stop-capture' }];
      case 'review':
      case 'await-choice': {
        const cut: PromptRecordAction[] = this.state === 'review' ? [{ type: 'stop-playback' }] : [{ type: 'cancel-timer' }];
        if (d === '1') {
          this.state = 'saved';
          return [...cut, { type: 'keep' }, { type: 'play', prompts: [RECORD_PROMPTS.saved] }];
        }
        if (d === '2') return [...cut, { type: 'discard' }, ...this.intro()];
        // Any other key: hear the choice again (it counts as a review).
        return [...cut, ...this.review()];
      }
      default:
        return [];
    }
  }

  /** The prompt (or take) playing finished. */
  promptFinished(): PromptRecordAction[] {
    switch (this.state) {
      case 'intro':
        this.state = 'recording';
        return [{ type: 'start-capture' }, { type: 'arm-timer', ms: this.maxRecordMs }];
      case 'review':
        this.state = 'await-choice';
        return [{ type: 'arm-timer', ms: this.choiceTimeoutMs }];
      case 'saved':
      case 'failed':
        this.state = 'done';
        return [{ type: 'hangup' }];
      default:
        return [];
    }
  }

  /** The timer armed last fired. */
  timeout(): PromptRecordAction[] {
    if (this.state === 'recording') {
      this.state = 'capturing-end';
      return [{ type: 'stop-capture' }];
    }
    if (this.state === 'await-choice') return this.review();
    return [];
  }

  /** The capture stopped; `hasAudio` false when the take is empty (no audio reached the PBX). */
  takeReady(hasAudio: boolean): PromptRecordAction[] {
    if (this.state !== 'capturing-end') return [];
    if (!hasAudio) {
      this.state = 'failed';
      return [{ type: 'discard' }, { type: 'play', prompts: [RECORD_PROMPTS.failed] }];
    }
    this.reviews = 0;
    return this.review();
  }

  private intro(): PromptRecordAction[] {
    this.state = 'intro';
    return [{ type: 'play', prompts: [RECORD_PROMPTS.intro, RECORD_PROMPTS.beep] }];
  }

  private review(): PromptRecordAction[] {
    if (this.reviews >= this.maxReviews) {
      this.state = 'done';
      return [{ type: 'discard' }, { type: 'hangup' }];
    }
    this.reviews++;
    this.state = 'review';
    return [{ type: 'play-take', then: [RECORD_PROMPTS.review] }];
  }
}
