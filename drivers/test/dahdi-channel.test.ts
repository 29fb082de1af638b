// DahdiChannel, the synchronous fd adapter, on libdahdisim through koffi: the ELAST
// rule of DAHDI read/write seen call by call.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { loadSimulator } from '../src/simulator/sim-control.ts';
import { loadDahdiLib, simulatorBinding } from '../src/dahdi/binding.ts';
import { DahdiChannel, IO_DONE, IO_EVENT } from '../src/dahdi/dahdi-channel.ts';
import * as abi from '../src/dahdi/abi.ts';
import { patternFrame } from './helpers.ts';

const sim = loadSimulator();
const binding = simulatorBinding(sim.library);
const lib = loadDahdiLib(binding);
const config = { law: 'ulaw' as const, blocksize: 160 };

beforeEach(() => { sim.reset(); sim.createCard(['FXS']); });

test('read fails with ELAST while an event is pending, GETEVENT dequeues it, then the same read succeeds', () => {
  const ch = DahdiChannel.open(lib, binding, 1, config);
  const audio = patternFrame(5);
  sim.injectAudio(1, audio);
  sim.offHook(1);
  const buf = Buffer.alloc(160);
  assert.equal(ch.read(buf), IO_EVENT);
  assert.equal(lib.errno(), abi.ELAST);
  assert.equal(ch.getEvent(), abi.DAHDI_EVENT_RINGOFFHOOK);
  assert.equal(ch.getEvent(), abi.DAHDI_EVENT_NONE);
  assert.equal(ch.read(buf), IO_DONE);
  assert.deepEqual(buf, audio);
  ch.close();
});

test('write fails with ELAST while an event is pending and succeeds once it is taken', () => {
  const ch = DahdiChannel.open(lib, binding, 1, config);
  sim.injectDtmf(1, '4');
  const f = patternFrame(6);
  assert.equal(ch.write(f), IO_EVENT);
  assert.equal(ch.getEvent(), abi.DAHDI_EVENT_DTMFDOWN | '4'.charCodeAt(0));
  assert.equal(ch.getEvent(), abi.DAHDI_EVENT_DTMFUP | '4'.charCodeAt(0));
  assert.equal(ch.write(f), IO_DONE);
  assert.deepEqual(sim.readPlayed(1, 1000), f);
  ch.close();
});

test('SETLAW is applied at open: µ-law idle channels read µ-law silence (0xFF)', async () => {
  const ch = DahdiChannel.open(lib, binding, 1, config);
  await new Promise((r) => setTimeout(r, 25));
  const buf = Buffer.alloc(160);
  assert.equal(ch.read(buf), IO_DONE);
  assert.ok(buf.every((b) => b === 0xff));
  assert.equal(ch.getParams().curlaw, abi.DAHDI_LAW_MULAW);
  ch.close();
});

test('SPANSTAT reports the span alarm bits: 0 when clear, RED once raised', () => {
  const ch = DahdiChannel.open(lib, binding, 1, config);
  assert.equal(ch.spanAlarms(1), 0);
  sim.raiseAlarm(1);
  assert.equal(ch.spanAlarms(1), abi.DAHDI_ALARM_RED);
  ch.close();
});
