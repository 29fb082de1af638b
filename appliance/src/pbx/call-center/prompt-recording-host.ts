// Recording IVR prompts from a phone (`*51<n>#`, issue 6): the adapter around the pure
// PromptRecordDialog (ivr/prompt-record-dialog.ts). It sits in front of the call center as the
// B2BUA's CallHost, takes the calls whose feature code is `record-prompt` and passes everything
// else on, so the call center itself needs no part of it. Only extensions listed in
// `ivr.promptRecorders` (the admins' and supervisors' phones) may record; others hear
// "feature failed". The caller's audio comes through the relay's RTP fork (rtp-capture.ts).
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wavHeader } from '@hotline/media';
import { PromptRecordDialog, RECORD_PROMPTS, type PromptRecordAction, type PromptRecordLimits } from '../../ivr/index.ts';
import { moduleLogger } from '../../log.ts';
import { PromptStore } from '../../prompts/index.ts';
import type { Clock, TimerHandle } from '../../sip/clock.ts';
import type { Call } from '../call.ts';
import { ForwardingCallHost, type CallHost, type HostedDecision } from '../call-host.ts';
import type { MediaAnchor, MediaEvent, PromptPlayer } from '../media-anchor.ts';
import type { PromptSet } from './prompt-set.ts';
import { openRtpCapture, type RtpCapture } from './rtp-capture.ts';

const log = moduleLogger('pbx.prompt-recording');

/** A take shorter than this (100 ms of 8 kHz A-law) holds no usable audio: no RTP reached us. */
const MIN_TAKE_BYTES = 800;
/** RTP payload type of PCMA (RFC 3551 table 4), the law the fork delivers. */
const PCMA_PT = 8;

/** What the recording host needs around it. */
export interface PromptRecordingDeps {
  clock: Clock;
  media: MediaAnchor & PromptPlayer;
  prompts: PromptSet;
  /** Opens the capture socket; tests may pass a fake. */
  openCapture?: (maxBytes: number) => Promise<RtpCapture>;
  limits?: PromptRecordLimits;
}

interface Session {
  call: Call;
  prompt: string;
  dialog: PromptRecordDialog;
  /** Not allowed to record: play "feature failed", then hang up. */
  refused: boolean;
  sessionId?: string;
  capture?: RtpCapture;
  playId: number;
  timer?: TimerHandle;
  /** The take being reviewed, as a complete WAV, and where it is played from. */
  take?: { wav: Buffer; path: string };
  takes: number;
}

/** The CallHost in front of the call center; see the file comment. */
export class PromptRecordingHost extends ForwardingCallHost {
  private readonly byCall = new Map<Call, Session>();
  private readonly bySession = new Map<string, Session>();
  private nextPlayId = 1_000_000_000; // apart from the call center's ids, for readable logs
  readonly counters = { started: 0, refused: 0, kept: 0, discarded: 0 };

  /** `recorders` answers the extensions allowed to record from the current configuration (asked per call, so a reload applies). */
  constructor(inner: CallHost, private readonly deps: PromptRecordingDeps, private readonly recorders: () => readonly string[]) {
    super(inner);
  }

  accept(call: Call, decision: HostedDecision): void {
    if (decision.kind !== 'feature' || decision.code.kind !== 'record-prompt') {
      this.inner.accept(call, decision);
      return;
    }
    const refused = !this.recorders().includes(call.caller) || !this.deps.media.fork;
    const s: Session = { call, prompt: decision.code.prompt, dialog: new PromptRecordDialog(this.deps.limits), refused, playId: 0, takes: 0 };
    this.byCall.set(call, s);
    if (refused) {
      this.counters.refused++;
      log.info({ extension: call.caller, prompt: s.prompt, fork: Boolean(this.deps.media.fork) }, 'prompt recording refused: extension not in ivr.promptRecorders');
    }
    void call.answerHere({ bridged: () => {}, ringFailed: () => {} }).then(async (ok) => {
      if (!ok || call.state === 'ended') return;
      const sessionId = call.media.session!.sessionId;
      s.sessionId = sessionId;
      this.bySession.set(sessionId, s);
      if (s.refused) { this.play(s, [RECORD_PROMPTS.failed]); return; }
      this.counters.started++;
      this.deps.media.detectInbandDtmf?.(sessionId, 'a', true);
      try {
        const maxMs = this.deps.limits?.maxRecordMs ?? 120_000;
        s.capture = await (this.deps.openCapture ?? openRtpCapture)(Math.ceil(maxMs * 8 * 1.1));
      } catch (err) {
        log.error({ err }, 'cannot open the capture socket; hanging up');
        call.hangup('system', 'prompt-recording');
        return;
      }
      if (!this.byCall.has(call)) { s.capture.close(); return; } // hung up meanwhile
      log.info({ extension: call.caller, prompt: s.prompt }, 'prompt recording started');
      this.apply(s, s.dialog.start());
    });
  }

  override onMediaEvent(e: MediaEvent): void {
    const s = (e.type === 'dtmf' || e.type === 'prompt-finished') ? this.bySession.get(e.sessionId) : undefined;
    if (!s) { this.inner.onMediaEvent(e); return; }
    if (e.type === 'dtmf' && e.leg === 'a') { if (!s.refused) this.apply(s, s.dialog.digit(e.digit)); return; }
    if (e.type !== 'prompt-finished' || e.leg !== 'a' || e.playId !== s.playId) return;
    s.playId = 0;
    if (e.error) log.warn({ callId: s.call.callId, error: e.error }, 'prompt could not be played');
    if (s.refused) { s.call.hangup('system', 'prompt-recording'); return; }
    this.apply(s, s.dialog.promptFinished());
  }

  override ended(call: Call): void {
    const s = this.byCall.get(call);
    if (!s) { this.inner.ended(call); return; }
    this.byCall.delete(call);
    if (s.sessionId) this.bySession.delete(s.sessionId);
    s.timer?.cancel();
    s.capture?.close();
    if (s.take) this.discard(s);
  }

  private apply(s: Session, actions: PromptRecordAction[]): void {
    if (actions.length > 0 && log.isLevelEnabled('debug')) log.debug({ callId: s.call.callId, phase: s.dialog.phase, actions: actions.map((a) => a.type) }, 'prompt recording step');
    for (const a of actions) {
      if (s.call.state === 'ended') return;
      switch (a.type) {
        case 'play': this.play(s, a.prompts); break;
        case 'play-take': this.play(s, a.then, s.take?.path); break;
        case 'stop-playback':
          s.playId = 0;
          this.deps.media.setMusicOnHold(s.sessionId!, 'a', false);
          break;
        case 'start-capture':
          s.capture!.take(); // whatever arrived during the intro is not part of the take
          this.deps.media.fork!(s.sessionId!, { a: { address: s.capture!.address, port: s.capture!.port, law: 'PCMA', payloadType: PCMA_PT } });
          break;
        case 'stop-capture': {
          this.deps.media.fork!(s.sessionId!, { a: null });
          const audio = s.capture!.take();
          if (audio.length >= MIN_TAKE_BYTES) this.storeTake(s, audio);
          this.apply(s, s.dialog.takeReady(audio.length >= MIN_TAKE_BYTES));
          return; // takeReady's actions were applied; nothing else follows stop-capture
        }
        case 'arm-timer':
          s.timer?.cancel();
          s.timer = this.deps.clock.setTimer(a.ms, () => { s.timer = undefined; this.apply(s, s.dialog.timeout()); });
          break;
        case 'cancel-timer':
          s.timer?.cancel();
          s.timer = undefined;
          break;
        case 'keep': this.keep(s); break;
        case 'discard': if (s.take) this.discard(s); break;
        case 'hangup': s.call.hangup('system', 'prompt-recording'); break;
      }
    }
  }

  private play(s: Session, names: string[], take?: string): void {
    const paths = [...(take ? [take] : []), ...this.deps.prompts.paths(names)];
    s.playId = this.nextPlayId++;
    if (paths.length === 0) {
      // Nothing to play (prompts missing): go on as if it had played, after this turn.
      const id = s.playId;
      queueMicrotask(() => this.onMediaEvent({ type: 'prompt-finished', sessionId: s.sessionId!, leg: 'a', playId: id }));
      return;
    }
    this.deps.media.play(s.sessionId!, 'a', paths, s.playId);
  }

  /** The take as an 8 kHz mono A-law WAV, in a hidden file of the prompts folder the relay can play. */
  private storeTake(s: Session, audio: Buffer): void {
    if (s.take) this.discard(s);
    const wav = Buffer.concat([wavHeader({ encoding: 'alaw', sampleRate: 8000, channels: 1 }, audio.length), audio, Buffer.alloc(audio.length & 1)]);
    // A new name per take: the relay's prompt cache is keyed by path and modification time.
    const path = join(this.deps.prompts.folder, `.take-${s.sessionId}-${++s.takes}.wav`);
    writeFileSync(path, wav);
    s.take = { wav, path };
  }

  private keep(s: Session): void {
    if (!s.take) return;
    new PromptStore(this.deps.prompts.folder).save(s.prompt, null, s.take.wav);
    this.deps.prompts.forget();
    this.counters.kept++;
    log.info({ extension: s.call.caller, prompt: s.prompt, ms: Math.round((s.take.wav.length - 58) / 8) }, 'prompt recorded from a phone');
    this.discard(s, false);
  }

  private discard(s: Session, count = true): void {
    const take = s.take!;
    s.take = undefined;
    if (count) this.counters.discarded++;
    try { unlinkSync(take.path); } catch { /* already gone */ }
  }
}
