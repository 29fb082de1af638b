import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/sip/clock.ts';
import { FakeNetwork } from '../../../src/sip/transport/index.ts';
import { GatewayUserAgent } from '../../../src/analog/sip/index.ts';
import { FakePbx, RecordingPorts, sleep, startGateway, waitFor } from './fake-pbx.ts';

test('registers every station as its extension with the digest answer and its contact on the gateway', async () => {
  const pbx = await FakePbx.start();
  pbx.secrets = { 2001: 's-2001', 2002: 's-2002' };
  const gw = await startGateway(pbx, { stations: [{ extension: '2001', secret: 's-2001', port: 1 }, { extension: '2002', secret: 's-2002', port: 2 }] });
  try {
    await waitFor(() => gw.registrations().every((r) => r.state === 'registered'), 3000, 'both registered');
    const regs = pbx.received('REGISTER');
    assert.equal(regs.length, 4, 'each challenged once, then accepted');
    const second = regs.find((r) => r.headers.has('Authorization') && r.to.uri.user === '2001')!;
    assert.match(second.headers.get('Authorization')!, /username="2001"/);
    assert.equal(second.headers.get('Contact'), `<sip:2001@127.0.0.1:${gw.address.port}>`);
    assert.equal(second.uri, 'sip:hotline');
    const status = gw.registrations().find((r) => r.extension === '2001')!;
    const left = Date.parse(status.expiresAt!) - Date.now();
    assert.ok(left > 290_000 && left <= 300_000, `expires in about 300 s (${left} ms)`);
    assert.equal(status.lastError, undefined);
  } finally {
    await gw.stop();
    await pbx.close();
  }
});

test('a wrong secret leaves the station failed with the PBX\'s refusal; a corrected secret registers at once', async () => {
  const pbx = await FakePbx.start();
  pbx.secrets = { 2001: 'right' };
  const gw = await startGateway(pbx, { stations: [{ extension: '2001', secret: 'wrong', port: 1 }] });
  try {
    await waitFor(() => gw.registrations()[0]?.state === 'failed', 3000, 'failed');
    const s = gw.registrations()[0]!;
    assert.match(s.lastError!, /^403 Forbidden: the PBX refused the credentials of extension 2001/);
    assert.equal(s.expiresAt, undefined);
    // A corrected secret (config reload) registers at once, without waiting for the backoff.
    gw.updateStations([{ extension: '2001', secret: 'right', port: 1 }]);
    await waitFor(() => gw.registrations()[0]?.state === 'registered', 3000, 'registered after the fix');
    assert.equal(gw.registrations()[0]!.lastError, undefined);
  } finally {
    await gw.stop();
    await pbx.close();
  }
});

test('a PBX that does not answer leaves the station failed with a clear error', async () => {
  const pbx = await FakePbx.start();
  pbx.silent = true;
  const gw = await startGateway(pbx, { stations: [{ extension: '2001', secret: 'x', port: 1 }] });
  try {
    assert.equal(gw.registrations()[0]!.state, 'registering');
    await waitFor(() => gw.registrations()[0]?.state === 'failed', 4000, 'failed after Timer F');
    assert.equal(gw.registrations()[0]!.lastError, `no answer from the PBX at 127.0.0.1:${pbx.at.port}`);
  } finally {
    await gw.stop();
    await pbx.close();
  }
});

test('the registration is refreshed at 80 % of what the PBX granted', async () => {
  const pbx = await FakePbx.start();
  pbx.secrets = { 2001: 's' };
  pbx.grantExpires = 1;
  const gw = await startGateway(pbx, { stations: [{ extension: '2001', secret: 's', port: 1 }] });
  try {
    await waitFor(() => gw.registrations()[0]?.state === 'registered', 3000, 'registered');
    const first = pbx.received('REGISTER').length;
    await waitFor(() => pbx.received('REGISTER').length >= first + 2, 2500, 'a refresh');
    const regs = pbx.received('REGISTER');
    assert.equal(regs[0]!.callId, regs.at(-1)!.callId, 'one Call-ID for the refreshes (RFC 3261 §10.2.4)');
    assert.ok(regs.at(-1)!.cseq.seq > regs[0]!.cseq.seq, 'CSeq goes up');
    assert.equal(gw.registrations()[0]!.state, 'registered');
  } finally {
    await gw.stop();
    await pbx.close();
  }
});

test('updateStations registers new ones, unregisters removed ones with Expires: 0, and stop() unregisters the rest', async () => {
  const pbx = await FakePbx.start();
  pbx.secrets = { 2001: 'a', 2002: 'b' };
  const gw = await startGateway(pbx, { stations: [{ extension: '2001', secret: 'a', port: 1 }] });
  try {
    await waitFor(() => gw.registrations()[0]?.state === 'registered', 3000, '2001 registered');
    gw.updateStations([{ extension: '2002', secret: 'b', port: 2 }]);
    await waitFor(() => gw.registrations().length === 1 && gw.registrations()[0]!.extension === '2002' && gw.registrations()[0]!.state === 'registered', 3000, '2002 registered');
    await waitFor(() => pbx.received('REGISTER').some((r) => r.to.uri.user === '2001' && r.expires === 0 && r.headers.has('Authorization')), 3000, '2001 unregistered');
  } finally {
    await gw.stop();
  }
  assert.ok(pbx.received('REGISTER').some((r) => r.to.uri.user === '2002' && r.expires === 0 && r.headers.has('Authorization')), 'stop() unregistered 2002');
  await pbx.close();
});

test('failed registrations are retried with a doubling backoff (5 s, 10 s, ...)', async () => {
  const pbx = await FakePbx.start();
  pbx.secrets = { 2001: 'right' };
  const clock = new FakeClock(Date.now());
  const gw = await startGateway(pbx, { clock, stations: [{ extension: '2001', secret: 'wrong', port: 1 }] });
  const attempts = () => pbx.received('REGISTER').filter((r) => r.headers.has('Authorization')).length;
  try {
    await waitFor(() => gw.registrations()[0]?.state === 'failed', 3000, 'first failure');
    assert.equal(attempts(), 1);
    clock.advance(4_900);
    await sleep(50);
    assert.equal(attempts(), 1, 'no retry before 5 s');
    clock.advance(100);
    await waitFor(() => attempts() === 2, 3000, 'retry after 5 s');
    await waitFor(() => gw.registrations()[0]?.state === 'failed', 3000, 'second failure');
    clock.advance(5_000);
    await sleep(50);
    assert.equal(attempts(), 2, 'the second wait is longer than 5 s');
    clock.advance(5_000);
    await waitFor(() => attempts() === 3, 3000, 'retry after 10 s');
  } finally {
    clock.advance(100_000); // let the shutdown REGISTER's transaction end
    await gw.stop();
    await pbx.close();
  }
});

test('423 Interval Too Brief: the station asks again with the registrar\'s Min-Expires and keeps asking that', async () => {
  const pbx = await FakePbx.start();
  pbx.secrets = { 2001: 's' };
  pbx.minExpires = 600;
  pbx.grantExpires = 1;
  const gw = await startGateway(pbx, { registerExpiresSec: 60, stations: [{ extension: '2001', secret: 's', port: 1 }] });
  try {
    await waitFor(() => gw.registrations()[0]?.state === 'registered', 3000, 'registered');
    const asked = pbx.received('REGISTER').map((r) => r.expires);
    assert.deepEqual(asked, [60, 60, 600, 600], 'challenge, 423, challenge, accepted');
    const n = pbx.received('REGISTER').length;
    await waitFor(() => pbx.received('REGISTER').length >= n + 2, 2500, 'the refresh');
    assert.equal(pbx.received('REGISTER').at(-1)!.expires, 600, 'the refresh asks 600 at once');
  } finally {
    await gw.stop();
    await pbx.close();
  }
});

test('on an in-memory network with a fake clock, a silent PBX fails the registration after Timer F (64·T1 = 32 s) with REGISTER retransmitted per Timer E', async () => {
  const clock = new FakeClock();
  const net = new FakeNetwork({ clock });
  net.endpoint({ transport: 'udp', address: '127.0.0.1', port: 5060 }, { onMessage() {} });
  const gw = await GatewayUserAgent.start({
    bindAddress: '127.0.0.1', port: 5062, pbx: { host: '127.0.0.1', port: 5060 }, domain: 'hotline',
    stations: [{ extension: '2001', secret: 's', port: 1 }], law: 'alaw', ports: new RecordingPorts(), clock,
  }, { listen: async (events) => net.endpoint({ transport: 'udp', address: '127.0.0.1', port: 5062 }, events) });
  try {
    clock.advance(31_900);
    assert.equal(gw.registrations()[0]!.state, 'registering');
    clock.advance(200);
    assert.equal(gw.registrations()[0]!.state, 'failed');
    assert.equal(gw.registrations()[0]!.lastError, 'no answer from the PBX at 127.0.0.1:5060');
    // Timer E (RFC 3261 §17.1.2.2): 0, 0.5, 1.5, 3.5, 7.5, then every 4 s up to 32 s: 11 sends.
    const sent = net.sentTo({ address: '127.0.0.1', port: 5060 }).filter((p) => p.firstLine.startsWith('REGISTER'));
    assert.equal(sent.length, 11);
    assert.equal(sent[0]!.data.toString().includes('Contact: <sip:2001@127.0.0.1:5062>'), true);
  } finally {
    await gw.stop();
  }
});
