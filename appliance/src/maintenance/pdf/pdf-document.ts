import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { MaintenanceError, type ReportLanguage } from '../text.ts';

/**
 * Noto Sans CJK from Debian's fonts-noto-cjk (installed by bootstrap-host.sh in run mode).
 * The files are TrueType collections; pdfkit picks a face from a .ttc by its PostScript name,
 * and the SC (simplified Chinese) faces carry Latin too, so one font serves both languages.
 */
const FONT_DIRS = ['/usr/share/fonts/opentype/noto'];
const FACES = { regular: ['NotoSansCJK-Regular.ttc', 'NotoSansCJKsc-Regular'], bold: ['NotoSansCJK-Bold.ttc', 'NotoSansCJKsc-Bold'] } as const;

/** Font names registered on every document. */
export const FONT = { regular: 'body', bold: 'bold' } as const;

/** A4 with 50 pt margins: the page box the layout helpers use. */
export const PAGE = { width: 595.28, height: 841.89, margin: 50 } as const;

function fontFile(file: string): string | undefined {
  return FONT_DIRS.map((d) => `${d}/${file}`).find((p) => existsSync(p));
}

/**
 * A new A4 document with the CJK font registered as `body` and `bold`. Without the font a
 * Chinese report cannot be made: refused with a clear message instead of printing boxes.
 * English falls back to the built-in Helvetica.
 */
export function newDocument(lang: ReportLanguage, info: { title: string; author: string }): PDFKit.PDFDocument {
  const doc = new PDFDocument({ size: 'A4', margin: PAGE.margin, bufferPages: true, info: { Title: info.title, Author: info.author, Creator: 'Hotline' } });
  const regular = fontFile(FACES.regular[0]);
  const bold = fontFile(FACES.bold[0]);
  if (regular) {
    doc.registerFont(FONT.regular, regular, FACES.regular[1]);
    doc.registerFont(FONT.bold, bold ?? regular, bold ? FACES.bold[1] : FACES.regular[1]);
  } else if (lang === 'zh-CN') {
    throw new MaintenanceError('conflict', 'the Chinese report needs the Noto Sans CJK font (Debian package fonts-noto-cjk), which is not installed');
  } else {
    doc.registerFont(FONT.regular, 'Helvetica');
    doc.registerFont(FONT.bold, 'Helvetica-Bold');
  }
  doc.font(FONT.regular);
  return doc;
}

/** Status colours shared by the tables and the summary. */
export const STATUS_COLOR: Record<string, string> = { pass: '#1b7f3b', warn: '#b26a00', fail: '#c62828', na: '#666666', pending: '#666666' };

/** Date and time in the site's zone ("2026-11-30 16:00"). */
export function formatTime(ms: number | null, timeZone: string): string {
  if (ms === null) return '—';
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}`;
}

/** Moves to a new page when fewer than `needed` points are left. */
export function ensureSpace(doc: PDFKit.PDFDocument, needed: number): void {
  if (doc.y + needed > PAGE.height - PAGE.margin) doc.addPage();
}

/** A section heading. */
export function heading(doc: PDFKit.PDFDocument, text: string, size = 14): void {
  ensureSpace(doc, size * 3);
  doc.moveDown(0.6).font(FONT.bold).fontSize(size).fillColor('#000').text(text, PAGE.margin, doc.y).font(FONT.regular).moveDown(0.3);
}

/** A table column: header, width (pt), and an optional colour per cell. */
export interface Column {
  header: string;
  width: number;
}

/**
 * Draws a table row by row, each row as tall as its tallest cell, breaking pages between rows
 * (the header is repeated on the new page). `colors` colours single cells (statuses). Columns
 * whose headers are all empty make a key/value table without a header row.
 */
export function table(doc: PDFKit.PDFDocument, cols: Column[], rows: Array<{ cells: string[]; colors?: Array<string | undefined> }>, fontSize = 9): void {
  const pad = 3;
  const x0 = PAGE.margin;
  const hasHeader = cols.some((c) => c.header !== '');
  const drawRow = (cells: string[], bold: boolean, colors?: Array<string | undefined>, fill?: string) => {
    doc.font(bold ? FONT.bold : FONT.regular).fontSize(fontSize);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: cols[i]!.width - 2 * pad }))) + 2 * pad;
    if (doc.y + h > PAGE.height - PAGE.margin) {
      doc.addPage();
      if (!bold && hasHeader) drawRow(cols.map((c) => c.header), true, undefined, '#eeeeee');
    }
    const y = doc.y;
    let x = x0;
    const total = cols.reduce((s, c) => s + c.width, 0);
    if (fill) doc.save().rect(x0, y, total, h).fill(fill).restore();
    cells.forEach((c, i) => {
      doc.fillColor(colors?.[i] ?? '#000').text(c, x + pad, y + pad, { width: cols[i]!.width - 2 * pad });
      x += cols[i]!.width;
    });
    doc.save().lineWidth(0.5).strokeColor('#bbbbbb').moveTo(x0, y + h).lineTo(x0 + total, y + h).stroke().restore();
    doc.fillColor('#000');
    doc.x = x0;
    doc.y = y + h;
  };
  if (hasHeader) drawRow(cols.map((c) => c.header), true, undefined, '#eeeeee');
  for (const r of rows) drawRow(r.cells, false, r.colors);
  doc.font(FONT.regular);
}

/** Prints "page n / m" at the foot of every page (needs `bufferPages`). */
export function pageNumbers(doc: PDFKit.PDFDocument, footer: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would make pdfkit open a page; lift the margin while writing.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font(FONT.regular).fontSize(8).fillColor('#666').text(`${footer}    ${i + 1} / ${range.count}`, PAGE.margin, PAGE.height - 35, { width: PAGE.width - 2 * PAGE.margin, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor('#000');
}
