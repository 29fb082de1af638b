// An FXS port: the analog desk phone on it dials out (dial tone, digits against the dial
// plan, ringback, the call's audio, busy/congestion) and is rung for calls to its
// extension (zone cadence, caller ID between the first and second ring).
import type { CardEvent } from '@hotline/drivers';
import { toneZone } from '@hotline/media';
import type { FailureTone, IncomingCall, OutgoingCallEvents, PortCall } from '../call-legs.ts';
import { CID_AFTER_RING_MS, callerIdSignal, formatCallerId } from './cid-sender.ts';
import { PortMachine, type PortStateName } from './port-machine.ts';

/** Off hook with no digit this long: the howler (congestion tone) tells the user to hang up. */
export const HOWLER_AFTER_MS = 15_000;
/** Off hook and not in a call this long: the port is parked as stuck-offhook (silent, refuses calls) until on-hook. */
export const STUCK_OFFHOOK_AFTER_MS = 30_000;
/** The ring-off gap caller ID goes in must be at least this long (a 0.5 s delay plus a ~0.7 s MDMF burst). */
const CID_MIN_GAP_MS = 1500;

/** One FXS port's state machine. */
export class FxsPort extends PortMachine {
  private digits = '';
  /** The call the phone is in (placed or taken); undefined between calls. */
  private call: PortCall | undefined;
  /** Identity of the call `call` is, so events of a call already ended are ignored. */
  private token: object | undefined;
  private earlyAudio = false;
  private held = false;
  private ringSegment = 0;

  /** Phone hook, flash and digits. */
  event(ev: CardEvent): void {
    switch (ev.type) {
      case 'OffHook':
        if (this.state === 'ringing') this.answerIncoming();
        else if (this.state === 'idle') this.dialTone();
        return;
      case 'OnHook':
        if (this.state !== 'ringing' && this.state !== 'alarm') this.onHook();
        return;
      case 'HookFlash':
        // Flash in a call puts the far end on hold (music from the PBX) and takes it off again.
        if (this.state === 'connected' && this.call) {
          this.held = !this.held;
          this.call.hold(this.held);
        }
        return;
      case 'Dtmf':
        // In a call the digit's tone goes through as audio; only dialling collects digits.
        if (this.state === 'dialtone' || (this.state === 'dialing' && !this.call)) this.digit(ev.digit);
        return;
      default:
    }
  }

  /** In a call: the phone's frame goes to the far end. Then the next frame plays. */
  frame(rx: Uint8Array): void {
    if (this.state === 'connected' && this.call) this.call.audio.send(rx.slice());
    this.play();
  }

  /** A call for this phone: ring it, or refuse (480 alarm/stuck, 486 busy). */
  offer(call: IncomingCall): void {
    if (this.state === 'alarm' || this.state === 'stuck-offhook') return call.reject(480);
    let offHook = false;
    try {
      offHook = this.ctx.card.portState(this.port).hook === 'offhook';
    } catch { /* an unknown port is refused below as busy */ }
    if (this.state !== 'idle' || offHook) return call.reject(486);
    const token = {};
    this.token = token;
    this.call = call;
    this.callerId = formatCallerId(call.caller);
    call.onCancelled = () => {
      if (this.token !== token) return;
      this.endCall(false);
      this.stopRinging();
      this.setState('idle');
    };
    call.onEnded = () => {
      if (this.token !== token) return;
      this.endCall(false);
      this.failureTone('busy-tone');
    };
    this.setState('ringing');
    call.ringing();
    this.ring(call);
  }

  alarm(): void {
    this.release();
    this.setState('alarm');
  }

  stop(): void {
    this.release();
  }

  /** Rings with the zone's ringback cadence; caller ID goes in the first long enough ring-off gap. */
  private ring(call: IncomingCall): void {
    const cadence = toneZone(this.ctx.settings().toneZone).tones.ringback.cadenceMs;
    const cidGap = cadence.findIndex((ms, i) => i % 2 === 1 && ms >= CID_MIN_GAP_MS);
    const cid = callerIdSignal(this.ctx.settings().callerId, call.caller, new Date(this.ctx.clock.now()));
    this.ringSegment = 0;
    const step = (first: boolean): void => {
      const i = this.ringSegment;
      this.hook(i % 2 === 0 ? 'ring' : 'ringoff');
      if (first && cid && i === (cidGap < 0 ? 1 : cidGap)) this.setTimer('cid', CID_AFTER_RING_MS, () => this.player.signal(cid));
      if (cadence.length === 0) return;
      const wrapped = i + 1 === cadence.length;
      this.ringSegment = (i + 1) % cadence.length;
      this.setTimer('ring', cadence[i]!, () => step(first && !wrapped));
    };
    step(true);
  }

  private stopRinging(): void {
    this.cancelTimer('ring', 'cid');
    this.hook('ringoff');
    this.player.silence();
  }

  private answerIncoming(): void {
    const call = this.call as IncomingCall | undefined;
    this.stopRinging();
    if (!call) return this.dialTone();
    call.answer();
    this.connect();
  }

  private dialTone(): void {
    this.digits = '';
    this.setState('dialtone');
    if (this.plan.extension === undefined) {
      // A phone on a port without an extension cannot call: number unobtainable.
      this.failureTone('congestion');
      return;
    }
    this.player.tone('dial');
    this.setTimer('howler', HOWLER_AFTER_MS, () => {
      this.setState('congestion');
      this.player.tone('congestion');
    });
    this.setTimer('stuck', STUCK_OFFHOOK_AFTER_MS, () => this.stuck());
  }

  private digit(d: string): void {
    this.cancelTimer('howler', 'stuck', 'interdigit');
    this.player.silence();
    this.setState('dialing');
    this.digits += d;
    const verdict = this.ctx.dialPlan()(this.digits);
    if (verdict.full && !verdict.canExtend) return this.placeCall();
    if (!verdict.canExtend) return this.failureTone('congestion');
    this.setTimer('interdigit', this.ctx.settings().interDigitTimeoutSec * 1000, () => {
      if (this.ctx.dialPlan()(this.digits).full) this.placeCall();
      else this.failureTone('congestion');
    });
  }

  private placeCall(): void {
    const token = {};
    this.token = token;
    this.earlyAudio = false;
    const live = (): boolean => this.token === token;
    const events: OutgoingCallEvents = {
      ringing: (early) => {
        if (!live()) return;
        this.setState('ringback');
        this.earlyAudio = early;
        if (early && this.call) this.player.call(this.call.audio);
        else if (!early) this.player.tone('ringback');
      },
      answered: () => {
        if (live()) this.connect();
      },
      failed: (tone: FailureTone) => {
        if (!live()) return;
        this.endCall(false);
        this.failureTone(tone === 'busy' ? 'busy-tone' : 'congestion');
      },
      ended: () => {
        if (!live()) return;
        this.endCall(false);
        this.failureTone('busy-tone');
      },
    };
    let call: PortCall;
    try {
      call = this.ctx.sip.call(this.port, { number: this.plan.extension }, this.digits, events);
    } catch (err) {
      this.ctx.log.error({ port: this.port, err }, 'placing a call failed');
      this.token = undefined;
      return this.failureTone('congestion');
    }
    // The SIP side may have reported progress before returning the call.
    if (!live()) return;
    this.call = call;
    if (this.state === 'connected' || (this.state === 'ringback' && this.earlyAudio)) this.player.call(call.audio);
  }

  private connect(): void {
    this.held = false;
    this.setState('connected');
    if (this.call) this.player.call(this.call.audio);
  }

  /** Busy or congestion tone until on-hook; parked as stuck-offhook if the phone stays up. */
  private failureTone(state: Extract<PortStateName, 'busy-tone' | 'congestion'>): void {
    this.cancelTimer('howler', 'interdigit');
    this.setState(state);
    this.player.tone(state === 'busy-tone' ? 'busy' : 'congestion');
    this.setTimer('stuck', STUCK_OFFHOOK_AFTER_MS, () => this.stuck());
  }

  private stuck(): void {
    this.cancelTimer('howler');
    this.player.silence();
    this.setState('stuck-offhook');
    this.ctx.log.warn({ port: this.port, extension: this.plan.extension }, 'phone left off hook: port parked until it is hung up');
  }

  private onHook(): void {
    this.cancelTimers();
    this.endCall(true);
    this.player.silence();
    this.digits = '';
    this.setState('idle');
  }

  /** Forgets the call; `hangup` ends it towards the far end (this side hung up). */
  private endCall(hangup: boolean): void {
    const call = this.call;
    this.call = undefined;
    this.token = undefined;
    this.held = false;
    if (hangup && call) {
      try {
        call.hangup();
      } catch (err) {
        this.ctx.log.warn({ port: this.port, err }, 'hanging up the call failed');
      }
    }
  }

  private release(): void {
    const ringing = this.state === 'ringing';
    this.cancelTimers();
    this.endCall(true);
    if (ringing) this.hook('ringoff');
    this.player.silence();
    this.digits = '';
  }
}
