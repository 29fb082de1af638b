import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atReplyFramer } from '../src/serial/index.ts';

const frame = (s: string) => atReplyFramer(Buffer.from(s, 'latin1'));

test('AT replies end at a final result code or the > prompt', () => {
  assert.equal(frame('\r\nOK\r\n'), 6);
  assert.equal(frame('\r\n+CMGS: 12\r\n\r\nOK\r\n'), 19);
  assert.equal(frame('\r\n+CMS ERROR: 500\r\n'), 19);
  assert.equal(frame('\r\nERROR\r\n'), 9);
  assert.equal(frame('\r\n> '), 4);
  // Not yet whole: an intermediate result without its OK, an OK without its line end.
  assert.equal(frame('\r\n+CMGS: 12\r\n'), 0);
  assert.equal(frame('\r\nOK'), 0);
  assert.equal(frame(''), 0);
});
