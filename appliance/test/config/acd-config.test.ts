import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigValidationError, acdSettings, defaultConfig, validateConfig } from '../../src/config/index.ts';

function errorsOf(value: unknown): Array<{ path: string; message: string }> {
  try {
    validateConfig(value);
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError);
    return err.errors;
  }
  assert.fail('expected ConfigValidationError');
}

const base = () => ({ ...defaultConfig(), extensions: [{ number: '1001', secret: 'abcdefgh' }] });

const goodAcd = {
  skills: [{ name: 'billing', zh: '账单', en: 'Billing' }, { name: 'repair' }],
  queues: [
    {
      name: 'repair', strategy: 'round-robin', requiredSkills: [{ skill: 'repair', minLevel: 3 }],
      relaxation: [{ afterSec: 60, anyAgent: true }, { afterSec: 30, lowerLevelsBy: 1 }],
      overflow: { kind: 'queue', name: 'general' }, vipNumbers: ['13800000000'], vipIvrDigit: '9',
    },
    { name: 'general', overflow: { kind: 'extension', number: '1001' } },
  ],
  agents: [
    { number: '8001', name: '张三', pin: '1234', skills: [{ skill: 'repair', level: 5 }], queues: [{ queue: 'repair', penalty: 1 }, { queue: 'general' }] },
    { number: '8002', queues: [{ queue: 'general' }] },
  ],
  notReadyReasons: [{ code: 'break', zh: '小休', en: 'Break' }],
};

test('acd: a full section validates and acdSettings fills every default (relaxation sorted, no-answer and supervisor reasons added)', () => {
  const cfg = validateConfig({ ...base(), acd: goodAcd });
  const s = acdSettings(cfg);
  const repair = s.queues[0]!;
  assert.equal(repair.strategy, 'round-robin');
  assert.equal(repair.ringTimeoutSec, 15);
  assert.equal(repair.wrapUpSec, 10);
  assert.equal(repair.joinEmpty, 'always');
  assert.equal(repair.noAnswer, 'not-ready');
  assert.deepEqual(repair.relaxation.map((r) => r.afterSec), [30, 60]);
  assert.deepEqual(s.queues[1]!.requiredSkills, []);
  assert.deepEqual(s.agents[1], { number: '8002', name: '8002', skills: [], queues: [{ queue: 'general', penalty: 0 }] });
  assert.deepEqual(s.agents[0]!.queues, [{ queue: 'repair', penalty: 1 }, { queue: 'general', penalty: 0 }]);
  assert.deepEqual(s.notReadyReasons.map((r) => r.code), ['break', 'no-answer', 'supervisor']);
  assert.deepEqual(s.supervisors, []);
});

test('acd: no section means no queues and the default reasons, and the default config stays valid', () => {
  const s = acdSettings(validateConfig(defaultConfig()));
  assert.deepEqual(s.queues, []);
  assert.deepEqual(s.agents, []);
  assert.ok(s.notReadyReasons.some((r) => r.code === 'break' && r.zh === '小休'));
  assert.ok(s.notReadyReasons.some((r) => r.code === 'no-answer'));
});

test('acd: unknown skills, duplicate agent numbers, missing overflow queues and extensions are reported with their paths', () => {
  const errs = errorsOf({
    ...base(),
    acd: {
      skills: [{ name: 'billing' }, { name: 'billing' }],
      queues: [
        { name: 'a', requiredSkills: [{ skill: 'gas', minLevel: 2 }], overflow: { kind: 'queue', name: 'nowhere' } },
        { name: 'b', overflow: { kind: 'extension', number: '2002' } },
        { name: 'c', overflow: { kind: 'queue', name: 'c' } },
        { name: 'a' },
      ],
      agents: [
        { number: '8001', skills: [{ skill: 'water', level: 3 }, { skill: 'billing', level: 2 }, { skill: 'billing', level: 4 }], queues: [{ queue: 'zz' }] },
        { number: '8001', queues: [{ queue: 'a' }, { queue: 'a' }] },
      ],
      notReadyReasons: [{ code: 'x', zh: '一', en: 'one' }, { code: 'x', zh: '二', en: 'two' }],
    },
  });
  const paths = errs.map((e) => e.path).sort();
  assert.deepEqual(paths, [
    '/acd/agents/0/queues/0/queue',
    '/acd/agents/0/skills/0/skill',
    '/acd/agents/0/skills/2/skill',
    '/acd/agents/1/number',
    '/acd/agents/1/queues/1/queue',
    '/acd/notReadyReasons/1/code',
    '/acd/queues/0/overflow/name',
    '/acd/queues/0/requiredSkills/0/skill',
    '/acd/queues/1/overflow/number',
    '/acd/queues/2/overflow/name',
    '/acd/queues/3/name',
    '/acd/skills/1/name',
  ], JSON.stringify(errs, null, 1));
  assert.match(errs.find((e) => e.path === '/acd/agents/1/number')!.message, /duplicates agent 8001/);
  assert.match(errs.find((e) => e.path === '/acd/queues/0/requiredSkills/0/skill')!.message, /names no skill/);
});

test('acd: schema rejects bad shapes (unknown strategy, level out of range, bad pin, unknown field)', () => {
  const errs = errorsOf({
    ...base(),
    acd: {
      skills: [{ name: 'billing' }],
      queues: [{ name: 'q', strategy: 'leastrecent', requiredSkills: [{ skill: 'billing', minLevel: 11 }], colour: 'red' }],
      agents: [{ number: '8001', pin: '12', queues: [] }],
    },
  });
  const paths = errs.map((e) => e.path);
  assert.ok(paths.includes('/acd/queues/0/strategy'), JSON.stringify(errs));
  assert.ok(paths.includes('/acd/queues/0/requiredSkills/0/minLevel'), JSON.stringify(errs));
  assert.ok(paths.includes('/acd/queues/0/colour'), JSON.stringify(errs));
  assert.ok(paths.includes('/acd/agents/0/pin'), JSON.stringify(errs));
});

test('acd: overflow chains between queues must not loop', () => {
  const errs = errorsOf({
    ...base(),
    acd: {
      queues: [
        { name: 'a', overflow: { kind: 'queue', name: 'b' } },
        { name: 'b', overflow: { kind: 'queue', name: 'c' } },
        { name: 'c', overflow: { kind: 'queue', name: 'a' } },
        { name: 'd', overflow: { kind: 'queue', name: 'a' } },
      ],
    },
  });
  assert.deepEqual(errs.map((e) => e.path).sort(), ['/acd/queues/0/overflow/name', '/acd/queues/1/overflow/name', '/acd/queues/2/overflow/name']);
  assert.match(errs[0]!.message, /loop/);
  validateConfig({ ...base(), acd: { queues: [{ name: 'a', overflow: { kind: 'queue', name: 'b' } }, { name: 'b', overflow: { kind: 'queue', name: 'c' } }, { name: 'c' }] } });
});
