import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bench } from './harness.ts';

const skills = [{ name: 'billing' }, { name: 'repair' }, { name: 'english' }];

test('skills: the idle agent with the best match wins; agents without the skill or below the level are never offered', () => {
  const b = new Bench({
    skills,
    queues: [{ name: 'q', requiredSkills: [{ skill: 'billing', minLevel: 3 }] }],
    agents: [
      { number: '8001', skills: [{ skill: 'billing', level: 2 }], queues: [{ queue: 'q' }] },
      { number: '8002', skills: [{ skill: 'billing', level: 4 }], queues: [{ queue: 'q' }] },
      { number: '8003', skills: [{ skill: 'billing', level: 9 }], queues: [{ queue: 'q' }] },
      { number: '8004', skills: [{ skill: 'repair', level: 9 }], queues: [{ queue: 'q' }] },
    ],
  });
  b.login('8001', '8002', '8003', '8004');
  b.join('c1', 'q').join('c2', 'q').join('c3', 'q');
  assert.deepEqual(b.offers(), [['c1', '8003'], ['c2', '8002']]);
  assert.equal(b.engine.position('c3'), 1);
});

test('skills: a caller may need more than the queue asks (from the IVR); the higher level of the two counts', () => {
  const b = new Bench({
    skills,
    queues: [{ name: 'q', requiredSkills: [{ skill: 'billing', minLevel: 3 }] }],
    agents: [
      { number: '8001', skills: [{ skill: 'billing', level: 9 }], queues: [{ queue: 'q' }] },
      { number: '8002', skills: [{ skill: 'billing', level: 3 }, { skill: 'english', level: 5 }], queues: [{ queue: 'q' }] },
    ],
  });
  b.login('8001', '8002');
  b.join('en', 'q', { skills: [{ skill: 'english', minLevel: 4 }] });
  assert.deepEqual(b.offers(), [['en', '8002']]);
});

test('relaxation: after 30 s the level drops by one, after 60 s any agent of the queue will do', () => {
  const b = new Bench({
    skills,
    queues: [{
      name: 'q', requiredSkills: [{ skill: 'repair', minLevel: 5 }],
      relaxation: [{ afterSec: 30, lowerLevelsBy: 1 }, { afterSec: 60, anyAgent: true }],
    }],
    agents: [
      { number: '8001', skills: [{ skill: 'repair', level: 4 }], queues: [{ queue: 'q' }] },
      { number: '8002', skills: [{ skill: 'billing', level: 9 }], queues: [{ queue: 'q' }] },
    ],
  });
  b.login('8001', '8002');
  b.join('c1', 'q').join('c2', 'q');
  b.advanceSec(29.999);
  assert.deepEqual(b.offers(), []);
  b.advanceSec(0.001);
  assert.deepEqual(b.offers(), [['c1', '8001']]);
  b.answer('8001', 'c1');
  b.advanceSec(29.999);
  assert.deepEqual(b.offers(), [['c1', '8001']]);
  b.advanceSec(0.001);
  assert.deepEqual(b.offers(), [['c1', '8001'], ['c2', '8002']]);
});

test('relaxation keeps counting while the caller rings an agent, and applies when it is back in the queue', () => {
  const b = new Bench({
    skills,
    queues: [{ name: 'q', ringTimeoutSec: 40, requiredSkills: [{ skill: 'repair', minLevel: 5 }], relaxation: [{ afterSec: 20, anyAgent: true }] }],
    agents: [
      { number: '8001', skills: [{ skill: 'repair', level: 5 }], queues: [{ queue: 'q' }] },
      { number: '8002', queues: [{ queue: 'q' }] },
    ],
  });
  b.login('8001', '8002');
  b.join('c1', 'q');
  assert.deepEqual(b.offers(), [['c1', '8001']]);
  b.advanceSec(40);
  assert.deepEqual(b.offers(), [['c1', '8001'], ['c1', '8002']]);
});
