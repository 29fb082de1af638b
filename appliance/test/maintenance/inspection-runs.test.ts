import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecords } from '../../src/records/index.ts';
import { InspectionService } from '../../src/maintenance/inspection/inspection-service.ts';
import { InspectionStore } from '../../src/maintenance/inspection/inspection-store.ts';
import { DEFAULT_TEMPLATE, DEFAULT_TEMPLATE_ID } from '../../src/maintenance/inspection/default-template.ts';
import type { AutomaticItem, ManualItem } from '../../src/maintenance/inspection/template-types.ts';
import { MaintenanceError } from '../../src/maintenance/text.ts';
import { fakeProbes, TINY_PNG } from './fake-probes.ts';


function setup(load = () => 12) {
  const dir = mkdtempSync(join(tmpdir(), 'insp-'));
  const records = openRecords(':memory:');
  let t = Date.parse('2026-11-30T08:00:00Z');
  const probes = fakeProbes({ now: () => t, host: async () => ({ cpuLoadPercent: load(), memoryUsedPercent: 50, disks: [{ mount: '/', usedPercent: 40 }], cpuTemperatureC: 50, smart: [{ device: '/dev/sda', status: 'Ok' }] }) });
  const svc = new InspectionService({ store: new InspectionStore(records), probes, now: () => t, dir });
  svc.ensureDefaultTemplate();
  return { svc, dir, advance: (ms: number) => { t += ms; }, done: () => { records.close(); rmSync(dir, { recursive: true, force: true }); } };
}

const manualIds = DEFAULT_TEMPLATE.sections.flatMap((s) => s.items).filter((i): i is ManualItem => i.kind === 'manual').map((i) => i.id);

test('editing a template keeps every version, and a run stays on the version it started with', async () => {
  const { svc, done } = setup();
  try {
    svc.ensureDefaultTemplate();
    assert.equal(svc.store.templateVersions(DEFAULT_TEMPLATE_ID).length, 1, 'the shipped template is inserted once');
    const run1 = await svc.start(DEFAULT_TEMPLATE_ID, 'HQ', 'eng');
    const edited = structuredClone(DEFAULT_TEMPLATE);
    (edited.sections[0]!.items[0] as AutomaticItem).threshold = { direction: 'max', warn: 5, fail: 10 };
    const v2 = svc.saveTemplate(DEFAULT_TEMPLATE_ID, edited, 'admin', 'stricter CPU');
    assert.equal(v2.version, 2);
    assert.deepEqual(svc.store.templateVersions(DEFAULT_TEMPLATE_ID).map((v) => [v.version, v.createdBy, v.comment]), [[2, 'admin', 'stricter CPU'], [1, 'system', 'shipped with the product']]);
    assert.deepEqual(svc.store.template(DEFAULT_TEMPLATE_ID, 1)!.definition, DEFAULT_TEMPLATE);
    assert.equal(svc.get(run1.id).templateVersion, 1);
    assert.equal(svc.get(run1.id).results.find((r) => r.itemId === 'cpu-load')!.status, 'pass');
    const run2 = await svc.start(DEFAULT_TEMPLATE_ID, 'HQ', 'eng');
    assert.equal(run2.templateVersion, 2);
    assert.equal(run2.results.find((r) => r.itemId === 'cpu-load')!.status, 'fail', 'the new limits judge the new run');
    assert.throws(() => svc.saveTemplate(DEFAULT_TEMPLATE_ID, { ...edited, sections: [] }, 'admin', ''), MaintenanceError);
    assert.equal(svc.store.templateVersions(DEFAULT_TEMPLATE_ID).length, 2, 'a refused edit stores nothing');
  } finally {
    done();
  }
});

test('a run goes draft → signed → closed: manual items and both signatures are required, then it is locked', async () => {
  const { svc, dir, done } = setup();
  try {
    const run = await svc.start(DEFAULT_TEMPLATE_ID, 'HQ', 'eng');
    assert.equal(run.state, 'draft');
    assert.equal(run.counts.pending, manualIds.length);
    assert.equal(run.results.find((r) => r.itemId === 'cpu-load')!.valueNum, 12);
    assert.throws(() => svc.sign(run.id, 'engineer', 'Li', TINY_PNG), /not recorded yet/);
    assert.throws(() => svc.recordManual(run.id, 'cpu-load', { value: '1', status: 'pass' }), /measured by the box/);
    for (const id of manualIds) svc.recordManual(run.id, id, { value: id === 'room-temp' ? '24.5' : 'ok', status: 'pass' });
    const photo = await svc.addPhoto(run.id, 'fans-dust', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100)]));
    assert.equal(photo, 'fans-dust-1.jpg');
    assert.equal(readFileSync(join(dir, String(run.id), photo)).length, 104);
    await assert.rejects(svc.addPhoto(run.id, 'fans-dust', Buffer.from('GIF89a')), /JPEG or PNG/);
    const f = svc.addFinding(run.id, { risk: 'high', itemId: 'fans-dust', description: 'dust on fan 2', remediation: 'clean' });
    assert.equal(svc.get(run.id).findings[0]!.id, f.id);
    assert.equal(svc.get(run.id).results.find((r) => r.itemId === 'room-temp')!.valueNum, 24.5);
    assert.throws(() => svc.sign(run.id, 'engineer', 'Li', Buffer.from('not a png')), /PNG/);
    let r = svc.sign(run.id, 'engineer', 'Li Gong', TINY_PNG);
    assert.equal(r.state, 'draft', 'one signature does not lock the run');
    assert.throws(() => svc.close(run.id), /only a signed run/);
    r = svc.sign(run.id, 'customer', 'Wang', TINY_PNG);
    assert.equal(r.state, 'signed');
    assert.ok(r.signedAt);
    assert.deepEqual(svc.store.signaturePng(run.id, 'customer'), TINY_PNG);
    assert.throws(() => svc.recordManual(run.id, 'room-temp', { value: '30', status: 'fail' }), (e: unknown) => e instanceof MaintenanceError && e.kind === 'conflict');
    assert.throws(() => svc.addFinding(run.id, { risk: 'low', description: 'late' }), /can no longer be changed/);
    r = svc.close(run.id);
    assert.equal(r.state, 'closed');
    assert.equal(svc.list()[0]!.state, 'closed');
  } finally {
    done();
  }
});

test('trends give each numeric item one point per run, oldest first, up to the run asked about', async () => {
  let load = 10;
  const { svc, advance, done } = setup(() => load);
  try {
    const ids: number[] = [];
    for (let q = 0; q < 4; q++) {
      const r = await svc.start(DEFAULT_TEMPLATE_ID, 'HQ', 'eng');
      svc.recordManual(r.id, 'room-temp', { value: String(20 + q), status: 'pass' });
      ids.push(r.id);
      load += 10;
      advance(91 * 86_400_000);
    }
    const cpu = svc.trends(ids[2]!).find((s) => s.itemId === 'cpu-load')!;
    assert.deepEqual(cpu.points.map((p) => p.value), [10, 20, 30]);
    assert.deepEqual(svc.trends(ids[3]!, 2).find((s) => s.itemId === 'room-temp')!.points.map((p) => p.value), [22, 23]);
    assert.equal(svc.trends(ids[3]!).find((s) => s.itemId === 'firmware'), undefined, 'text items have no trend');
  } finally {
    done();
  }
});
