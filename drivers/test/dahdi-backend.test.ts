// The DAHDI backend against libdahdisim through the real FFI path: koffi binds the
// simulator's sim_open/sim_ioctl/sim_read/sim_write/sim_poll/sim_close exactly as it
// binds libc on hardware, and the I/O worker thread moves the frames.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  openDahdiCard, simulatorBinding, loadSimulator, CardError,
  type CardEvent, type DahdiCard, type PortInfo,
} from '../src/index.ts';
import * as abi from '../src/dahdi/abi.ts';
import { waitFor, patternFrame } from './helpers.ts';

const sim = loadSimulator();
const binding = simulatorBinding(sim.library);
const PORTS: PortInfo[] = [
  { port: 1, span: 1, kind: 'FXO' },
  { port: 2, span: 1, kind: 'FXO' },
  { port: 3, span: 1, kind: 'FXS' },
  { port: 4, span: 1, kind: 'FXS' },
];

let card: DahdiCard | undefined;
let events: CardEvent[] = [];
let frames: Map<number, Buffer[]>;

async function open(): Promise<DahdiCard> {
  sim.createCard(PORTS.map((p) => p.kind));
  card = await openDahdiCard({ binding, ports: PORTS, ringSlots: 64 });
  card.onEvent((e) => events.push(e));
  // Copy: the frame is a view into the ring, valid only during the callback.
  card.onFrame((port, f) => frames.get(port)!.push(Buffer.from(f)));
  return card;
}

beforeEach(() => {
  sim.reset();
  events = [];
  frames = new Map(PORTS.map((p) => [p.port, []]));
});
afterEach(async () => {
  await card?.close();
  card = undefined;
});

/** Index of `needle` frames appearing consecutively in `haystack`, or -1. */
function findRun(haystack: Buffer[], needle: Buffer[]): number {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((f, k) => f.equals(haystack[i + k]!))) return i;
  }
  return -1;
}

test('a ringing FXO line gives a Ring event and its caller-ID bytes arrive as received audio', async () => {
  const c = await open();
  const cid = patternFrame(9);
  sim.ring(1, cid);
  await waitFor(() => events.some((e) => e.type === 'Ring'), 'Ring');
  assert.deepEqual(events.filter((e) => 'port' in e && e.port === 1), [{ type: 'Ring', port: 1 }]);
  assert.equal(c.portState(1).ringing, true);
  await waitFor(() => findRun(frames.get(1)!, [cid]) >= 0, 'caller-ID frame');
});

test('lifting and hanging up the phone on an FXS port gives OffHook then OnHook and updates the port state', async () => {
  const c = await open();
  sim.offHook(3);
  await waitFor(() => events.length === 1, 'OffHook');
  assert.equal(c.portState(3).hook, 'offhook');
  sim.onHook(3);
  await waitFor(() => events.length === 2, 'OnHook');
  assert.deepEqual(events, [{ type: 'OffHook', port: 3 }, { type: 'OnHook', port: 3 }]);
  assert.equal(c.portState(3).hook, 'onhook');
});

test('a hook flash gives HookFlash and a polarity reversal on an FXO line gives PolarityReversal', async () => {
  await open();
  sim.flash(4);
  sim.polarity(2);
  await waitFor(() => events.length === 2, 'two events');
  assert.deepEqual(new Set(events.map((e) => JSON.stringify(e))), new Set([
    JSON.stringify({ type: 'HookFlash', port: 4 }), JSON.stringify({ type: 'PolarityReversal', port: 2 }),
  ]));
});

test('injected DTMF digits arrive as Dtmf events, one per key (key-down is not reported), in order', async () => {
  await open();
  for (const d of '12#*9') sim.injectDtmf(3, d);
  await waitFor(() => events.length === 5, 'five Dtmf events');
  assert.deepEqual(events.map((e) => (e.type === 'Dtmf' ? e.digit : e.type)).join(''), '12#*9');
});

test('audio injected on a port is read back frame for frame, unchanged and in order', async () => {
  await open();
  const sent = [patternFrame(1), patternFrame(2), patternFrame(3), patternFrame(4)];
  sim.injectAudio(2, Buffer.concat(sent));
  await waitFor(() => findRun(frames.get(2)!, sent) >= 0, 'the four injected frames in a row');
  // Other ports only carry the simulated clock's silence (A-law 0xD5). Injected audio
  // is readable at once, so wait for a few clock ticks on port 1.
  await waitFor(() => frames.get(1)!.length >= 3, 'clocked frames on port 1');
  const odd = frames.get(1)!.filter((f) => !f.every((b) => b === 0xd5)); assert.equal(odd.length, 0, odd.map((f) => f.subarray(0, 8).toString('hex')).join(','));
});

test('the 20 ms clock delivers about 50 frames a second per port', async () => {
  await open();
  await new Promise((r) => setTimeout(r, 500));
  const n = frames.get(4)!.length;
  assert.ok(n >= 18 && n <= 32, `expected ~25 frames in 500 ms, got ${n}`);
});

test('frames written to a port are what the simulated port played', async () => {
  const c = await open();
  const out = [patternFrame(11), patternFrame(12), patternFrame(13)];
  for (const f of out) assert.equal(c.writeFrame(3, f), true);
  let played = Buffer.alloc(0);
  await waitFor(() => { played = Buffer.concat([played, sim.readPlayed(3, 4096)]); return played.length >= 480; }, 'three played frames');
  assert.deepEqual(played, Buffer.concat(out));
});

test('hook commands reach the port as DAHDI_HOOK: ring an FXS phone, seize and release an FXO line', async () => {
  const c = await open();
  c.hook(3, 'ring');
  assert.equal(sim.hookState(3), abi.DAHDI_RING);
  assert.equal(c.portState(3).ringing, true);
  c.hook(3, 'ringoff');
  assert.equal(sim.hookState(3), abi.DAHDI_RINGOFF);
  c.hook(1, 'offhook');
  assert.equal(sim.hookState(1), abi.DAHDI_OFFHOOK);
  assert.equal(c.portState(1).hook, 'offhook');
  c.hook(1, 'flash');
  assert.equal(sim.hookState(1), abi.DAHDI_FLASH);
  c.hook(1, 'onhook');
  assert.equal(sim.hookState(1), abi.DAHDI_ONHOOK);
});

test('a span alarm is reported once for the span (not once per port) and its clearing once, with port states following', async () => {
  const c = await open();
  sim.raiseAlarm(1);
  await waitFor(() => events.length >= 1, 'Alarm');
  await new Promise((r) => setTimeout(r, 60)); // give the other three ports' ALARM events time to (not) show up
  assert.deepEqual(events, [{ type: 'Alarm', span: 1, alarms: abi.DAHDI_ALARM_RED }]);
  assert.ok(PORTS.every((p) => c.portState(p.port).alarm));
  sim.clearAlarm(1);
  await waitFor(() => events.length >= 2, 'AlarmCleared');
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(events.slice(1), [{ type: 'AlarmCleared', span: 1 }]);
  assert.ok(PORTS.every((p) => !c.portState(p.port).alarm));
});

test('audio keeps flowing across events: reads that hit a pending event (ELAST) take the event and resume', async () => {
  await open();
  const a = [patternFrame(21), patternFrame(22)];
  const b = [patternFrame(23), patternFrame(24)];
  sim.injectAudio(4, Buffer.concat(a));
  sim.offHook(4);
  sim.injectDtmf(4, '7');
  sim.injectAudio(4, Buffer.concat(b));
  await waitFor(() => findRun(frames.get(4)!, [...a, ...b]) >= 0, 'all four frames in order');
  await waitFor(() => events.length === 2, 'events');
  assert.deepEqual(events, [{ type: 'OffHook', port: 4 }, { type: 'Dtmf', port: 4, digit: '7' }]);
});

test('DAHDI_GET_PARAMS is decoded through the koffi struct: channel, span and the A-law set at open', async () => {
  const c = await open();
  const p = c.params(2);
  assert.equal(p.channo, 2);
  assert.equal(p.spanno, 1);
  assert.equal(p.curlaw, abi.DAHDI_LAW_ALAW);
});

test('a missing library is a CardError LIBRARY_NOT_FOUND, not a crash', async () => {
  await assert.rejects(
    openDahdiCard({ binding: simulatorBinding('/nonexistent/libdahdisim.so'), ports: PORTS }),
    (err: unknown) => err instanceof CardError && err.code === 'LIBRARY_NOT_FOUND' && /nonexistent/.test(err.message),
  );
});

test('a library without the DAHDI symbols is a CardError LIBRARY_NOT_FOUND naming the symbol problem', async () => {
  await assert.rejects(
    openDahdiCard({ binding: { ...binding, symbols: { ...binding.symbols, poll: 'no_such_poll' } }, ports: PORTS }),
    (err: unknown) => err instanceof CardError && err.code === 'LIBRARY_NOT_FOUND',
  );
});

test('no card present is a CardError CARD_NOT_FOUND carrying the errno of open', async () => {
  await assert.rejects(
    openDahdiCard({ binding, ports: PORTS }),
    (err: unknown) => err instanceof CardError && err.code === 'CARD_NOT_FOUND' && err.errno === 19 /* ENODEV */,
  );
});

test('a channel the card does not have is a CardError CARD_NOT_FOUND naming the port, and the card opens normally afterwards', async () => {
  sim.createCard(['FXO', 'FXS']);
  await assert.rejects(
    openDahdiCard({ binding, ports: [{ port: 1, span: 1, kind: 'FXO' }, { port: 2, span: 1, kind: 'FXS' }, { port: 9, span: 1, kind: 'FXS' }] }),
    (err: unknown) => err instanceof CardError && err.code === 'CARD_NOT_FOUND' && err.port === 9,
  );
  // Still usable afterwards: opening the two real ports works.
  card = await openDahdiCard({ binding, ports: [{ port: 1, span: 1, kind: 'FXO' }, { port: 2, span: 1, kind: 'FXS' }] });
  assert.equal(card.ports.length, 2);
});

test('a ring size that is not a power of two is refused before any port is opened', async () => {
  sim.createCard(['FXO']);
  await assert.rejects(openDahdiCard({ binding, ports: [{ port: 1, span: 1, kind: 'FXO' }], ringSlots: 10 }), RangeError);
});

test('unknown ports and wrong frame sizes are refused with typed errors', async () => {
  const c = await open();
  assert.throws(() => c.portState(99), (e: unknown) => e instanceof CardError && e.code === 'BAD_PORT');
  assert.throws(() => c.hook(99, 'ring'), (e: unknown) => e instanceof CardError && e.code === 'BAD_PORT');
  assert.throws(() => c.writeFrame(1, Buffer.alloc(100)), RangeError);
});

test('the main event loop stays responsive while the worker polls: median 10 ms timer lag under 8 ms', async () => {
  // Were poll(2) called on the main thread, each tick would wait for it (up to 20 ms).
  await open();
  const lags: number[] = [];
  let last = performance.now();
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      const now = performance.now();
      lags.push(now - last - 10);
      last = now;
      if (lags.length === 30) { clearInterval(t); resolve(); }
    }, 10);
  });
  lags.sort((a, b) => a - b);
  const median = lags[15]!;
  assert.ok(median < 8, `median timer lag ${median.toFixed(1)} ms`);
});
