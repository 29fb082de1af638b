import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { AuthBanList } from '../../../src/sip/auth/auth-ban.ts';

function fakeClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

describe('AuthBanList', () => {
  test('bans a source after `limit` failures within the window and reports it through onBan', () => {
    const clock = fakeClock();
    const bans: Array<[string, number, number]> = [];
    const list = new AuthBanList({ limit: 3, windowSec: 60, banSec: 600, now: clock.now, onBan: (a, u, f) => bans.push([a, u, f]) });
    assert.deepEqual(list.recordFailure('10.0.0.9'), { banned: false });
    clock.advance(10_000);
    assert.deepEqual(list.recordFailure('10.0.0.9'), { banned: false });
    assert.equal(list.isBanned('10.0.0.9'), false);
    clock.advance(10_000);
    assert.deepEqual(list.recordFailure('10.0.0.9'), { banned: true });
    assert.equal(list.isBanned('10.0.0.9'), true);
    assert.deepEqual(bans, [['10.0.0.9', clock.now() + 600_000, 3]]);
    assert.deepEqual(list.banned(), [{ address: '10.0.0.9', until: clock.now() + 600_000 }]);
  });

  test('does not ban when the same number of failures is spread wider than the window', () => {
    const clock = fakeClock();
    const list = new AuthBanList({ limit: 3, windowSec: 60, banSec: 600, now: clock.now });
    for (let i = 0; i < 10; i++) {
      assert.deepEqual(list.recordFailure('10.0.0.9'), { banned: false });
      clock.advance(31_000); // at most two failures ever fall in one 60 s window
    }
    assert.equal(list.isBanned('10.0.0.9'), false);
  });

  test('a ban expires after banSec and the source starts from zero', () => {
    const clock = fakeClock();
    const list = new AuthBanList({ limit: 2, windowSec: 60, banSec: 300, now: clock.now });
    list.recordFailure('a');
    list.recordFailure('a');
    assert.equal(list.isBanned('a'), true);
    clock.advance(299_999);
    assert.equal(list.isBanned('a'), true);
    clock.advance(1);
    assert.equal(list.isBanned('a'), false);
    assert.deepEqual(list.banned(), []);
    assert.deepEqual(list.recordFailure('a'), { banned: false });
  });

  test('failures of one source do not affect another', () => {
    const clock = fakeClock();
    const list = new AuthBanList({ limit: 2, windowSec: 60, banSec: 300, now: clock.now });
    list.recordFailure('a');
    list.recordFailure('b');
    list.recordFailure('a');
    assert.equal(list.isBanned('a'), true);
    assert.equal(list.isBanned('b'), false);
  });

  test('recordSuccess clears the failure count', () => {
    const clock = fakeClock();
    const list = new AuthBanList({ limit: 2, windowSec: 60, banSec: 300, now: clock.now });
    list.recordFailure('a');
    list.recordSuccess('a');
    assert.deepEqual(list.recordFailure('a'), { banned: false });
  });

  test('exempt sources are never counted nor banned', () => {
    const list = new AuthBanList({ limit: 1, windowSec: 60, banSec: 300, exempt: (a) => a === '127.0.0.1' });
    assert.deepEqual(list.recordFailure('127.0.0.1'), { banned: false });
    assert.equal(list.isBanned('127.0.0.1'), false);
    assert.deepEqual(list.recordFailure('10.0.0.1'), { banned: true });
  });

  test('memory stays bounded by maxSources under a spray from many addresses, evicting the least recently touched', () => {
    const clock = fakeClock();
    const list = new AuthBanList({ limit: 3, windowSec: 60, banSec: 300, now: clock.now, maxSources: 100 });
    list.recordFailure('keep');
    for (let i = 0; i < 10_000; i++) {
      list.recordFailure(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      if (i % 50 === 0) list.recordFailure('keep'); // touched often enough to survive until banned
      assert.ok(list.trackedSources() <= 100);
    }
    assert.equal(list.trackedSources(), 100);
    assert.equal(list.isBanned('keep'), true);
    // Bans are bounded too.
    const banning = new AuthBanList({ limit: 1, windowSec: 60, banSec: 300, now: clock.now, maxSources: 10 });
    for (let i = 0; i < 50; i++) banning.recordFailure(`b${i}`);
    assert.equal(banning.banned().length, 10);
    assert.equal(banning.isBanned('b49'), true);
    assert.equal(banning.isBanned('b0'), false);
  });

  test('updatePolicy applies the new limit to later failures and keeps running bans', () => {
    const clock = fakeClock();
    const list = new AuthBanList({ limit: 5, windowSec: 60, banSec: 300, now: clock.now });
    list.recordFailure('x');
    list.recordFailure('x');
    list.updatePolicy({ limit: 1, windowSec: 60, banSec: 300 });
    list.recordFailure('a');
    assert.equal(list.isBanned('a'), true);
    list.updatePolicy({ limit: 3, windowSec: 60, banSec: 10 });
    assert.equal(list.isBanned('a'), true);
    assert.deepEqual(list.recordFailure('x'), { banned: true }); // two earlier + this one reach the new limit of 3
  });

  test('rejects a nonsensical policy', () => {
    assert.throws(() => new AuthBanList({ limit: 0, windowSec: 60, banSec: 300 }), RangeError);
  });
});
