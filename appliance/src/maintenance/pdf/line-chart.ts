import { FONT } from './pdf-document.ts';

/** One chart's data: values by x label, null for runs without a value (gaps). */
export interface ChartData {
  title: string;
  unit: string;
  labels: string[];
  values: Array<number | null>;
  /** Threshold lines drawn dashed (warn orange, fail red). */
  warn?: number;
  fail?: number;
}

/** Axis range with a little headroom, including thresholds so their lines are in view. */
export function chartRange(values: readonly (number | null)[], extra: readonly (number | undefined)[] = []): { min: number; max: number } {
  const all = [...values, ...extra].filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (all.length === 0) return { min: 0, max: 1 };
  let min = Math.min(...all);
  let max = Math.max(...all);
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const pad = (max - min) * 0.1;
  return { min: min >= 0 && min - pad < 0 ? 0 : min - pad, max: max + pad };
}

/** Draws a small line chart in the box (x, y, w, h): axes, min/max labels, thresholds, the series with dots. */
export function lineChart(doc: PDFKit.PDFDocument, d: ChartData, x: number, y: number, w: number, h: number): void {
  const top = y + 16;
  const left = x + 34;
  const plotW = w - 44;
  const plotH = h - 40;
  const { min, max } = chartRange(d.values, [d.warn, d.fail]);
  const sx = (i: number) => left + (d.labels.length <= 1 ? plotW / 2 : (i * plotW) / (d.labels.length - 1));
  const sy = (v: number) => top + plotH - ((v - min) / (max - min)) * plotH;
  doc.save();
  doc.font(FONT.bold).fontSize(8.5).fillColor('#000').text(`${d.title}${d.unit ? ` (${d.unit})` : ''}`, x, y, { width: w, lineBreak: false, ellipsis: true });
  doc.lineWidth(0.6).strokeColor('#888').moveTo(left, top).lineTo(left, top + plotH).lineTo(left + plotW, top + plotH).stroke();
  doc.font(FONT.regular).fontSize(7).fillColor('#555');
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));
  doc.text(fmt(max), x, top - 3, { width: 30, align: 'right', lineBreak: false });
  doc.text(fmt(min), x, top + plotH - 6, { width: 30, align: 'right', lineBreak: false });
  for (const [v, color] of [[d.warn, '#e0a000'], [d.fail, '#c62828']] as const) {
    if (v === undefined || v < min || v > max) continue;
    doc.lineWidth(0.6).strokeColor(color).dash(3, { space: 2 }).moveTo(left, sy(v)).lineTo(left + plotW, sy(v)).stroke().undash();
  }
  doc.lineWidth(1.4).strokeColor('#1565c0');
  let drawing = false;
  d.values.forEach((v, i) => {
    if (v === null) {
      drawing = false;
      return;
    }
    if (drawing) doc.lineTo(sx(i), sy(v));
    else doc.moveTo(sx(i), sy(v));
    drawing = true;
  });
  doc.stroke();
  d.values.forEach((v, i) => {
    if (v !== null) doc.circle(sx(i), sy(v), 1.8).fill('#1565c0');
  });
  doc.fillColor('#555').fontSize(6.5);
  d.labels.forEach((l, i) => {
    if (d.labels.length > 6 && i % 2 === 1 && i !== d.labels.length - 1) return;
    doc.text(l, sx(i) - 22, top + plotH + 3, { width: 44, align: 'center', lineBreak: false });
  });
  doc.restore();
  doc.fillColor('#000');
}
