import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePhone, fakePbx } from './fake-phone.ts';

test('a phone registers after one 401 challenge and its contact is bound with the granted expiry', async () => {
  const env = fakePbx();
  const phone = new FakePhone(env, '1001', '10.0.0.11');
  phone.register({ expires: 300 });
  await env.run(100);
  assert.deepEqual(phone.statuses('REGISTER'), [401, 200]);
  const ok = phone.responses.at(-1)!;
  assert.match(ok.headers.get('Contact')!, /sip:1001@10\.0\.0\.11:5060>;expires=300/);
  assert.equal(env.stack.location.lookup('1001').length, 1);
});

test('a wrong password is refused 403 and counts towards a ban; after the limit the source is ignored while others go on', async () => {
  const env = fakePbx({ mutate: (c) => { c.security.authFailureLimit = 3; c.security.banSec = 60; } });
  const scanner = new FakePhone(env, '1001', '10.0.0.66');
  for (let i = 0; i < 3; i++) { scanner.register({ password: 'guess' }); await env.run(50); }
  assert.deepEqual(scanner.statuses('REGISTER'), [401, 403, 401, 403, 401, 403]);
  scanner.register(); // even with the right password: banned
  await env.run(40_000);
  assert.equal(scanner.statuses('REGISTER').length, 6, 'no answer at all while banned');
  assert.ok(env.stack.droppedBanned > 0);
  const honest = new FakePhone(env, '1002', '10.0.0.12');
  honest.register();
  await env.run(100);
  assert.deepEqual(honest.statuses('REGISTER'), [401, 200], 'another source is unaffected');
  await env.run(60_000);
  scanner.register();
  await env.run(100);
  assert.deepEqual(scanner.statuses('REGISTER').slice(-2), [401, 200], 'the ban expires');
});

test('an expiry below the minimum gets 423 with Min-Expires; Expires 0 removes the binding', async () => {
  const env = fakePbx();
  const phone = new FakePhone(env, '1001', '10.0.0.11');
  phone.register({ expires: 10 });
  await env.run(100);
  assert.equal(phone.statuses('REGISTER').at(-1), 423);
  assert.equal(phone.responses.at(-1)!.headers.get('Min-Expires'), '60');
  phone.register({ expires: 120 });
  await env.run(100);
  assert.equal(env.stack.location.lookup('1001').length, 1);
  phone.register({ expires: 0 });
  await env.run(100);
  assert.equal(env.stack.location.lookup('1001').length, 0);
});

test('several contacts per extension are kept up to maxContacts, and bindings expire', async () => {
  const env = fakePbx({ mutate: (c) => { c.extensions[0].maxContacts = 2; } });
  const phone = new FakePhone(env, '1001', '10.0.0.11');
  for (const port of [5061, 5062, 5063]) { phone.register({ expires: 120, contactPort: port }); await env.run(100); }
  const contacts = env.stack.location.lookup('1001').map((b) => b.contact);
  assert.deepEqual(contacts, ['sip:1001@10.0.0.11:5063', 'sip:1001@10.0.0.11:5062']);
  await env.run(121_000);
  assert.equal(env.stack.location.lookup('1001').length, 0);
});

test('an unknown extension is challenged, then refused like a wrong password (no number enumeration)', async () => {
  const env = fakePbx();
  const phone = new FakePhone(env, '4444', '10.0.0.11', 'whatever1');
  phone.register();
  await env.run(100);
  assert.deepEqual(phone.statuses('REGISTER'), [401, 403]);
});
