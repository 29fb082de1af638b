import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecords } from '../../src/records/index.ts';
import { FaultService, FaultStore, InspectionService, InspectionStore, faultReportPdf, inspectionReportPdf } from '../../src/maintenance/index.ts';
import { chartRange } from '../../src/maintenance/pdf/line-chart.ts';
import { fakeProbes, TINY_PNG } from './fake-probes.ts';

async function bytes(doc: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of doc) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const pages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

test('the Chinese inspection report embeds Noto Sans CJK, both signature images and runs to several pages', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'insp-pdf-'));
  const records = openRecords(':memory:');
  try {
    let t = Date.parse('2026-05-01T02:00:00Z');
    const svc = new InspectionService({ store: new InspectionStore(records), probes: fakeProbes({ now: () => t }), now: () => t, dir });
    svc.ensureDefaultTemplate();
    let id = 0;
    for (let q = 0; q < 2; q++) {
      const run = await svc.start('quarterly', '机房', 'eng');
      for (const r of run.results.filter((x) => x.status === 'pending')) svc.recordManual(run.id, r.itemId, { value: '正常', status: 'pass' });
      svc.sign(run.id, 'engineer', '李工', TINY_PNG);
      svc.sign(run.id, 'customer', '王经理', TINY_PNG);
      id = run.id;
      t += 90 * 86_400_000;
    }
    const run = svc.get(id);
    const signatures = run.signatures.map((s) => ({ ...s, png: svc.store.signaturePng(id, s.signer)! }));
    const zh = await bytes(inspectionReportPdf({ run, trends: svc.trends(id), signatures, lang: 'zh-CN', timeZone: 'Asia/Shanghai', productVersion: '0.1.0' }));
    assert.equal(zh.subarray(0, 5).toString(), '%PDF-');
    assert.match(zh.toString('latin1'), /NotoSansCJKsc-Regular/, 'the CJK face is embedded');
    // Each signature is an image plus its alpha mask (the canvas PNG is RGBA).
    assert.equal((zh.toString('latin1').match(/\/SMask \d+ 0 R/g) ?? []).length, 2, 'both signatures drawn');
    assert.ok(pages(zh) >= 4, `${pages(zh)} pages`);
    const en = await bytes(inspectionReportPdf({ run, trends: [], signatures: [], lang: 'en', timeZone: 'UTC', productVersion: '0.1.0' }));
    assert.ok(pages(en) >= 3);
  } finally {
    records.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the fault-handling report renders in both languages', async () => {
  const records = openRecords(':memory:');
  try {
    const svc = new FaultService(new FaultStore(records), () => Date.parse('2026-05-01T02:00:00Z'));
    const r = svc.create({ title: '中继中断', level: 1, occurredAt: Date.parse('2026-05-01T01:00:00Z'), steps: '1. 检查\n2. 重启' }, 'eng');
    for (const lang of ['zh-CN', 'en'] as const) {
      const pdf = await bytes(faultReportPdf(r, lang, 'Asia/Shanghai'));
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      assert.equal(pages(pdf), 1);
    }
  } finally {
    records.close();
  }
});

test('chart ranges include the threshold lines and never collapse to zero height', () => {
  assert.deepEqual(chartRange([5, 5]), { min: 3.8, max: 6.2 });
  const r = chartRange([10, 20], [90]);
  assert.ok(r.max >= 90 && r.min <= 10 && r.min >= 0);
  assert.equal(chartRange([0.1, 3]).min, 0, 'a non-negative series is not padded below zero');
  assert.deepEqual(chartRange([null, null]), { min: 0, max: 1 });
});
