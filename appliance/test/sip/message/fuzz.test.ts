// Property test: mutated torture messages never make parseDatagram throw or hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StreamParser, parseDatagram } from '../../../src/sip/message/index.ts';
import { loadFixtures } from './fixtures.ts';

const seeds = ['valid', 'semantics', 'transaction', 'compat'].flatMap((f) => loadFixtures(f).map((x) => x.bytes));
const KINDS = new Set(['message', 'incomplete', 'malformed', 'too-large']);

type Mutation = { op: 'flip'; at: number; value: number } | { op: 'truncate'; at: number } | { op: 'insert'; at: number; bytes: number[] } | { op: 'delete'; at: number; len: number };

// Bytes that matter to the grammar are drawn more often than chance would.
const interesting = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...Buffer.from('\r\n \t:;,<>"\\@=/%?0')));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), value: interesting }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(interesting, { minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 16 }) }),
);

function mutate(seed: Buffer, ms: Mutation[]): Buffer {
  let b = Buffer.from(seed);
  for (const m of ms) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    if (m.op === 'flip' && at < b.length) b[at] = m.value;
    else if (m.op === 'truncate') b = b.subarray(0, at);
    else if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
    else if (m.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
  }
  return b;
}

test('random byte flips, truncations, insertions and deletions of valid fixtures never throw from parseDatagram and finish fast', () => {
  fc.assert(
    fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (i, ms) => {
      const input = mutate(seeds[i]!, ms);
      // CPU time, not wall time: the bound catches a pathological (super-linear) parse, and a
      // busy machine preempting the test must not look like one.
      const t0 = process.cpuUsage();
      const r = parseDatagram(input);
      const cpu = process.cpuUsage(t0);
      assert.ok((cpu.user + cpu.system) / 1000 < 50, 'one parse took over 50 ms of CPU');
      assert.ok(KINDS.has(r.kind));
      assert.notEqual(r.kind, 'incomplete', 'a datagram is never incomplete');
      if (r.kind === 'message') {
        // The typed views validated at parse time must not throw afterwards.
        void r.message.via;
        void r.message.cseq;
        void r.message.toBuffer();
      }
    }),
    { numRuns: 3000 },
  );
});

test('the same mutations fed to a StreamParser in two chunks never throw', () => {
  fc.assert(
    fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.nat(), (i, ms, cut) => {
      const input = mutate(seeds[i]!, ms);
      const p = new StreamParser();
      const at = cut % (input.length + 1);
      const out = [...p.push(input.subarray(0, at)), ...p.push(input.subarray(at))];
      for (const r of out) assert.ok(KINDS.has(r.kind) && r.kind !== 'incomplete');
    }),
    { numRuns: 1000 },
  );
});
