import type { Alarm } from '../alarms/index.ts';

/** What `GET /v1/status` returns: the PBX's listeners, registrations, calls and counters. */
export interface PbxStatus {
  /** ISO time the PBX process started. */
  startedAt: string;
  listening: Array<{ transport: 'udp' | 'tcp'; address: string; port: number }>;
  registrations: Array<{ extension: string; contact: string; source: string; transport: string; expiresAt: string; userAgent?: string }>;
  activeCalls: Array<{ callId: string; caller: string; callee: string; state: 'ringing' | 'answered'; startedAt: string; answeredAt?: string }>;
  /** SIP trunks and their state (up, registering, unregistered, down). */
  trunks?: Array<{ name: string; host: string; port: number; transport: string; state: string; since: string; registeredUntil?: string; lastError?: string }>;
  counters: Record<string, number>;
  /** Active alarms derived from the state above (trunks down or refused). */
  alarms?: Alarm[];
  /** The SIPREC client (issue 7) when a recorder is configured: up/down, active recordings, counters. */
  recording?: { state: 'unknown' | 'up' | 'down'; since: string; lastError?: string; active: number; probe?: { intervalSec: number; lastAnswerAt?: string }; counters: Record<string, number> };
  /** Version of the configuration the PBX is running. */
  configVersion: number;
}

/** What the PBX supplies to the control server; the server owns only HTTP. */
export interface ControlHandlers {
  status(): PbxStatus;
  /** Re-read the configuration; rejects (e.g. ConfigValidationError) when the new one is refused. */
  reloadConfig(): Promise<{ configVersion: number }>;
  /** Recording on demand and pause/resume (issue 7); throws RangeError (400) for a bad request. */
  recording?(body: unknown): unknown;
  /** The call center's routes (issue 6); absent in services without one. */
  acd?: AcdControlHandlers;
}

/** Call-center control: the wallboard snapshot, agent commands (the CTI call-control API) and the CTI event stream. */
export interface AcdControlHandlers {
  /** Queues' figures and agents' states now. */
  snapshot(): unknown;
  /** `{ agent, action: 'login' | 'logout' | 'ready' | 'not-ready', extension?, pin?, reason? }`; throws RangeError on bad input. */
  agentCommand(body: unknown): unknown;
  /** Sends every CTI event as one JSON line to `write` until the returned function is called. */
  subscribe(write: (line: string) => void): () => void;
  /** Supervisor actions: `{ agent, action: listen | whisper | barge | release | not-ready | logout, supervisor? }`; throws RangeError on refusal. */
  supervise?(body: unknown): unknown;
  /** Conferences: `{ agent, action: merge | leave }`; throws RangeError on refusal. */
  conference?(body: unknown): unknown;
  /** Agent call control: `{ agent, action: answer | hangup | hold | resume | transfer, to? }`; throws RangeError on refusal. */
  call?(body: unknown): unknown;
}

/** Error body of every non-2xx response. */
export interface ControlErrorBody {
  error: string;
  /** Per-field problems when a reload was refused by validation. */
  details?: Array<{ path: string; message: string }>;
}

/** Where a binary stream route writes; `write` never blocks (see {@link ControlRoutes}). */
export interface BinaryOut {
  write(chunk: Uint8Array): void;
  /** Ends the response (the subject of the stream is gone). */
  end(): void;
}

/**
 * A control API's routes by path: one method each; `run` gets the parsed JSON body (undefined when
 * empty); `stream` writes NDJSON lines; `binary` gets the query and writes raw bytes — it throws
 * ControlRouteError to refuse (e.g. 404) before anything is written, and returns its stop function.
 * A binary reader that falls more than BINARY_BACKLOG_BYTES behind is disconnected, so a slow
 * reader never makes the service buffer without bound.
 */
export type ControlRoutes = Record<string,
  | { method: 'GET' | 'POST'; run(body: unknown): unknown }
  | { method: 'GET'; stream(write: (line: string) => void): () => void }
  | { method: 'GET'; binary(query: URLSearchParams, out: BinaryOut): () => void }>;
