/** Progress of a running backup, restore or verification (CLI, API and UI show it). */
export interface Progress {
  operation: 'backup' | 'verify' | 'restore' | 'test-restore';
  phase: 'snapshot' | 'archive' | 'upload' | 'verify' | 'apply' | 'compare' | 'done' | 'failed';
  bytesDone: number;
  /** 0 when unknown (an upload of unknown length). */
  bytesTotal: number;
  /** 0..100, whole numbers. */
  percent: number;
}

/** Callback receiving progress; called at most every `RECORD_SIZE` bytes. */
export type ProgressSink = (p: Progress) => void;

/** A progress value with percent computed from the bytes. */
export function progressOf(operation: Progress['operation'], phase: Progress['phase'], bytesDone: number, bytesTotal: number): Progress {
  const percent = phase === 'done' ? 100 : bytesTotal > 0 ? Math.min(99, Math.floor((bytesDone * 100) / bytesTotal)) : 0;
  return { operation, phase, bytesDone, bytesTotal, percent };
}
