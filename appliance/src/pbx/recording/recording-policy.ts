import type { HotlineConfig, RecordingPolicy } from '../../config/index.ts';

/** The recording section with defaults filled in; undefined when no recorder is configured. */
export interface RecordingSettings {
  recorder: { host: string; port: number };
  default: RecordingPolicy;
  extensions: Record<string, RecordingPolicy>;
  trunks: Record<string, RecordingPolicy>;
  queues: Record<string, RecordingPolicy>;
  routes: Record<string, RecordingPolicy>;
  requireRecorder: boolean;
  /** Milliseconds between OPTIONS probes of the recorder; 0 = no probe. */
  probeIntervalMs: number;
  /** Milliseconds after which a pause ends by itself; 0 = never. */
  maxPauseMs: number;
}

/** Default longest pause: long enough to read out a card number and its expiry, short enough that a forgotten pause costs little. */
export const DEFAULT_MAX_PAUSE_SEC = 120;

/** Default seconds between OPTIONS probes: a dead recorder is noticed within this plus the probe's 2 s deadline. */
export const DEFAULT_PROBE_INTERVAL_SEC = 5;

/** Reads `config.recording` (issue 7). */
export function recordingSettings(config: HotlineConfig): RecordingSettings | undefined {
  const r = config.recording;
  if (!r) return undefined;
  return {
    recorder: { host: r.recorder.host, port: r.recorder.port ?? 5080 }, default: r.default ?? 'always',
    extensions: r.extensions ?? {}, trunks: r.trunks ?? {}, queues: r.queues ?? {}, routes: r.routes ?? {},
    requireRecorder: r.requireRecorder ?? false, probeIntervalMs: (r.probeIntervalSec ?? DEFAULT_PROBE_INTERVAL_SEC) * 1000,
    maxPauseMs: (r.maxPauseSec ?? DEFAULT_MAX_PAUSE_SEC) * 1000,
  };
}

/** Everything a call touches that may carry a policy. */
export interface RecordingSubjects {
  /** The extensions taking part: the caller's and the callee's (or the agent's), when they are extensions. */
  extensions: string[];
  /** The carrier: SIP trunk name or `analog:<group>`. */
  trunk?: string;
  queue?: string;
  /** The inbound or outbound route that placed the call. */
  route?: string;
}

/** The policy that applies to a call, and which setting decided it (for logs and API errors). */
export interface RecordingVerdict {
  mode: RecordingPolicy;
  /** e.g. `trunk carrier-a`, `extension 1009`, `default`. */
  by: string;
}

/** Strength of each policy when several subjects of one call disagree; lower wins. */
const RANK: Record<RecordingPolicy, number> = { always: 0, never: 1, 'on-demand': 2 };

/**
 * The recording policy of a call. Every subject (each extension, the trunk, the queue, the
 * route) that has a setting votes; the strongest vote wins, the default applies when none
 * votes. Precedence, and why:
 * 1. `always` anywhere: recording is a compliance duty (complaints are settled by the
 *    recording), so one subject that must be recorded outweighs any other's wish.
 * 2. `never`: a privacy line (works council, doctor) that no policy requires recording.
 * 3. `on-demand`: not recorded until a party keys *41 or the API starts it.
 * 4. `default`.
 * Ties between subjects of the same policy name the first in the order extension, trunk,
 * queue, route. Pure.
 */
export function recordingVerdict(s: RecordingSettings, subjects: RecordingSubjects): RecordingVerdict {
  const votes: RecordingVerdict[] = [];
  for (const e of subjects.extensions) if (s.extensions[e]) votes.push({ mode: s.extensions[e], by: `extension ${e}` });
  if (subjects.trunk && s.trunks[subjects.trunk]) votes.push({ mode: s.trunks[subjects.trunk]!, by: `trunk ${subjects.trunk}` });
  if (subjects.queue && s.queues[subjects.queue]) votes.push({ mode: s.queues[subjects.queue]!, by: `queue ${subjects.queue}` });
  if (subjects.route && s.routes[subjects.route]) votes.push({ mode: s.routes[subjects.route]!, by: `route ${subjects.route}` });
  let best: RecordingVerdict | undefined;
  for (const v of votes) if (!best || RANK[v.mode] < RANK[best.mode]) best = v;
  return best ?? { mode: s.default, by: 'default' };
}
