// Conference mixer: each party hears the sum of what is audible to it.
//
// Per tick (one 20 ms frame), contributions of full members are summed once
// into a 32-bit total; each party then gets total minus its own contribution
// (N-1 mixing in O(N) rather than O(N²)), plus any whisper aimed at it. Who
// hears whom:
//
// | role      | others hear it          | it hears                       |
// |-----------|-------------------------|--------------------------------|
// | `member`  | everyone                | members, barge, whispers to it |
// | `barge`   | everyone (supervisor joined in full) | same as member    |
// | `whisper` | only its target         | members, barge, whispers to it |
// | `listen`  | nobody                  | members, barge, whispers to it |
// | `muted`   | nobody                  | members, barge, whispers to it |
//
// A party that gave no frame this tick (lost or late packet) contributes
// silence. Sums are saturated to int16. With `limiter: 'soft'` the part of a
// sample above a knee (-3 dBFS) is compressed by x/(1+x) towards full scale:
// memoryless, so it adds no latency and cannot pump like an AGC would, and it
// has slope 1 at the knee, so loud mixes round off instead of squaring off.
// Output frames are allocated per party once and reused every tick.

/** What a party may say and hear; see the table in conference-mixer.ts. */
export type MixerRole = 'member' | 'barge' | 'whisper' | 'listen' | 'muted';

/** Clipping protection of a ConferenceMixer. */
export type MixerLimiter = 'hard' | 'soft';

/** Options of a ConferenceMixer. */
export interface ConferenceMixerOptions {
  /** Samples per frame; default 160 (20 ms at 8 kHz). */
  readonly frameSamples?: number;
  /** `hard` saturates at int16 (exact sums when they fit); `soft` (default) rounds peaks off above -3 dBFS. */
  readonly limiter?: MixerLimiter;
}

/** Thrown for misuse: unknown party, whisper without target, wrong frame length. */
export class MixerError extends Error {
  override readonly name = 'MixerError';
}

interface Party<Id> {
  id: Id;
  role: MixerRole;
  target: Id | undefined;
  input: Int16Array;
  output: Int16Array;
  hasFrame: boolean;
  /** Whispers aimed at this party this tick, summed. */
  whisper: Int32Array;
  hasWhisper: boolean;
}

const KNEE = 23197; // -3 dBFS
const HEADROOM = 32767 - KNEE;

/** N-party conference mixer over 16-bit linear frames. */
export class ConferenceMixer<Id = string> {
  private readonly frame: number;
  private readonly soft: boolean;
  private readonly parties = new Map<Id, Party<Id>>();
  private readonly list: Party<Id>[] = [];
  private readonly outputs = new Map<Id, Int16Array>();
  private readonly total: Int32Array;

  /** Creates an empty mixer. */
  constructor(options: ConferenceMixerOptions = {}) {
    this.frame = options.frameSamples ?? 160;
    this.soft = (options.limiter ?? 'soft') === 'soft';
    this.total = new Int32Array(this.frame);
  }

  /** Number of parties. */
  get size(): number {
    return this.list.length;
  }

  /** Adds a party or changes its role; `target` is the party a whisperer speaks to. */
  setParty(id: Id, role: MixerRole, target?: Id): void {
    if (role === 'whisper' && (target === undefined || target === id)) throw new MixerError('a whisper needs a target other than the whisperer');
    const existing = this.parties.get(id);
    if (existing) {
      existing.role = role;
      existing.target = role === 'whisper' ? target : undefined;
      return;
    }
    const party: Party<Id> = {
      id, role, target: role === 'whisper' ? target : undefined,
      input: new Int16Array(this.frame), output: new Int16Array(this.frame), hasFrame: false,
      whisper: new Int32Array(this.frame), hasWhisper: false,
    };
    this.parties.set(id, party);
    this.list.push(party);
    this.outputs.set(id, party.output);
  }

  /** The role of a party, or undefined if it is not in the mix. */
  roleOf(id: Id): MixerRole | undefined {
    return this.parties.get(id)?.role;
  }

  /** Removes a party; whispers aimed at it fall silent. */
  removeParty(id: Id): boolean {
    const party = this.parties.get(id);
    if (!party) return false;
    this.parties.delete(id);
    this.outputs.delete(id);
    this.list.splice(this.list.indexOf(party), 1);
    return true;
  }

  /** Gives a party's frame for this tick; it is copied, so the caller may reuse its buffer. */
  put(id: Id, frame: Int16Array): void {
    const party = this.parties.get(id);
    if (!party) throw new MixerError(`no party ${String(id)} in the mix`);
    if (frame.length !== this.frame) throw new MixerError(`frame of ${frame.length} samples, mixer expects ${this.frame}`);
    party.input.set(frame);
    party.hasFrame = true;
  }

  /**
   * Mixes this tick and returns each party's frame. The Map and the frames are
   * the same objects every tick: read or copy them before the next mix().
   * Parties' inputs are consumed: a party that does not put() next tick is silent.
   */
  mix(): ReadonlyMap<Id, Int16Array> {
    const n = this.frame;
    const total = this.total;
    total.fill(0);
    const list = this.list;
    for (let p = 0; p < list.length; p++) {
      const party = list[p]!;
      if (!party.hasFrame) continue;
      if (party.role === 'member' || party.role === 'barge') {
        const x = party.input;
        for (let i = 0; i < n; i++) total[i] += x[i]!;
      } else if (party.role === 'whisper') {
        const to = this.parties.get(party.target as Id);
        if (!to) continue;
        const x = party.input;
        const w = to.whisper;
        if (!to.hasWhisper) {
          for (let i = 0; i < n; i++) w[i] = x[i]!;
          to.hasWhisper = true;
        } else {
          for (let i = 0; i < n; i++) w[i] += x[i]!;
        }
      }
    }
    for (let p = 0; p < list.length; p++) {
      const party = list[p]!;
      const out = party.output;
      const own = party.hasFrame && (party.role === 'member' || party.role === 'barge') ? party.input : null;
      const w = party.hasWhisper ? party.whisper : null;
      for (let i = 0; i < n; i++) {
        let v = total[i]!;
        if (own) v -= own[i]!;
        if (w) v += w[i]!;
        out[i] = this.soft ? softLimit(v) : v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
    }
    for (let p = 0; p < list.length; p++) {
      list[p]!.hasFrame = false;
      list[p]!.hasWhisper = false;
    }
    return this.outputs;
  }
}

/** Soft limiter: identity below the knee, then x/(1+x) compression that never reaches full scale. */
export function softLimit(v: number): number {
  if (v > KNEE) {
    const e = (v - KNEE) / HEADROOM;
    return KNEE + Math.round((HEADROOM * e) / (1 + e));
  }
  if (v < -KNEE) {
    const e = (-v - KNEE) / HEADROOM;
    return -KNEE - Math.round((HEADROOM * e) / (1 + e));
  }
  return v;
}
