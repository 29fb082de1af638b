import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { SipRequest, SipResponse } from '../../../src/sip/message/index.ts';
import { FakeNetwork } from '../../../src/sip/transport/index.ts';
import type { Endpoint, FakeNetworkClock } from '../../../src/sip/transport/index.ts';
import { rawOptions } from './helpers.ts';

/** Minimal manual clock with the FakeNetworkClock shape. */
class ManualClock implements FakeNetworkClock {
  private t = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private seq = 0;
  now(): number { return this.t; }
  setTimer(ms: number, fn: () => void): { cancel(): void } {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return { cancel: () => { this.timers = this.timers.filter((x) => x.id !== id); } };
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

const A: Endpoint = { transport: 'udp', address: '10.0.0.1', port: 5060 };
const B: Endpoint = { transport: 'udp', address: '10.0.0.2', port: 5060 };

function setup(opts: ConstructorParameters<typeof FakeNetwork>[0]) {
  const clock = new ManualClock();
  const net = new FakeNetwork({ clock, ...opts });
  const got: Array<{ msg: SipRequest | SipResponse; source: Endpoint }> = [];
  const a = net.endpoint(A, { onMessage() {} });
  net.endpoint(B, { onMessage: (msg, source) => got.push({ msg, source }) });
  return { clock, net, a, got };
}

describe('FakeNetwork', () => {
  test('delivers through the real parser after the delay, never synchronously, with the sender as source', async () => {
    const { clock, net, a, got } = setup({ delayMs: 20 });
    await a.send(Buffer.from(rawOptions({ viaHost: '10.0.0.1', callId: 'f1' })), B);
    assert.equal(got.length, 0);
    clock.advance(19);
    assert.equal(got.length, 0);
    clock.advance(1);
    assert.equal(got.length, 1);
    assert.equal(got[0]!.msg.callId, 'f1');
    assert.deepEqual(got[0]!.source, A);
    assert.equal(net.log[0]!.fate, 'delivered');
    assert.equal(net.log[0]!.firstLine, 'OPTIONS sip:pbx@127.0.0.1 SIP/2.0');
  });

  test('drops about the configured share of packets, the same ones for the same seed', async () => {
    const fates: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const { clock, net, a, got } = setup({ seed: 99, dropProbability: 0.3 });
      for (let i = 0; i < 1000; i++) await a.send(Buffer.from(rawOptions({ callId: `d${i}` })), B);
      clock.advance(1);
      const dropped = net.log.filter((p) => p.fate === 'dropped').length;
      assert.ok(dropped > 240 && dropped < 360, `dropped ${dropped} of 1000`);
      assert.equal(got.length, 1000 - dropped);
      fates.push(net.log.map((p) => p.fate));
    }
    assert.deepEqual(fates[0], fates[1]);
  });

  test('reorders packets when jitter exceeds the spacing between sends', async () => {
    const { clock, a, got } = setup({ seed: 3, delayMs: 5, jitterMs: 50 });
    for (let i = 0; i < 20; i++) await a.send(Buffer.from(rawOptions({ callId: `r${i}` })), B);
    clock.advance(100);
    const order = got.map((g) => Number(g.msg.callId.slice(1)));
    assert.equal(order.length, 20);
    assert.notDeepEqual(order, [...order].sort((x, y) => x - y));
  });

  test('records packets to nobody as unreachable and counts garbage at the receiver', async () => {
    const { clock, net, a } = setup({});
    await a.send(Buffer.from('junk'), { transport: 'udp', address: '10.9.9.9', port: 5060 });
    assert.equal(net.log[0]!.fate, 'unreachable');
    const c = net.endpoint({ transport: 'udp', address: '10.0.0.3', port: 5060 }, { onMessage() {} });
    await a.send(Buffer.from('junk'), { transport: 'udp', address: '10.0.0.3', port: 5060 });
    clock.advance(0);
    assert.equal(c.counters.malformed, 1);
    assert.equal(net.sentTo({ address: '10.0.0.3', port: 5060 }, 'delivered').length, 1);
  });
});
