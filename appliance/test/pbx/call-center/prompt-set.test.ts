import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PromptSet } from '../../../src/pbx/call-center/index.ts';

test('a prompt uploaded or deleted by another process is seen once the 2 s lookup cache expires', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prompt-set-'));
  try {
    let now = 0;
    const set = new PromptSet(dir, 'en', 2000, () => now);
    assert.equal(set.path('hello'), undefined);
    writeFileSync(join(dir, 'hello.wav'), 'x');
    now = 1500;
    assert.equal(set.path('hello'), undefined, 'still the cached answer');
    now = 2001;
    assert.equal(set.path('hello'), join(dir, 'hello.wav'));
    unlinkSync(join(dir, 'hello.wav'));
    set.forget();
    assert.equal(set.path('hello'), undefined, 'forget() drops it at once');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
