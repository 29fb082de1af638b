import type { ForkTarget, LegMedia, LegPorts, LegStats, MediaAnchor, MediaEvent } from '../../src/pbx/media-anchor.ts';

const zero = (): LegStats => ({ packetsIn: 0, packetsOut: 0, bytesIn: 0, lost: 0, lossFraction: 0, jitterMs: 0, lastPacketAt: null });

/** An in-memory media relay: hands out ports, remembers what each leg agreed and who hears music on hold. */
export class FakeMediaAnchor implements MediaAnchor {
  readonly sessions = new Map<string, { callId: string; a: LegPorts; b: LegPorts; legs: { a?: Partial<LegMedia>; b?: Partial<LegMedia> }; moh: { a: boolean; b: boolean }; released: boolean }>();
  private nextPort = 30000;
  private seq = 0;
  private listener: ((e: MediaEvent) => void) | undefined;
  /** When set, allocate fails like an exhausted port range. */
  exhausted = false;
  /** Every fork order (SIPREC), in order: null targets stop a leg's copy. */
  readonly forks: Array<{ sessionId: string; targets: { a?: ForkTarget; b?: ForkTarget } }> = [];

  async allocate(callId: string) {
    if (this.exhausted) throw new Error('RTP port range exhausted');
    const sessionId = `s${++this.seq}`;
    const a = { rtpPort: this.nextPort, rtcpPort: this.nextPort + 1 };
    const b = { rtpPort: this.nextPort + 2, rtcpPort: this.nextPort + 3 };
    this.nextPort += 4;
    this.sessions.set(sessionId, { callId, a, b, legs: {}, moh: { a: false, b: false }, released: false });
    return { sessionId, a, b };
  }

  update(sessionId: string, legs: { a?: Partial<LegMedia>; b?: Partial<LegMedia> }): void {
    const s = this.sessions.get(sessionId)!;
    if (legs.a) s.legs.a = { ...s.legs.a, ...legs.a };
    if (legs.b) s.legs.b = { ...s.legs.b, ...legs.b };
  }

  setMusicOnHold(sessionId: string, leg: 'a' | 'b', on: boolean): void { this.sessions.get(sessionId)!.moh[leg] = on; }

  async release(sessionId: string) {
    const s = this.sessions.get(sessionId);
    if (s) s.released = true;
    return { a: { ...zero(), packetsIn: 100, packetsOut: 99, lost: 1, jitterMs: 2.5 }, b: { ...zero(), packetsIn: 100, packetsOut: 100 } };
  }

  onEvent(listener: (e: MediaEvent) => void): void { this.listener = listener; }

  fork(sessionId: string, targets: { a?: ForkTarget; b?: ForkTarget }): void { this.forks.push({ sessionId, targets }); }

  /** Fires a relay event as the worker would. */
  emit(e: MediaEvent): void { this.listener?.(e); }

  /** The only session (most tests have one call). */
  only() { return [...this.sessions.values()].at(-1)!; }
}
