// Voicemail (issue 6, docs/voicemail.md): the adapter around the pure VoicemailDialog
// (voicemail/voicemail-dialog.ts). It sits in front of the call center as the B2BUA's CallHost
// and passes every call on; the call center hands it a caller whose IVR choice leads to a box
// (`take`), after which this host owns the call's media events. The caller's audio comes through
// the relay's RTP fork (rtp-capture.ts), as for prompt recording; a kept message is an 8 kHz
// A-law WAV under the data folder's voicemail/<box>/ with a row in records.db.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wavHeader } from '@hotline/media';
import type { VoicemailBoxSettings } from '../../config/index.ts';
import { moduleLogger } from '../../log.ts';
import type { VoicemailMessageRow } from '../../records/index.ts';
import type { Clock, TimerHandle } from '../../sip/clock.ts';
import { VoicemailDialog, type VoicemailAction } from '../../voicemail/index.ts';
import type { Call } from '../call.ts';
import { ForwardingCallHost, type CallHost, type HostedDecision } from '../call-host.ts';
import type { MediaAnchor, MediaEvent, PromptPlayer } from '../media-anchor.ts';
import type { PromptSet } from './prompt-set.ts';
import { openRtpCapture, type RtpCapture } from './rtp-capture.ts';

const log = moduleLogger('pbx.voicemail');

/** RTP payload type of PCMA (RFC 3551 table 4), the law the fork delivers. */
const PCMA_PT = 8;

/** What the voicemail host needs around it. */
export interface VoicemailDeps {
  clock: Clock;
  media: MediaAnchor & PromptPlayer;
  prompts: PromptSet;
  /** The data folder's voicemail/ (dataPaths().voicemail). */
  folder: string;
  /** The configured boxes (asked per call, so a reload applies). */
  boxes: () => readonly VoicemailBoxSettings[];
  /** Writes the message's row; returns its id (VoicemailStore.insert). */
  save: (row: VoicemailMessageRow) => number;
  /** Opens the capture socket; tests may pass a fake. */
  openCapture?: (maxBytes: number) => Promise<RtpCapture>;
  /** Shortest message kept; default 1 s. */
  minMessageMs?: number;
}

interface Session {
  call: Call;
  box: VoicemailBoxSettings;
  digits: string;
  dialog: VoicemailDialog;
  sessionId: string;
  capture?: RtpCapture;
  playId: number;
  timer?: TimerHandle;
  startedAt: number;
  /** The audio of the message once the capture stopped. */
  audio?: Buffer;
}

/** The CallHost in front of the call center; see the file comment. */
export class VoicemailHost extends ForwardingCallHost {
  private readonly byCall = new Map<Call, Session>();
  private readonly bySession = new Map<string, Session>();
  private nextPlayId = 2_000_000_000; // apart from the call center's and prompt recording's ids
  readonly counters = { calls: 0, stored: 0, discarded: 0, failed: 0 };

  constructor(inner: CallHost, private readonly deps: VoicemailDeps) {
    super(inner);
  }

  accept(call: Call, decision: HostedDecision): void {
    this.inner.accept(call, decision);
  }

  /**
   * The call center sends an answered caller to `box` (its IVR choice led there); `digits` are the
   * IVR keys pressed on the way. Returns false (the caller stays with the call center) when the
   * box does not exist or the relay cannot fork audio.
   */
  take(call: Call, box: string, digits: string): boolean {
    const b = this.deps.boxes().find((x) => x.box === box);
    const sessionId = call.media.session?.sessionId;
    if (!b || !sessionId || !this.deps.media.fork) {
      log.warn({ callId: call.callId, box, fork: Boolean(this.deps.media.fork) }, 'voicemail box unavailable');
      return false;
    }
    const s: Session = {
      call, box: b, digits, sessionId, playId: 0, startedAt: this.deps.clock.now(),
      dialog: new VoicemailDialog(b.greeting, { maxMessageMs: b.maxMessageSec * 1000, ...(this.deps.minMessageMs !== undefined ? { minMessageMs: this.deps.minMessageMs } : {}) }),
    };
    this.byCall.set(call, s);
    this.bySession.set(sessionId, s);
    this.counters.calls++;
    void (this.deps.openCapture ?? openRtpCapture)(Math.ceil(b.maxMessageSec * 8000 * 1.1)).then((capture) => {
      if (!this.byCall.has(call)) { capture.close(); return; } // hung up meanwhile
      s.capture = capture;
      log.info({ callId: call.callId, box }, 'caller in voicemail');
      this.apply(s, s.dialog.start());
    }, (err: unknown) => {
      this.counters.failed++;
      log.error({ err }, 'cannot open the voicemail capture socket; hanging up');
      call.hangup('system', 'voicemail');
    });
    return true;
  }

  override onMediaEvent(e: MediaEvent): void {
    const s = (e.type === 'dtmf' || e.type === 'prompt-finished') ? this.bySession.get(e.sessionId) : undefined;
    if (!s) { this.inner.onMediaEvent(e); return; }
    if (e.type === 'dtmf' && e.leg === 'a') { this.apply(s, s.dialog.digit(e.digit)); return; }
    if (e.type !== 'prompt-finished' || e.leg !== 'a' || e.playId !== s.playId) return;
    s.playId = 0;
    if (e.error) log.warn({ callId: s.call.callId, error: e.error }, 'voicemail prompt could not be played');
    this.apply(s, s.dialog.promptFinished());
  }

  override ended(call: Call): void {
    const s = this.byCall.get(call);
    if (s) {
      this.byCall.delete(call);
      this.bySession.delete(s.sessionId);
      this.apply(s, s.dialog.callerHungUp());
      s.timer?.cancel();
      s.capture?.close();
    }
    this.inner.ended(call); // the call center forgets its part of the call too
  }

  private apply(s: Session, actions: VoicemailAction[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'play': this.play(s, a.prompts); break;
        case 'start-capture':
          s.capture!.take(); // whatever arrived during the greeting is not part of the message
          this.deps.media.fork!(s.sessionId, { a: { address: s.capture!.address, port: s.capture!.port, law: 'PCMA', payloadType: PCMA_PT } });
          break;
        case 'stop-capture': {
          if (s.call.state !== 'ended') this.deps.media.fork!(s.sessionId, { a: null });
          s.audio = s.capture?.take() ?? Buffer.alloc(0);
          this.apply(s, s.dialog.messageReady(s.audio.length / 8)); // 8 A-law bytes per ms
          return;
        }
        case 'arm-timer':
          s.timer?.cancel();
          s.timer = this.deps.clock.setTimer(a.ms, () => { s.timer = undefined; this.apply(s, s.dialog.timeout()); });
          break;
        case 'cancel-timer':
          s.timer?.cancel();
          s.timer = undefined;
          break;
        case 'store': this.store(s); break;
        case 'discard':
          this.counters.discarded++;
          log.info({ callId: s.call.callId, box: s.box.box, ms: Math.round((s.audio?.length ?? 0) / 8) }, 'voicemail message too short; discarded');
          break;
        case 'hangup': if (s.call.state !== 'ended') s.call.hangup('system', 'voicemail'); break;
      }
    }
  }

  private play(s: Session, names: string[]): void {
    const paths = this.deps.prompts.paths(names);
    s.playId = this.nextPlayId++;
    if (paths.length === 0) {
      // Nothing to play (prompts missing): go on as if it had played, after this turn.
      const id = s.playId;
      queueMicrotask(() => this.onMediaEvent({ type: 'prompt-finished', sessionId: s.sessionId, leg: 'a', playId: id }));
      return;
    }
    this.deps.media.play(s.sessionId, 'a', paths, s.playId);
  }

  /** Writes the WAV (under a temporary name, then renamed: the page never plays half a file) and its row. */
  private store(s: Session): void {
    const audio = s.audio!;
    const wav = Buffer.concat([wavHeader({ encoding: 'alaw', sampleRate: 8000, channels: 1 }, audio.length), audio, Buffer.alloc(audio.length & 1)]);
    const name = `${s.startedAt}-${s.call.callId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}.wav`;
    const rel = `${s.box.box}/${name}`;
    try {
      const dir = join(this.deps.folder, s.box.box);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `.${name}.tmp`), wav);
      renameSync(join(dir, `.${name}.tmp`), join(dir, name));
      const id = this.deps.save({ box: s.box.box, caller: s.call.caller, digits: s.digits, callId: s.call.callId, receivedAt: s.startedAt, durationMs: Math.round(audio.length / 8), path: rel });
      this.counters.stored++;
      log.info({ id, box: s.box.box, ms: Math.round(audio.length / 8) }, 'voicemail message stored');
    } catch (err) {
      this.counters.failed++;
      log.error({ err, box: s.box.box }, 'could not store a voicemail message');
    }
  }
}
