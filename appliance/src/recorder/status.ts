import type { Alarm } from '../alarms/index.ts';
import type { DiskWatermarkState } from './storage.ts';

/** One active recording as the control API shows it. */
export interface ActiveRecordingStatus {
  id: string;
  callId: string;
  startedAt: string;
  segment: number;
  durationMs: number;
  bytesWritten: number;
  /** The file's law (both channels). */
  codec: 'PCMU' | 'PCMA';
  /** Live listeners now (GET /v1/live). */
  listeners: number;
  streams: Array<{ label: string; channel: number; port: number; party: string; packets: number; lost: number; late: number; ssrc?: number }>;
}

/** What `GET /v1/status` of the recorder returns (the PBX, mgmt and the monitor read it). */
export interface RecorderStatus {
  startedAt: string;
  listening: Array<{ transport: string; address: string; port: number }>;
  sessionsActive: number;
  streamsActive: number;
  maxSessions: number;
  recordings: ActiveRecordingStatus[];
  /** Totals since start. */
  packetsReceived: number;
  packetsLost: number;
  bytesWritten: number;
  recordingsClosed: number;
  recordingsRecovered: number;
  lastFileClosed: { id: string; path: string; at: string; durationMs: number; sizeBytes: number } | null;
  disk: DiskWatermarkState & { recordingsDir: string };
  /** Active alarms: disk watermarks, write errors. */
  alarms: Alarm[];
  /**
   * The retention archive target (a folder or SFTP server) and how its last sweep went; null until
   * a sweep ran with a target configured. `lastError` stays until a sweep archives without error.
   */
  archive: { target: string; lastSweepAt: string; archivedTotal: number; lastError: { at: string; message: string; messageZh: string } | null } | null;
  /** The last errors (newest last), for the monitor. */
  errors: Array<{ at: string; message: string }>;
  counters: Record<string, number>;
}
