import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openRecords } from '../../src/records/index.ts';
import { FaultService } from '../../src/maintenance/fault/fault-service.ts';
import { FaultStore } from '../../src/maintenance/fault/fault-store.ts';
import { faultTiming, formatDuration } from '../../src/maintenance/fault/fault-timing.ts';
import { DEFAULT_TARGETS } from '../../src/maintenance/fault/fault-types.ts';
import { MaintenanceError } from '../../src/maintenance/text.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-11-30T08:00:00Z');

function setup() {
  const records = openRecords(':memory:');
  let t = T0;
  const svc = new FaultService(new FaultStore(records), () => t);
  return { svc, at: (ms: number) => { t = ms; }, done: () => records.close() };
}

test('numbers run FR-<year>-0001 upwards and restart with the year of the report', () => {
  const { svc, done } = setup();
  try {
    const a = svc.create({ title: 'trunk down', level: 1, occurredAt: T0 - H }, 'eng');
    const b = svc.create({ title: 'port noisy', level: 3, occurredAt: T0 - H }, 'eng');
    const old = svc.create({ title: 'last year', level: 4, occurredAt: Date.parse('2025-12-30T00:00:00Z'), reportedAt: Date.parse('2025-12-31T00:00:00Z') }, 'eng');
    assert.deepEqual([a.number, b.number, old.number], ['FR-2026-0001', 'FR-2026-0002', 'FR-2025-0001']);
    assert.equal(a.state, 'reported');
  } finally {
    done();
  }
});

test('a level-1 report not responded to within 2 h is overdue; responding in time clears the respond milestone', () => {
  const { svc, at, done } = setup();
  try {
    const r = svc.create({ title: 'all lines dead', level: 1, occurredAt: T0 - 10 * 60_000, contactName: 'Zhang' }, 'eng');
    at(T0 + 90 * 60_000);
    let v = svc.get(r.id);
    assert.equal(v.timing.overdue, false);
    assert.equal(v.timing.milestones.find((m) => m.id === 'respond')!.elapsedMs, 90 * 60_000);
    at(T0 + 2 * H + 1);
    v = svc.get(r.id);
    assert.equal(v.timing.overdue, true, 'past 2 h without a response');
    assert.equal(svc.list()[0]!.timing.overdue, true, 'the list flags it');
    v = svc.transition(r.id, 'responding', T0 + 60 * 60_000);
    assert.equal(v.respondedAt, T0 + 60 * 60_000, 'the engineer may enter the real response time');
    const respond = v.timing.milestones.find((m) => m.id === 'respond')!;
    assert.equal(respond.late, false);
    assert.equal(v.timing.overdue, false, 'on-site (4 h) is not due yet');
    at(T0 + 5 * H);
    v = svc.get(r.id);
    assert.deepEqual(v.timing.milestones.filter((m) => m.overdue).map((m) => m.id), ['on-site', 'diagnose']);
    v = svc.transition(r.id, 'on-site');
    v = svc.transition(r.id, 'resolved');
    assert.equal(v.diagnosedAt, T0 + 5 * H, 'diagnosed at resolution when not entered');
    assert.equal(v.timing.overdue, false, 'nothing open');
    assert.equal(v.timing.breached, true, 'but it arrived and diagnosed late');
    assert.throws(() => svc.transition(r.id, 'closed'), /needs a result/);
    svc.update(r.id, { result: 'trunk card reseated', prevention: 'check card seating each quarter' });
    v = svc.transition(r.id, 'closed');
    assert.equal(v.state, 'closed');
    at(T0 + 100 * H);
    assert.equal(svc.get(r.id).timing.elapsedMs, 5 * H, 'elapsed stops at closing');
    assert.throws(() => svc.update(r.id, { title: 'x' }), (e: unknown) => e instanceof MaintenanceError && e.kind === 'conflict');
  } finally {
    done();
  }
});

test('states only move forward; a remote fix may skip on-site and then has no arrival target', () => {
  const { svc, at, done } = setup();
  try {
    const r = svc.create({ title: 'IVR prompt wrong', level: 3, occurredAt: T0 }, 'eng');
    assert.throws(() => svc.transition(r.id, 'resolved'), /cannot go from reported to resolved/);
    at(T0 + H);
    svc.transition(r.id, 'responding');
    assert.throws(() => svc.transition(r.id, 'reported'), /cannot go/);
    assert.throws(() => svc.transition(r.id, 'resolved', T0 + 2 * H), /future/);
    assert.throws(() => svc.transition(r.id, 'resolved', T0 + 30 * 60_000), /before the previous step/);
    const v = svc.transition(r.id, 'resolved');
    assert.equal(v.timing.milestones.some((m) => m.id === 'on-site'), false);
    assert.equal(v.timing.breached, false);
  } finally {
    done();
  }
});

test('targets are configurable per level and validated; faultTiming is pure over the clock', () => {
  const { svc, done } = setup();
  try {
    assert.deepEqual(svc.targets(), DEFAULT_TARGETS);
    const t = structuredClone(DEFAULT_TARGETS);
    t[2].respondH = 1;
    svc.setTargets(t);
    assert.equal(svc.targets()[2].respondH, 1);
    const bad = structuredClone(DEFAULT_TARGETS);
    bad[1].respondH = -1;
    assert.throws(() => svc.setTargets(bad), /positive/);
    const r = svc.create({ title: 'x', level: 2, occurredAt: T0 }, 'eng');
    assert.equal(faultTiming(r, svc.targets(), T0 + H + 1).overdue, true);
    assert.equal(faultTiming(r, DEFAULT_TARGETS, T0 + H + 1).overdue, false);
    assert.throws(() => svc.create({ title: 'x', level: 2, occurredAt: T0 + H }, 'eng'), /after it was reported/);
    assert.throws(() => svc.create({ title: ' ', level: 2, occurredAt: T0 }, 'eng'), /title/);
    assert.equal(formatDuration(26 * H + 5 * 60_000, 'en'), '1 d 2 h 05 min');
    assert.equal(formatDuration(3 * H, 'zh-CN'), '3小时00分');
  } finally {
    done();
  }
});
