import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DialPattern, DialPatternError } from '../../src/dialplan/index.ts';

test('fixed patterns: X, Z, N, sets and literals', () => {
  const p = new DialPattern('_9[1-3,7]NXX');
  assert.ok(p.matches('91255'));
  assert.ok(p.matches('97299'));
  assert.ok(!p.matches('94155'), '4 is not in [1-3,7]');
  assert.ok(!p.matches('91155'), 'N excludes 0 and 1');
  assert.deepEqual(p.match('91'), { full: false, canExtend: true });
  assert.deepEqual(p.match('91255'), { full: true, canExtend: false });
  assert.deepEqual(p.match('912550'), { full: false, canExtend: false });
  assert.equal(p.minLength, 5);
});

test('. needs at least one more character, ! none', () => {
  const dot = new DialPattern('0.');
  assert.deepEqual(dot.match('0'), { full: false, canExtend: true });
  assert.deepEqual(dot.match('01'), { full: true, canExtend: true });
  assert.deepEqual(dot.match('0123456789#'), { full: true, canExtend: true });
  assert.deepEqual(dot.match('1'), { full: false, canExtend: false });
  const bang = new DialPattern('9!');
  assert.deepEqual(bang.match('9'), { full: true, canExtend: true });
  assert.deepEqual(bang.match('95'), { full: true, canExtend: true });
  assert.equal(dot.minLength, 2);
  assert.equal(bang.minLength, 1);
});

test('emergency-style literal numbers match only themselves', () => {
  const p = new DialPattern('110');
  assert.ok(p.matches('110'));
  assert.ok(!p.matches('1100'));
  assert.deepEqual(p.match('11'), { full: false, canExtend: true });
});

test('the empty string is a prefix of every pattern', () => {
  assert.deepEqual(new DialPattern('XX').match(''), { full: false, canExtend: true });
  assert.deepEqual(new DialPattern('!').match(''), { full: true, canExtend: true });
});

test('malformed patterns are refused with a reason', () => {
  for (const bad of ['', '_', '9[12', '9.1', 'A1', '[]', '[5-1]']) {
    assert.throws(() => new DialPattern(bad), DialPatternError, bad);
  }
});
