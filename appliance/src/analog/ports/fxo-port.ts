// An FXO port: a PSTN line. Incoming: rings are counted, caller ID is decoded from the
// audio between them, the line is answered after ringsBeforeAnswer rings and the call goes
// to the PBX for the line's DID. Outgoing: the line is seized, the number dialled as
// in-band DTMF, and the call answered at once, since an analog line gives no answer signal.
// Either way the line is released when the far end is gone: polarity reversal, busy tone,
// or a long silence (see disconnect-detector.ts).
import type { CardEvent } from '@hotline/drivers';
import { DtmfGenerator, isDtmfDigit, toneZone } from '@hotline/media';
import type { CallerIdentity, IncomingCall, OutgoingCallEvents, PortCall } from '../call-legs.ts';
import { CallerIdDetector } from './cid-detector.ts';
import { formatCallerId } from './cid-sender.ts';
import { DisconnectDetector, type DisconnectCause } from './disconnect-detector.ts';
import { PortMachine } from './port-machine.ts';

/** After seizing a line, wait this long for the exchange's dial tone before dialling (no dial-tone detection). */
export const DIAL_TONE_DELAY_MS = 1500;
/** No ring for this long: the caller gave up before the answer (cadences repeat every 4-6 s). */
export const RING_GONE_MS = 8000;

/** Whether a number can be dialled in-band on a line. */
export function dialable(number: string): boolean {
  return number.length > 0 && [...number].every((c) => isDtmfDigit(c.toUpperCase()));
}

/** One FXO port's state machine. */
export class FxoPort extends PortMachine {
  private call: PortCall | undefined;
  private token: object | undefined;
  private rings = 0;
  private caller: CallerIdentity | undefined;
  private detector: CallerIdDetector | undefined;
  private disconnect: DisconnectDetector | undefined;
  /** Audio flows both ways (the call is answered). */
  private talking = false;
  /** The PBX sends audio before the answer. */
  private earlyAudio = false;

  /** Free for an outbound call: idle (not ringing, not in alarm). */
  get free(): boolean {
    return this.state === 'idle';
  }

  /** Rings and polarity reversals from the exchange. */
  event(ev: CardEvent): void {
    if (ev.type === 'Ring') {
      if (this.state === 'idle' || (this.state === 'incoming' && !this.disconnect)) this.ring();
    } else if (ev.type === 'PolarityReversal') {
      // Exchanges reverse battery when the far end clears (and some on answer; an analog
      // line here is always answered locally, so a reversal while seized means "gone").
      if (this.disconnect) this.lineGone('polarity-reversal');
    }
  }

  /** On hook: listens for caller ID. Seized: watches for disconnect; in a call: the line's frame goes to the far end. */
  frame(rx: Uint8Array): void {
    if (!this.disconnect) {
      if (this.state === 'idle' || this.state === 'incoming') this.listenCallerId(rx);
    } else {
      if (this.talking && this.call) this.call.audio.send(rx.slice());
      const cause = this.disconnect.process(rx, this.ctx.clock.now());
      if (cause) this.lineGone(cause);
    }
    this.play();
  }

  /** Seizes the line for a call out through its group, dials `call.number` and answers. */
  seize(call: IncomingCall): void {
    const token = {};
    this.token = token;
    this.call = call;
    call.onCancelled = () => {
      if (this.token === token) this.release(false);
    };
    call.onEnded = () => {
      if (this.token === token) this.release(false);
    };
    this.setState('seized');
    this.offHook();
    call.ringing();
    this.setTimer('dial', DIAL_TONE_DELAY_MS, () => {
      const digits = new DtmfGenerator();
      digits.enqueue(call.number);
      this.player.signal(digits, () => {
        if (this.token !== token) return;
        call.answer();
        this.startTalking();
      });
    });
  }

  alarm(): void {
    this.release(true);
    this.setState('alarm');
  }

  stop(): void {
    this.release(true);
  }

  private listenCallerId(rx: Uint8Array): void {
    const mode = this.ctx.settings().callerId;
    if (!this.detector || this.detector.mode !== mode) this.detector = new CallerIdDetector(this.ctx.card.law, mode);
    const found = this.detector.process(rx);
    if (found) {
      this.caller = found;
      this.callerId = formatCallerId(found);
    }
  }

  private ring(): void {
    if (this.state === 'idle') {
      this.setState('incoming');
      this.rings = 0;
    }
    this.rings++;
    this.setTimer('ringGone', RING_GONE_MS, () => {
      this.caller = undefined;
      this.detector?.reset();
      this.setState('idle');
    });
    if (this.rings >= this.ctx.settings().ringsBeforeAnswer) this.answerLine();
  }

  private answerLine(): void {
    this.cancelTimer('ringGone');
    this.offHook();
    const token = {};
    this.token = token;
    const live = (): boolean => this.token === token;
    const events: OutgoingCallEvents = {
      ringing: (early) => {
        if (!live()) return;
        // The PSTN caller hears the PBX's early audio, or ringback from here.
        this.earlyAudio = early;
        if (early && this.call) this.player.call(this.call.audio);
        else if (!early) this.player.tone('ringback');
      },
      answered: () => {
        if (live()) this.startTalking();
      },
      failed: () => {
        if (live()) this.release(false);
      },
      ended: () => {
        if (live()) this.release(false);
      },
    };
    const caller = this.caller ?? {};
    let call: PortCall;
    try {
      call = this.ctx.sip.call(this.port, caller, this.plan.did ?? 's', events);
    } catch (err) {
      this.ctx.log.error({ port: this.port, err }, 'passing a PSTN call to the PBX failed');
      this.token = undefined;
      return this.release(false);
    }
    if (!live()) return;
    // The SIP side may have reported progress before returning the call.
    this.call = call;
    if (this.talking || this.earlyAudio) this.player.call(call.audio);
  }

  private offHook(): void {
    this.hook('offhook');
    this.disconnect = new DisconnectDetector(this.ctx.card.law, toneZone(this.ctx.settings().toneZone), this.ctx.clock.now());
  }

  private startTalking(): void {
    this.talking = true;
    this.setState('connected');
    if (this.call) this.player.call(this.call.audio);
  }

  private lineGone(cause: DisconnectCause | 'polarity-reversal'): void {
    this.ctx.log.info({ port: this.port, cause }, 'line disconnected by the far end');
    this.release(true);
  }

  /** Back on hook and idle; `hangup` ends the call towards the PBX (this side ended it). */
  private release(hangup: boolean): void {
    this.cancelTimers();
    const call = this.call;
    this.call = undefined;
    this.token = undefined;
    if (hangup && call) {
      try {
        call.hangup();
      } catch (err) {
        this.ctx.log.warn({ port: this.port, err }, 'hanging up the call failed');
      }
    }
    if (this.disconnect) this.hook('onhook');
    this.disconnect = undefined;
    this.talking = false;
    this.earlyAudio = false;
    this.rings = 0;
    this.caller = undefined;
    this.detector?.reset();
    this.player.silence();
    if (this.state !== 'alarm') this.setState('idle');
  }
}
