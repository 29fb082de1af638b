// A test bench for the ACD engine: settings from a partial `acd` section, a FakeClock, and
// a listener that records every command.
import { FakeClock } from '../../src/sip/clock.ts';
import { acdSettings, defaultConfig, type AcdConfig } from '../../src/config/index.ts';
import { AcdEngine, type AcdCommand, type AcdDecider, type AcdEvent } from '../../src/acd/index.ts';

/** The engine under test with its clock and the commands it sent. */
export class Bench {
  readonly clock = new FakeClock();
  readonly commands: AcdCommand[] = [];
  readonly engine: AcdEngine;

  constructor(acd: AcdConfig, opts: { random?: () => number; decider?: AcdDecider } = {}) {
    const settings = acdSettings({ ...defaultConfig(), acd });
    this.engine = new AcdEngine({ settings, clock: this.clock, listener: (c) => this.commands.push(c), ...opts });
  }

  /** A configuration change (AcdEngine.reconfigure) to a new `acd` section. */
  reconfigure(acd: AcdConfig): this {
    this.engine.reconfigure(acdSettings({ ...defaultConfig(), acd }));
    return this;
  }

  /** Feeds events in order. */
  send(...events: AcdEvent[]): this {
    for (const e of events) this.engine.handle(e);
    return this;
  }

  /** Logs in (ready) the given agents, in order, a millisecond apart so longest-idle has an order. */
  login(...agents: string[]): this {
    for (const agent of agents) {
      this.send({ type: 'AgentLoggedIn', agent });
      this.clock.advance(1);
    }
    return this;
  }

  join(callId: string, queue: string, extra: Partial<Extract<AcdEvent, { type: 'CallerJoined' }>> = {}): this {
    return this.send({ type: 'CallerJoined', callId, queue, ...extra });
  }

  answer(agent: string, callId: string): this { return this.send({ type: 'AgentAnswered', agent, callId }); }
  end(callId: string): this { return this.send({ type: 'CallEnded', callId }); }
  advanceSec(sec: number): this { this.clock.advance(sec * 1000); return this; }

  /** Commands of one type sent since the last `take` (and forgets them). */
  take<T extends AcdCommand['type']>(type: T): Array<Extract<AcdCommand, { type: T }>> {
    const out = this.commands.filter((c): c is Extract<AcdCommand, { type: T }> => c.type === type);
    this.commands.length = 0;
    return out;
  }

  /** Commands of one type sent so far (kept). */
  all<T extends AcdCommand['type']>(type: T): Array<Extract<AcdCommand, { type: T }>> {
    return this.commands.filter((c): c is Extract<AcdCommand, { type: T }> => c.type === type);
  }

  /** [callId, agent] of CallOffered commands so far. */
  offers(): Array<[string, string]> {
    return this.all('CallOffered').map((o) => [o.callId, o.agent]);
  }

  clear(): this { this.commands.length = 0; return this; }
}

/** n agents 8001.. serving the queue(s) given, with optional per-agent extras. */
export function agents(n: number, queues: string[], extra: (i: number) => Record<string, unknown> = () => ({})) {
  return Array.from({ length: n }, (_, i) => ({ number: String(8001 + i), queues: queues.map((queue) => ({ queue })), ...extra(i) }));
}
