import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortPool } from '../../src/media-relay/port-pool.ts';

test('deals even RTP ports round-robin to the workers', () => {
  assert.equal(new PortPool(10000, 5, 0, 2).size, 3);
  assert.equal(new PortPool(10000, 5, 1, 2).size, 2);
});

test('hands out pairs in order, skips pairs that fail to bind, and reports exhaustion', async () => {
  const pool = new PortPool(10000, 3, 0, 1);
  const taken = new Set([10002]);
  const bind = async (p: number) => !taken.has(p);
  assert.deepEqual(await pool.acquire(bind), { port: 10000, failed: 0 });
  assert.deepEqual(await pool.acquire(bind), { port: 10004, failed: 1 });
  assert.deepEqual(await pool.acquire(bind), { port: null, failed: 1 });
  assert.equal(pool.pairsInUse, 2);
  pool.release(10000);
  pool.release(10000); // twice is harmless
  assert.equal(pool.pairsInUse, 1);
  assert.deepEqual(await pool.acquire(bind), { port: 10000, failed: 0 }); // the search wrapped round to the start
});

test('does not hand out a pair that a concurrent search is still binding', async () => {
  const pool = new PortPool(10000, 2, 0, 1);
  let release!: () => void;
  const slow = new Promise<boolean>((r) => { release = () => r(true); });
  const first = pool.acquire(() => slow);
  const second = await pool.acquire(async () => true);
  release();
  assert.equal(second.port, 10002);
  assert.equal((await first).port, 10000);
});
