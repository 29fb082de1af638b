// Caller ID on an FXO line: the exchange sends it as audio between the first and second
// ring, FSK (Bell 202 / V.23, SDMF or MDMF) or DTMF digits. Pure: fed the line's received
// frames, it returns the caller once a whole message has arrived.
import {
  DtmfCallerIdDecoder, DtmfDetector, FskCallerIdReceiver, decodeTable,
} from '@hotline/media';
import { FRAME_BYTES, type G711Law as CardLaw } from '@hotline/drivers';
import type { CallerIdSignalling } from '../../config/index.ts';
import type { CallerIdentity } from '../call-legs.ts';
import { mediaLaw } from './tone-player.ts';

/** Listens for caller ID in received frames of one line. */
export class CallerIdDetector {
  private readonly decode: Int16Array;
  private readonly pcm = new Int16Array(FRAME_BYTES);
  private fsk: FskCallerIdReceiver | undefined;
  private dtmf: DtmfDetector | undefined;
  private readonly dtmfCid = new DtmfCallerIdDecoder();

  /** Creates a detector for the configured signalling (`off` detects nothing). */
  constructor(law: CardLaw, readonly mode: CallerIdSignalling) {
    this.decode = decodeTable(mediaLaw(law));
    if (mode === 'bell202' || mode === 'v23') this.fsk = new FskCallerIdReceiver({ standard: mode });
    else if (mode === 'dtmf') this.dtmf = new DtmfDetector();
  }

  /** Forgets a partial message (a new call starts ringing). */
  reset(): void {
    this.fsk?.reset();
    this.dtmfCid.reset();
  }

  /** Feeds one received frame; returns the caller when a message completes in it. */
  process(frame: Uint8Array): CallerIdentity | undefined {
    if (!this.fsk && !this.dtmf) return undefined;
    const n = Math.min(frame.length, FRAME_BYTES);
    for (let i = 0; i < n; i++) this.pcm[i] = this.decode[frame[i]!]!;
    const pcm = n === FRAME_BYTES ? this.pcm : this.pcm.subarray(0, n);
    let found: CallerIdentity | undefined;
    if (this.fsk) {
      for (const ev of this.fsk.process(pcm)) {
        if (ev.type !== 'message') continue;
        const m = ev.message;
        found = { ...(m.number ? { number: m.number } : m.absentReason === 'private' ? { number: 'anonymous' } : {}), ...(m.name ? { name: m.name } : {}) };
      }
    } else if (this.dtmf) {
      for (const ev of this.dtmf.process(pcm)) {
        if (ev.type !== 'begin') continue;
        const cid = this.dtmfCid.push(ev.digit);
        if (cid) found = cid.number ? { number: cid.number } : cid.absentReason === 'private' ? { number: 'anonymous' } : {};
      }
    }
    return found;
  }
}
