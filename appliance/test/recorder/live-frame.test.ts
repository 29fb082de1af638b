// Live listen framing (issue 7): the recorder's frames survive any chunking of the control
// stream, broken frames are refused with a reason, and the control server drops a binary reader
// that stops reading instead of buffering for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { decodeLiveFrame, encodeLiveFrame, LiveFrameError, LiveFrameSplitter, LIVE_HEADER_BYTES } from '../../src/recorder/live-frame.ts';
import { ControlClient, ControlRequestError, ControlRouteError, serveControl, type BinaryOut } from '../../src/control/index.ts';

const payload = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

test('a frame carries channel, law, arrival time and the G.711 bytes exactly; the payload is cut from the RTP packet by offset', () => {
  const rtp = new Uint8Array(12 + 160);
  rtp.set(payload(160, 7), 12);
  const f = encodeLiveFrame(1, 'PCMA', 123_456, rtp, 12, 160);
  assert.equal(f.length, LIVE_HEADER_BYTES + 160);
  assert.deepEqual([...f.subarray(0, LIVE_HEADER_BYTES)], [1, 1, 8, 0, 0x00, 0x01, 0xe2, 0x40, 0x00, 0xa0]);
  const d = decodeLiveFrame(f);
  assert.deepEqual([d.channel, d.law, d.atMs], [1, 'PCMA', 123_456]);
  assert.deepEqual([...d.payload], [...payload(160, 7)]);
  assert.equal(decodeLiveFrame(encodeLiveFrame(0, 'PCMU', 0, rtp, 12, 0)).payload.length, 0, 'an empty payload is a frame too');
  assert.throws(() => encodeLiveFrame(0, 'PCMU', 0, new Uint8Array(2000), 0, 1600), RangeError);
});

test('broken frames are refused with the reason', () => {
  const good = encodeLiveFrame(0, 'PCMU', 5, payload(20, 1), 0, 20);
  const bad = (mutate: (b: Buffer) => Buffer, why: RegExp) => assert.throws(() => decodeLiveFrame(mutate(Buffer.from(good))), (e: unknown) => e instanceof LiveFrameError && why.test(e.message));
  bad((b) => b.subarray(0, 5), /shorter than its header/);
  bad((b) => { b[0] = 2; return b; }, /version 2/);
  bad((b) => { b[2] = 18; return b; }, /law code 18/);
  bad((b) => b.subarray(0, b.length - 1), /says 20 payload bytes but carries 19/);
  bad((b) => { b.writeUInt16BE(4000, 8); return b; }, /over 1500/);
});

test('the splitter rebuilds the frames from any chunking of the stream, holding only one partial frame', () => {
  const frames = Array.from({ length: 50 }, (_, i) => encodeLiveFrame(i % 2, i % 3 ? 'PCMU' : 'PCMA', i * 20, payload(80 + (i % 5) * 40, i), 0, 80 + (i % 5) * 40));
  const stream = Buffer.concat(frames);
  for (const cut of [1, 3, 10, 11, 161, 4096, stream.length]) {
    const s = new LiveFrameSplitter();
    const got: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i += cut) {
      got.push(...s.push(stream.subarray(i, i + cut)));
      assert.ok(s.pendingBytes < LIVE_HEADER_BYTES + 1500, 'never more than one partial frame held');
    }
    assert.equal(s.pendingBytes, 0, `cut ${cut}: nothing left over`);
    assert.equal(got.length, frames.length, `cut ${cut}`);
    got.forEach((g, i) => assert.deepEqual(g, frames[i], `cut ${cut}: frame ${i}`));
  }
  assert.throws(() => new LiveFrameSplitter().push(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0, 0, 1])), LiveFrameError);
});

test('control binary route: 404 refusal before any byte, frames to a reader, and a reader that stops reading is dropped, never buffered for', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-bin-'));
  const sock = join(dir, 'c.sock');
  const outs = new Set<BinaryOut>();
  let stops = 0;
  const server = await serveControl(sock, {
    '/v1/live': {
      method: 'GET',
      binary: (q, out) => {
        if (q.get('id') !== 'r1') throw new ControlRouteError(404, `no active recording ${q.get('id')}`);
        outs.add(out);
        return () => { outs.delete(out); stops++; };
      },
    },
  });
  t.after(async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); });
  const client = new ControlClient(sock, 3000, 'recorder');

  const refused = await new Promise<Error | undefined>((resolve) => client.openBinary('/v1/live?id=nope', { onOpen: () => resolve(new Error('opened')), onChunk: () => undefined, onClose: resolve }));
  assert.ok(refused instanceof ControlRequestError && refused.status === 404 && /no active recording nope/.test(refused.message), String(refused));

  // A reader that keeps up gets every frame.
  const got: Uint8Array[] = [];
  const split = new LiveFrameSplitter();
  await new Promise<void>((resolve) => client.openBinary('/v1/live?id=r1', { onOpen: () => resolve(), onChunk: (b) => got.push(...split.push(b)), onClose: () => undefined }));
  const frame = encodeLiveFrame(0, 'PCMU', 0, payload(160, 3), 0, 160);
  for (let i = 0; i < 20; i++) for (const o of outs) o.write(frame);
  for (const o of outs) o.end();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(got.length, 20);
  assert.equal(outs.size, 0);

  // A reader that never reads: the server drops it once its backlog passes the bound.
  const stuck = request({ socketPath: sock, path: '/v1/live?id=r1' }, (res) => res.pause());
  stuck.end();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(outs.size, 1);
  const [o] = outs;
  const before = stops;
  const big = Buffer.alloc(16 * 1024);
  // Far more than the bound plus the kernel's socket buffers; the server must not hold it all.
  for (let i = 0; i < 400 && outs.size > 0; i++) {
    o!.write(big);
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(outs.size, 0, 'the slow reader was dropped');
  assert.equal(stops, before + 1, 'and the route was told to stop');
  stuck.destroy();
});
