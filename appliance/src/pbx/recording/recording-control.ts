// What the PBX decides about recording each answered call (issue 7): the policy verdict
// (recording-policy.ts), recording on demand, and pause/resume around card numbers — by
// in-call DTMF from an extension's leg (*41..*44) or by API — carried out through the SIPREC
// client. The B2BUA only reports answered calls, digits and ends (CallRecorder in b2bua.ts).
import { InCallSequenceDetector } from '../../dialplan/index.ts';
import type { Clock, TimerHandle } from '../../sip/clock.ts';
import { moduleLogger } from '../../log.ts';
import type { RecordedCall, RecordingClient } from './recording-client.ts';
import { type RecordingSettings, type RecordingSubjects, type RecordingVerdict, recordingVerdict } from './recording-policy.ts';

const log = moduleLogger('pbx.recording');

/** A command on a call's recording. */
export type RecordingAction = 'start' | 'stop' | 'pause' | 'resume';

/** Every action, for input checks. */
export const RECORDING_ACTIONS: readonly RecordingAction[] = ['start', 'stop', 'pause', 'resume'];

/**
 * In-call DTMF codes of recording (docs/recorder.md). `*4x` belongs to recording; other
 * in-call features take other `*` prefixes with their own table on the same detector.
 */
export const RECORDING_DTMF_CODES: Readonly<Record<string, RecordingAction>> = { '*41': 'start', '*42': 'stop', '*43': 'pause', '*44': 'resume' };

/** The answer to a command: the recording's state afterwards. */
export interface RecordingCommandResult { callId: string; recording: 'started' | 'stopped' | 'paused' | 'resumed' }

/** A command that cannot be carried out (unknown call, forbidden by policy, wrong state): the API answers 400 with the message. */
export class RecordingCommandError extends RangeError {
  override readonly name = 'RecordingCommandError';
}

/** An answered call as recording sees it. */
export interface AnsweredCall extends RecordedCall {
  /** Policy subjects besides the trunk and queue already in RecordedCall. */
  extensions: string[];
  route?: string;
  /** Legs whose party is an extension (or agent): only they may key recording codes, never an outside caller. */
  controlLegs: Array<'a' | 'b'>;
}

interface Tracked {
  call: AnsweredCall;
  verdict: RecordingVerdict;
  detectors: Partial<Record<'a' | 'b', InCallSequenceDetector<RecordingAction>>>;
  /** Ends a pause that lasted `maxPauseMs`. */
  pauseTimer?: TimerHandle;
}

/** The recording decisions of the PBX; one per stack, alive with or without a recorder configured. */
export class RecordingControl {
  private readonly calls = new Map<string, Tracked>();
  private readonly bySession = new Map<string, string>();
  readonly counters = { dtmfCommands: 0, apiCommands: 0, commandsRefused: 0, pausesEndedByTimer: 0 };

  /** `client()` and `settings()` are read at each use: a reload may add, change or drop the recorder. */
  constructor(private readonly deps: { clock: Clock; client: () => RecordingClient | undefined; settings: () => RecordingSettings | undefined }) {}

  /** The policy of a new call, before it rings (undefined: no recorder configured). */
  verdict(subjects: RecordingSubjects): RecordingVerdict | undefined {
    const s = this.deps.settings();
    return s ? recordingVerdict(s, subjects) : undefined;
  }

  /** True when a new call must be refused: the policy records it always, requires the recorder, and the recorder is down. */
  refuses(subjects: RecordingSubjects): boolean {
    return this.verdict(subjects)?.mode === 'always' && (this.deps.client()?.refusing ?? false);
  }

  /** A call was answered (or a queue call reached its agent): recorded now when the policy says always. */
  answered(call: AnsweredCall): void {
    const verdict = this.verdict({ extensions: call.extensions, ...(call.trunk ? { trunk: call.trunk } : {}), ...(call.queue ? { queue: call.queue } : {}), ...(call.route ? { route: call.route } : {}) });
    const known = this.calls.get(call.callId);
    if (known) {
      // Once per call: a second report never opens a second recording. It is a transfer when
      // a party changed (its new party answered, or a transferred caller reached its new agent):
      // the recording goes on in a new segment naming the new party; the verdict taken at the
      // first answer stands (a compliance recording is not ended by a transfer).
      if (!partiesChanged(known.call, call)) return;
      this.transferred(known, call);
      return;
    }
    if (!verdict) return;
    const detectors: Tracked['detectors'] = {};
    for (const leg of call.controlLegs) detectors[leg] = new InCallSequenceDetector(RECORDING_DTMF_CODES);
    this.calls.set(call.callId, { call, verdict, detectors });
    this.bySession.set(call.sessionId, call.callId);
    if (verdict.mode === 'always') this.deps.client()?.start(call);
  }

  private transferred(t: Tracked, call: AnsweredCall): void {
    t.call = call;
    // The code detectors follow who may key codes now (an outside party never may).
    for (const leg of ['a', 'b'] as const) {
      if (!call.controlLegs.includes(leg)) delete t.detectors[leg];
      else t.detectors[leg] ??= new InCallSequenceDetector(RECORDING_DTMF_CODES);
    }
    this.deps.client()?.newSegment(call);
  }

  /** The call ended: its recording (if any) is closed. */
  ended(callId: string): void {
    const t = this.calls.get(callId);
    if (t) {
      t.pauseTimer?.cancel();
      this.calls.delete(callId);
      this.bySession.delete(t.call.sessionId);
    }
    this.deps.client()?.stop(callId);
  }

  /** A digit the relay saw on a leg; a completed recording code from an extension's leg is carried out. */
  digit(sessionId: string, leg: 'a' | 'b', digit: string): void {
    const callId = this.bySession.get(sessionId);
    const t = callId ? this.calls.get(callId) : undefined;
    const action = t?.detectors[leg]?.push(digit, this.deps.clock.now());
    if (!t || !action) return;
    this.counters.dtmfCommands++;
    try {
      const r = this.run(t, action);
      log.info({ callId: t.call.callId, leg, action, recording: r.recording }, 'recording code keyed in the call');
    } catch (err) {
      if (!(err instanceof RecordingCommandError)) throw err;
      this.counters.commandsRefused++;
      log.info({ callId: t.call.callId, leg, action, why: err.message }, 'recording code refused');
    }
  }

  /** A command from the control API or CTI. Throws RecordingCommandError (400). */
  command(callId: string, action: RecordingAction): RecordingCommandResult {
    this.counters.apiCommands++;
    const t = this.calls.get(callId);
    try {
      if (!this.deps.settings()) throw new RecordingCommandError('no recorder is configured (config recording)');
      if (!t) throw new RecordingCommandError(`no answered call ${callId}`);
      return this.run(t, action);
    } catch (err) {
      if (err instanceof RecordingCommandError) this.counters.commandsRefused++;
      throw err;
    }
  }

  /**
   * Carries out one command. `start` is refused on a call a `never` policy protects; `stop`
   * only ends recordings made on demand (a call the policy records always may be paused, not
   * stopped, so the compliance copy stays whole apart from the marked pauses).
   */
  private run(t: Tracked, action: RecordingAction): RecordingCommandResult {
    const client = this.deps.client();
    if (!client) throw new RecordingCommandError('no recorder is configured (config recording)');
    const { callId } = t.call;
    switch (action) {
      case 'start':
        if (t.verdict.mode === 'never') throw new RecordingCommandError(`call ${callId} must not be recorded (never, by ${t.verdict.by})`);
        if (client.has(callId)) throw new RecordingCommandError(`call ${callId} is already being recorded`);
        if (client.refusing || client.status().state === 'down') throw new RecordingCommandError(`the recorder is down: call ${callId} cannot be recorded now`);
        client.start(t.call);
        return { callId, recording: 'started' };
      case 'stop':
        if (!client.has(callId)) throw new RecordingCommandError(`call ${callId} is not being recorded`);
        if (t.verdict.mode === 'always') throw new RecordingCommandError(`call ${callId} is recorded by policy (always, by ${t.verdict.by}): pause it instead`);
        this.clearPauseTimer(t);
        client.stop(callId);
        return { callId, recording: 'stopped' };
      case 'pause':
      case 'resume':
        try {
          client.setPaused(callId, action === 'pause');
        } catch (err) {
          throw new RecordingCommandError((err as Error).message);
        }
        this.clearPauseTimer(t);
        if (action === 'pause') this.armPauseTimer(t);
        return { callId, recording: action === 'pause' ? 'paused' : 'resumed' };
    }
  }

  /**
   * A pause ends by itself after `maxPauseMs`: a pause someone forgot to resume would otherwise
   * leave the rest of the call — the part a dispute may be about — unrecorded.
   */
  private armPauseTimer(t: Tracked): void {
    const ms = this.deps.settings()?.maxPauseMs ?? 0;
    if (ms <= 0) return;
    t.pauseTimer = this.deps.clock.setTimer(ms, () => {
      t.pauseTimer = undefined;
      const client = this.deps.client();
      if (this.calls.get(t.call.callId) !== t || !client?.isPaused(t.call.callId)) return;
      this.counters.pausesEndedByTimer++;
      log.warn({ callId: t.call.callId, afterMs: ms }, 'recording pause ended by itself (maxPauseSec)');
      client.setPaused(t.call.callId, false);
    });
  }

  private clearPauseTimer(t: Tracked): void {
    t.pauseTimer?.cancel();
    t.pauseTimer = undefined;
  }
}

/** True when a call reported answered again has another party on either side (a transfer). */
function partiesChanged(was: AnsweredCall, now: AnsweredCall): boolean {
  return was.caller !== now.caller || was.callee !== now.callee || was.agent !== now.agent;
}
