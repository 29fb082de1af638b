import { FONT, formatTime, heading, newDocument, PAGE, pageNumbers, STATUS_COLOR, table } from '../pdf/pdf-document.ts';
import { pick, type Bilingual, type ReportLanguage } from '../text.ts';
import type { FaultReportView } from './fault-service.ts';
import { formatDuration, type MilestoneId } from './fault-timing.ts';
import type { FaultState } from './fault-types.ts';

const L = {
  title: { zh: '故障处理报告', en: 'Fault handling report' },
  basics: { zh: '基本信息', en: 'Overview' },
  number: { zh: '编号', en: 'Number' },
  subject: { zh: '故障现象', en: 'Fault' },
  level: { zh: '故障等级', en: 'Fault level' },
  state: { zh: '状态', en: 'State' },
  contact: { zh: '客户联系人', en: 'Customer contact' },
  location: { zh: '故障位置', en: 'Location in the system' },
  times: { zh: '时间与响应目标', en: 'Times and response targets' },
  occurred: { zh: '发生时间', en: 'Occurred' },
  reported: { zh: '报告时间', en: 'Reported' },
  milestone: { zh: '环节', en: 'Milestone' },
  target: { zh: '目标', en: 'Target' },
  reachedAt: { zh: '完成时间', en: 'Reached at' },
  elapsed: { zh: '用时', en: 'Elapsed' },
  verdict: { zh: '结论', en: 'Verdict' },
  handling: { zh: '处理过程', en: 'Handling' },
  method: { zh: '处理方式', en: 'Method' },
  steps: { zh: '处理步骤', en: 'Steps' },
  result: { zh: '处理结果', en: 'Result' },
  prevention: { zh: '预防建议', en: 'Prevention advice' },
  total: { zh: '总用时', en: 'Total elapsed' },
  engineer: { zh: '记录人', en: 'Recorded by' },
} satisfies Record<string, Bilingual>;

/** Milestone names in both languages. */
export const MILESTONE_TEXT: Record<MilestoneId, Bilingual> = {
  respond: { zh: '响应', en: 'Respond' }, 'on-site': { zh: '到场', en: 'On site' }, diagnose: { zh: '诊断', en: 'Diagnose' }, resolve: { zh: '解决', en: 'Resolve' },
};
/** State names in both languages. */
export const FAULT_STATE_TEXT: Record<FaultState, Bilingual> = {
  reported: { zh: '已报告', en: 'Reported' }, responding: { zh: '响应中', en: 'Responding' }, 'on-site': { zh: '已到场', en: 'On site' }, resolved: { zh: '已解决', en: 'Resolved' }, closed: { zh: '已关闭', en: 'Closed' },
};
const LEVEL_TEXT: Record<number, Bilingual> = {
  1: { zh: '一级（全部业务中断）', en: '1 (service down)' }, 2: { zh: '二级（部分业务受影响）', en: '2 (service degraded)' },
  3: { zh: '三级（个别功能异常）', en: '3 (single feature)' }, 4: { zh: '四级（咨询或轻微问题）', en: '4 (question, minor)' },
};
const VERDICT: Record<'ok' | 'late' | 'overdue' | 'open', Bilingual> = {
  ok: { zh: '达标', en: 'Met' }, late: { zh: '超时完成', en: 'Late' }, overdue: { zh: '已超时', en: 'Overdue' }, open: { zh: '进行中', en: 'Open' },
};

/** Renders the fault-handling report of one fault; returns the ended document (a readable stream). */
export function faultReportPdf(r: FaultReportView, lang: ReportLanguage, timeZone: string): PDFKit.PDFDocument {
  const t = (b: Bilingual) => pick(b, lang);
  const doc = newDocument(lang, { title: `${t(L.title)} ${r.number}`, author: r.createdBy });
  const width = PAGE.width - 2 * PAGE.margin;
  doc.font(FONT.bold).fontSize(22).text(t(L.title), { width, align: 'center' });
  doc.font(FONT.regular).fontSize(12).text(r.number, { width, align: 'center' });

  const kv = (rows: Array<[Bilingual, string]>) => table(doc, [{ header: '', width: 120 }, { header: '', width: width - 120 }], rows.map(([k, v]) => ({ cells: [t(k), v || '—'] })), 10);
  heading(doc, t(L.basics));
  kv([
    [L.number, r.number], [L.subject, r.title], [L.level, t(LEVEL_TEXT[r.level]!)], [L.state, t(FAULT_STATE_TEXT[r.state])],
    [L.contact, [r.contactName, r.contactPhone].filter(Boolean).join(' · ')], [L.location, r.location], [L.engineer, r.createdBy],
  ]);

  heading(doc, t(L.times));
  kv([[L.occurred, formatTime(r.occurredAt, timeZone)], [L.reported, formatTime(r.reportedAt, timeZone)], [L.total, formatDuration(r.timing.elapsedMs, lang)]]);
  doc.moveDown(0.5);
  table(doc,
    [{ header: t(L.milestone), width: 80 }, { header: t(L.target), width: 80 }, { header: t(L.reachedAt), width: 130 }, { header: t(L.elapsed), width: 120 }, { header: t(L.verdict), width: width - 410 }],
    r.timing.milestones.map((m) => {
      const v = m.overdue ? 'overdue' : m.late ? 'late' : m.reachedAt === null ? 'open' : 'ok';
      return {
        cells: [t(MILESTONE_TEXT[m.id]), formatDuration(m.targetMs, lang), formatTime(m.reachedAt, timeZone), formatDuration(m.elapsedMs, lang), t(VERDICT[v])],
        colors: [undefined, undefined, undefined, undefined, v === 'ok' ? STATUS_COLOR.pass : v === 'open' ? undefined : STATUS_COLOR.fail],
      };
    }), 10);

  heading(doc, t(L.handling));
  for (const [k, v] of [[L.method, r.method], [L.steps, r.steps], [L.result, r.result], [L.prevention, r.prevention]] as const) {
    doc.font(FONT.bold).fontSize(11).text(t(k), PAGE.margin, doc.y, { width });
    doc.font(FONT.regular).fontSize(10).text(v || '—', { width }).moveDown(0.5);
  }
  pageNumbers(doc, `${t(L.title)} ${r.number}`);
  doc.end();
  return doc;
}
