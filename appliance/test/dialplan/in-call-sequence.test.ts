import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InCallSequenceDetector } from '../../src/dialplan/index.ts';

const TABLE = { '*41': 'start', '*42': 'stop', '*43': 'pause', '*44': 'resume' } as const;
type Action = (typeof TABLE)[keyof typeof TABLE];

/** Feeds `keys` 200 ms apart from `t0`; returns what fired, in order. */
function feed(d: InCallSequenceDetector<Action>, keys: string, t0 = 0, gapMs = 200): Action[] {
  const out: Action[] = [];
  [...keys].forEach((k, i) => { const r = d.push(k, t0 + i * gapMs); if (r) out.push(r); });
  return out;
}

test('fires each code once when its last key arrives', () => {
  const d = new InCallSequenceDetector<Action>(TABLE);
  assert.deepEqual(feed(d, '*41'), ['start']);
  assert.deepEqual(feed(d, '*43*44*42', 10_000), ['pause', 'resume', 'stop']);
});

test('digits meant for the far end are ignored, and a code keyed right after them still fires', () => {
  const d = new InCallSequenceDetector<Action>(TABLE);
  assert.deepEqual(feed(d, '4111111111111111'), [], 'a card number alone is no code');
  assert.deepEqual(feed(d, '12*4*43', 10_000), ['pause'], 'a * in the middle of a broken sequence starts a new one');
  assert.deepEqual(feed(d, '*45*41', 20_000), ['start'], '*45 is no code; the sequence starts over at the next *');
  assert.deepEqual(feed(d, '**41', 30_000), ['start'], 'a repeated * restarts');
});

test('keys further apart than the inter-digit time start over', () => {
  const d = new InCallSequenceDetector<Action>(TABLE, 1000);
  assert.deepEqual(feed(d, '*41', 0, 1500), [], 'too slow');
  assert.deepEqual(feed(d, '*41', 10_000, 900), ['start'], 'within the limit');
  d.push('*', 20_000);
  d.push('4', 20_100);
  d.reset();
  assert.equal(d.push('1', 20_200), undefined, 'reset forgets the sequence in progress');
});

test('a table that could never fire is refused when it is built', () => {
  assert.throws(() => new InCallSequenceDetector({ '41': 'x' }), /must be \* followed by keys/);
  assert.throws(() => new InCallSequenceDetector({ '*4': 'x', '*41': 'y' }), /start of a longer code/);
});
