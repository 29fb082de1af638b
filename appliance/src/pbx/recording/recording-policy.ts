import type { HotlineConfig, RecordingPolicy } from '../../config/index.ts';

/** The recording section with defaults filled in; undefined when no recorder is configured. */
export interface RecordingSettings {
  recorder: { host: string; port: number };
  default: RecordingPolicy;
  extensions: Record<string, RecordingPolicy>;
  requireRecorder: boolean;
}

/** Reads `config.recording` (issue 7). */
export function recordingSettings(config: HotlineConfig): RecordingSettings | undefined {
  const r = config.recording;
  if (!r) return undefined;
  return { recorder: { host: r.recorder.host, port: r.recorder.port ?? 5080 }, default: r.default ?? 'always', extensions: r.extensions ?? {}, requireRecorder: r.requireRecorder ?? false };
}

/**
 * Whether a call between `caller` and `callee` is recorded: an extension that must always
 * be recorded wins (a complaints desk), then one that must never be (a privacy line), then
 * the default. Pure.
 */
export function shouldRecord(s: RecordingSettings | undefined, caller: string, callee: string): boolean {
  if (!s) return false;
  const a = s.extensions[caller];
  const b = s.extensions[callee];
  if (a === 'always' || b === 'always') return true;
  if (a === 'never' || b === 'never') return false;
  return s.default === 'always';
}
