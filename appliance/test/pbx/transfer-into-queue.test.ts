// Blind transfer into a queue (issue 6) with fake phones and the real call center: the
// transferee stays, the transferor is released, the call center hosts the transferee's leg.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acdSettings, ivrSettings } from '../../src/config/index.ts';
import { CallCenter, PromptSet, type CtiEvent } from '../../src/pbx/call-center/index.ts';
import { FakePhone, fakePbx } from './fake-phone.ts';

async function setup() {
  const env = fakePbx({ mutate: (c) => { c.acd = { queues: [{ name: 'q', number: '5001' }] }; } });
  const events: CtiEvent[] = [];
  const cc = new CallCenter({
    clock: env.clock, media: Object.assign(env.media, { play() {} }), prompts: new PromptSet(join(tmpdir(), 'no-prompts'), 'zh-CN'),
    contactsOf: (ext, from) => env.stack.b2bua.contactsOf(ext, from), publish: (e) => events.push(e), timeZone: 'Asia/Shanghai',
  }, { acd: acdSettings(env.config), ivr: ivrSettings(env.config), screenPopLeadMs: 0 });
  env.stack.b2bua.setHost(cc);
  const alice = new FakePhone(env, '1001', '10.0.0.11');
  const bob = new FakePhone(env, '1002', '10.0.0.12');
  for (const p of [alice, bob]) p.register();
  await env.run(100);
  alice.call('1002');
  await env.run(200);
  return { env, cc, events, alice, bob };
}

const byes = (p: FakePhone) => p.received.filter((r) => r.method === 'BYE').length;

test('the callee transfers its caller blind to a queue\'s number: NOTIFY 200, the callee is released, the caller waits in the queue', async () => {
  const { env, cc, events, alice, bob } = await setup();
  bob.refer('<sip:5001@10.0.0.1>');
  await env.run(300);
  assert.equal(bob.notifies().at(-1), 'SIP/2.0 200 OK');
  assert.equal(byes(bob), 1, 'the transferor got its BYE');
  assert.equal(byes(alice), 0, 'the transferee stays');
  const moved = events.find((e) => e.type === 'CallTransferred');
  assert.ok(moved && moved.type === 'CallTransferred');
  assert.deepEqual({ callId: moved.callId, by: moved.by, to: moved.to, agent: moved.agent }, { callId: alice.dialog!.callId, by: '1002', to: { queue: 'q' }, agent: undefined });
  assert.equal(cc.snapshot().queues[0]!.stats.waiting, 1);
  assert.deepEqual(env.records.map((r) => [r.callee, r.endCause]), [['1002', 'transferred']], 'the segment before the transfer');
  alice.bye();
  await env.run(200);
  assert.equal(cc.snapshot().queues[0]!.stats.abandoned, 1, 'hanging up in the queue is an abandon');
  assert.deepEqual(env.records.at(-1) && [env.records.at(-1)!.caller, env.records.at(-1)!.callee], ['1001', '5001']);
});

test('the caller cannot transfer the party it called into a queue: NOTIFY 403 and the call goes on', async () => {
  const { env, cc, alice, bob } = await setup();
  alice.refer('<sip:5001@10.0.0.1>');
  await env.run(300);
  assert.equal(alice.notifies().at(-1), 'SIP/2.0 403 Forbidden');
  assert.equal(byes(alice) + byes(bob), 0);
  assert.equal(cc.snapshot().queues[0]!.stats.waiting, 0);
  assert.equal(env.stack.b2bua.activeCalls()[0]!.callee, '1002');
});
