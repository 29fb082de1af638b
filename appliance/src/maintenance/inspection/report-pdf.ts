import { ensureSpace, FONT, formatTime, heading, newDocument, PAGE, pageNumbers, STATUS_COLOR, table } from '../pdf/pdf-document.ts';
import { lineChart } from '../pdf/line-chart.ts';
import { pick, type Bilingual, type ReportLanguage } from '../text.ts';
import type { TrendSeries } from './inspection-service.ts';
import type { ItemResult, RiskLevel, Run, SignatureInfo, Signer } from './inspection-store.ts';
import type { ChecklistItem } from './template-types.ts';
import { thresholdText } from './thresholds.ts';

/** Everything the report shows; the caller gathers it so this file does no I/O. */
export interface InspectionReportInput {
  run: Run;
  trends: TrendSeries[];
  signatures: Array<SignatureInfo & { png: Buffer }>;
  lang: ReportLanguage;
  /** Site time zone for every printed time. */
  timeZone: string;
  productVersion: string;
}

const L = {
  report: { zh: '巡检报告', en: 'Inspection report' },
  site: { zh: '站点', en: 'Site' },
  run: { zh: '巡检编号', en: 'Run' },
  started: { zh: '开始时间', en: 'Started' },
  engineer: { zh: '巡检工程师', en: 'Engineer' },
  state: { zh: '状态', en: 'State' },
  template: { zh: '检查表', en: 'Checklist' },
  product: { zh: '产品版本', en: 'Product version' },
  summary: { zh: '概要', en: 'Summary' },
  items: { zh: '检查项', en: 'Items' },
  item: { zh: '项目', en: 'Item' },
  value: { zh: '测量值', en: 'Measured' },
  limit: { zh: '阈值/标准', en: 'Threshold / expected' },
  status: { zh: '结果', en: 'Status' },
  note: { zh: '说明', en: 'Note' },
  findings: { zh: '发现的问题', en: 'Findings' },
  risk: { zh: '风险', en: 'Risk' },
  description: { zh: '问题描述', en: 'Description' },
  remediation: { zh: '整改措施', en: 'Remediation' },
  none: { zh: '无', en: 'None' },
  trends: { zh: '趋势（历次巡检）', en: 'Trends across inspections' },
  signatures: { zh: '签字', en: 'Signatures' },
  signedAt: { zh: '签字时间', en: 'Signed at' },
  unsigned: { zh: '未签字', en: 'Not signed' },
  count: { zh: '数量', en: 'Count' },
  photos: { zh: '照片', en: 'photos' },
} satisfies Record<string, Bilingual>;

/** Status and other enum words in both languages. */
export const STATUS_TEXT: Record<ItemResult['status'], Bilingual> = {
  pass: { zh: '正常', en: 'Pass' }, warn: { zh: '警告', en: 'Warn' }, fail: { zh: '异常', en: 'Fail' }, na: { zh: '不可用', en: 'N/A' }, pending: { zh: '未填写', en: 'Pending' },
};
const RISK_TEXT: Record<RiskLevel, Bilingual> = { low: { zh: '低', en: 'Low' }, medium: { zh: '中', en: 'Medium' }, high: { zh: '高', en: 'High' }, critical: { zh: '严重', en: 'Critical' } };
const STATE_TEXT: Record<Run['state'], Bilingual> = { draft: { zh: '草稿', en: 'Draft' }, signed: { zh: '已签字', en: 'Signed' }, closed: { zh: '已归档', en: 'Closed' } };
const SIGNER_TEXT: Record<Signer, Bilingual> = { engineer: { zh: '巡检工程师', en: 'Engineer' }, customer: { zh: '客户负责人', en: "Customer's owner" } };

/** The value column: number with unit, or text; plus the probe's detail. */
function valueText(item: ChecklistItem, r: ItemResult | undefined, lang: ReportLanguage): string {
  if (!r) return '—';
  const v = r.valueNum !== null ? `${r.valueNum}${item.unit ? ` ${item.unit}` : ''}` : (r.valueText ?? '—');
  return r.detail ? `${v}\n${pick(r.detail, lang)}` : v;
}

function limitText(item: ChecklistItem, lang: ReportLanguage): string {
  return item.kind === 'automatic' ? thresholdText(item.threshold, item.unit) : pick(item.expected, lang);
}

/**
 * Renders the inspection report: cover, summary (counts by status, findings by risk), every item
 * with value/threshold/status, findings, trend charts of numeric items over the last runs, and
 * the two signatures with their drawn images. Returns the ended document (a readable stream).
 */
export function inspectionReportPdf(input: InspectionReportInput): PDFKit.PDFDocument {
  const { run, lang, timeZone } = input;
  const t = (b: Bilingual) => pick(b, lang);
  const name = t(run.template.name);
  const doc = newDocument(lang, { title: `${t(L.report)} #${run.id} ${name}`, author: run.startedBy });
  const width = PAGE.width - 2 * PAGE.margin;

  // Cover.
  doc.font(FONT.bold).fontSize(28).text(t(L.report), PAGE.margin, 200, { width, align: 'center' });
  doc.moveDown(0.5).fontSize(18).text(name, { width, align: 'center' });
  doc.moveDown(2).font(FONT.regular).fontSize(12);
  const cover: Array<[Bilingual, string]> = [
    [L.site, run.site || '—'], [L.run, `#${run.id}`], [L.started, formatTime(run.startedAt, timeZone)], [L.engineer, run.startedBy],
    [L.state, t(STATE_TEXT[run.state])], [L.template, `${run.templateId} v${run.templateVersion}`], [L.product, `Hotline ${input.productVersion}`],
  ];
  const sep = lang === 'en' ? ': ' : '：';
  for (const [k, v] of cover) doc.text(`${t(k)}${sep}${v}`, PAGE.margin + 120, doc.y, { width: width - 240 });

  // Summary.
  doc.addPage();
  heading(doc, t(L.summary), 16);
  const statuses = ['pass', 'warn', 'fail', 'na', 'pending'] as const;
  table(doc, [{ header: t(L.status), width: 120 }, { header: t(L.count), width: 80 }],
    statuses.filter((s) => s !== 'pending' || run.counts.pending > 0).map((s) => ({ cells: [t(STATUS_TEXT[s]), String(run.counts[s])], colors: [STATUS_COLOR[s], undefined] })));
  doc.moveDown(0.8);
  const risks = ['critical', 'high', 'medium', 'low'] as const;
  table(doc, [{ header: `${t(L.findings)} · ${t(L.risk)}`, width: 120 }, { header: t(L.count), width: 80 }],
    risks.map((r) => ({ cells: [t(RISK_TEXT[r]), String(run.findings.filter((f) => f.risk === r).length)] })));

  // Items by section.
  heading(doc, t(L.items), 16);
  const results = new Map(run.results.map((r) => [r.itemId, r]));
  const cols = [{ header: t(L.item), width: 130 }, { header: t(L.value), width: 120 }, { header: t(L.limit), width: 95 }, { header: t(L.status), width: 50 }, { header: t(L.note), width: width - 395 }];
  for (const s of run.template.sections) {
    heading(doc, t(s.title), 12);
    table(doc, cols, s.items.map((item) => {
      const r = results.get(item.id);
      const status = r?.status ?? 'pending';
      const note = [r?.note ?? '', r && r.photos.length ? `(${r.photos.length} ${t(L.photos)})` : ''].filter(Boolean).join(' ');
      return { cells: [t(item.label), valueText(item, r, lang), limitText(item, lang), t(STATUS_TEXT[status]), note], colors: [undefined, undefined, undefined, STATUS_COLOR[status], undefined] };
    }));
  }

  // Findings.
  heading(doc, t(L.findings), 16);
  if (run.findings.length === 0) doc.fontSize(10).text(t(L.none));
  else {
    const labels = new Map(run.template.sections.flatMap((s) => s.items).map((i) => [i.id, t(i.label)]));
    table(doc, [{ header: t(L.risk), width: 50 }, { header: t(L.item), width: 100 }, { header: t(L.description), width: 170 }, { header: t(L.remediation), width: width - 320 }],
      run.findings.map((f) => ({ cells: [t(RISK_TEXT[f.risk]), f.itemId ? (labels.get(f.itemId) ?? f.itemId) : '—', f.description, f.remediation], colors: [f.risk === 'critical' || f.risk === 'high' ? STATUS_COLOR.fail : undefined] })));
  }

  // Trends: two charts per row.
  const charts = input.trends.filter((s) => s.points.filter((p) => p.value !== null).length >= 1);
  if (charts.length > 0) {
    heading(doc, t(L.trends), 16);
    const items = new Map(run.template.sections.flatMap((s) => s.items).map((i) => [i.id, i]));
    const cw = width / 2;
    const ch = 130;
    for (let i = 0; i < charts.length; i += 2) {
      ensureSpace(doc, ch + 10);
      const y = doc.y;
      for (let j = 0; j < 2 && i + j < charts.length; j++) {
        const s = charts[i + j]!;
        const item = items.get(s.itemId);
        const th = item?.kind === 'automatic' ? item.threshold : undefined;
        lineChart(doc, {
          title: t(s.label), unit: s.unit, labels: s.points.map((p) => formatTime(p.startedAt, timeZone).slice(0, 10)), values: s.points.map((p) => p.value), warn: th?.warn, fail: th?.fail,
        }, PAGE.margin + j * cw, y, cw - 10, ch);
      }
      doc.x = PAGE.margin;
      doc.y = y + ch + 10;
    }
  }

  // Signatures: heading and boxes kept on one page.
  ensureSpace(doc, 200);
  heading(doc, t(L.signatures), 16);
  const y = doc.y;
  (['engineer', 'customer'] as const).forEach((signer, i) => {
    const x = PAGE.margin + i * (width / 2);
    const s = input.signatures.find((x) => x.signer === signer);
    doc.font(FONT.bold).fontSize(10).text(t(SIGNER_TEXT[signer]), x, y, { width: width / 2 - 10 });
    doc.font(FONT.regular).fontSize(10);
    if (!s) {
      doc.fillColor('#888').text(t(L.unsigned), x, y + 16).fillColor('#000');
      return;
    }
    doc.text(s.name, x, y + 16);
    doc.fontSize(8.5).fillColor('#555').text(`${t(L.signedAt)}: ${formatTime(s.signedAt, timeZone)}`, x, y + 31).fillColor('#000');
    doc.rect(x, y + 46, width / 2 - 20, 90).lineWidth(0.5).strokeColor('#bbb').stroke();
    doc.image(s.png, x + 4, y + 50, { fit: [width / 2 - 28, 82] });
  });
  doc.x = PAGE.margin;
  doc.y = y + 145;

  pageNumbers(doc, `${t(L.report)} #${run.id} · ${name}`);
  doc.end();
  return doc;
}
