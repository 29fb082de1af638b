// A recorder stand-in for mgmt tests: a real control server on `<dir>/run/recorder.sock` with the
// recorder's routes (status, live frames), so mgmt's real ControlClient talks to it.
import { join } from 'node:path';
import { ControlClient, ControlRouteError, serveControl, type BinaryOut } from '../../src/control/index.ts';
import type { RecorderStatus } from '../../src/recorder/index.ts';

/** A recorder stand-in: one active recording 'r1' whose live listeners the test feeds. */
export async function fakeRecorder(t: { after(fn: () => unknown): void }, dir: string, extra: Partial<RecorderStatus> = {}) {
  const sock = join(dir, 'run', 'recorder.sock');
  const outs = new Set<BinaryOut>();
  const status = {
    recordings: [{ id: 'r1', callId: 'call-1', startedAt: '2025-03-01T08:00:00.000Z', segment: 1, durationMs: 4000, bytesWritten: 64000, codec: 'PCMA', listeners: 0,
      streams: [{ label: '2', channel: 1, port: 30002, party: '1002', packets: 200, lost: 0, late: 0 }, { label: '1', channel: 0, port: 30000, party: '1001', packets: 200, lost: 0, late: 0 }] }],
    ...extra,
  } as unknown as RecorderStatus;
  const server = await serveControl(sock, {
    '/v1/status': { method: 'GET', run: () => status },
    '/v1/live': { method: 'GET', binary: (q, out) => {
      if (q.get('id') !== 'r1') throw new ControlRouteError(404, `no active recording ${q.get('id')}`);
      outs.add(out);
      return () => void outs.delete(out);
    } },
  });
  t.after(() => server.close());
  return { client: new ControlClient(sock, 3000, 'recorder'), outs };
}
