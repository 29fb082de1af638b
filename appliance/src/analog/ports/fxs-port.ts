// An FXS port: the analog desk phone on it dials out (dial tone, digits against the dial
// plan, ringback, the call's audio, busy/congestion) and is rung for calls to its
// extension (zone cadence, caller ID between the first and second ring). Hook flash in a
// call starts a transfer: the far end is held, the phone gets a second dial tone and
// dials a consult call; hanging up then transfers, a second flash goes back (docs/analog.md).
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
  /** The call held while the phone consults (flash in a call); its identity token beside it. */
  private first: { call: PortCall; token: object } | undefined;

  /** While a call is held for a transfer, the port reports the consult-* form of its state. */
  override get stateName(): PortStateName {
    if (!this.first) return this.state;
    switch (this.state) {
      case 'dialtone': return 'consult-dialtone';
      case 'dialing': return 'consult-dialing';
      case 'ringback': return 'consult-ringback';
      case 'connected': return 'consult-connected';
      case 'busy-tone': case 'congestion': return 'consult-failed';
      default: return this.state;
    }
  }

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
        // Flash in a call holds the far end (music from the PBX) and gives a second dial tone;
        // flash while consulting drops the consult call and goes back to the held one.
        if (this.first) this.backToFirst();
        else if (this.state === 'connected' && this.call && this.token) this.startConsult(this.call, this.token);
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
    call.onEnded = () => this.farEnded(token);
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
      ended: () => this.farEnded(token),
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

  /** Flash in a call: hold it and give dial tone for the consult call. */
  private startConsult(call: PortCall, token: object): void {
    this.first = { call, token };
    this.call = undefined;
    this.token = undefined;
    call.hold(true);
    this.dialTone();
  }

  /** Flash while consulting: drop the consult call (if any) and take the held call back. */
  private backToFirst(): void {
    const first = this.first!;
    this.cancelTimers();
    this.endCall(true);
    this.first = undefined;
    this.call = first.call;
    this.token = first.token;
    first.call.hold(false);
    this.connect();
  }

  /** The far end of `token`'s call hung up after the answer. */
  private farEnded(token: object): void {
    if (this.first?.token === token) {
      // The held party left: the consult call, if any, carries on as an ordinary call.
      this.first = undefined;
      if (!this.call && (this.state === 'dialtone' || this.state === 'dialing')) return;
      if (!this.call) this.failureTone('busy-tone');
      return;
    }
    if (this.token !== token) return;
    this.endCall(false);
    this.failureTone('busy-tone');
  }

  private onHook(): void {
    this.cancelTimers();
    const first = this.first;
    this.first = undefined;
    if (first && this.call && (this.state === 'ringback' || this.state === 'connected')) {
      // Hanging up with a consult call ringing or answered transfers the held party to it.
      const consult = this.call;
      this.call = undefined;
      this.token = undefined;
      this.held = false;
      try {
        first.call.transfer(consult);
      } catch (err) {
        this.ctx.log.warn({ port: this.port, err }, 'transfer failed; hanging up both calls');
        first.call.hangup();
        consult.hangup();
      }
      this.player.silence();
      this.digits = '';
      this.setState('idle');
      return;
    }
    // No consult call to hand over to: both calls end.
    if (first) this.hangupQuietly(first.call);
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

  private hangupQuietly(call: PortCall): void {
    try {
      call.hangup();
    } catch (err) {
      this.ctx.log.warn({ port: this.port, err }, 'hanging up the call failed');
    }
  }

  private release(): void {
    const ringing = this.state === 'ringing';
    this.cancelTimers();
    if (this.first) this.hangupQuietly(this.first.call);
    this.first = undefined;
    this.endCall(true);
    if (ringing) this.hook('ringoff');
    this.player.silence();
    this.digits = '';
  }
}
