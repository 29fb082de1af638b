// Reading the customer import file (UTF-8 CSV, RFC 4180: quoted fields may hold commas, doubled
// quotes and line breaks). Pure and incremental: bytes go in chunk by chunk as the upload arrives,
// parsed records and per-line errors come out, so a file of any size streams through in bounded
// memory and every line ends up either as a customer or as an error naming its line.
import type { CustomerInput, CustomerService } from '../records/index.ts';

/** One outcome of the file: a customer read from a line, or why a line could not be read. */
export type CsvImportItem =
  | { kind: 'row'; line: number; customer: CustomerInput; raw: string }
  | { kind: 'error'; line: number; message: string; messageZh: string; raw: string };

/** The header is missing or lacks a required column: nothing can be imported. */
export class CsvHeaderError extends Error {
  override readonly name = 'CsvHeaderError';
}

/** Header names accepted for each field, English and Chinese (lower-cased, spaces removed). */
const HEADER_NAMES: Record<keyof CustomerInput, readonly string[]> = {
  account: ['account', 'accountnumber', 'account_no', 'accountno', '户号', '账号', '客户编号', '用户编号'],
  name: ['name', 'customer', 'customername', '姓名', '户名', '客户名称', '用户名称'],
  phones: ['phones', 'phone', 'phonenumbers', 'telephone', 'mobile', '电话', '联系电话', '手机', '电话号码'],
  address: ['address', '地址', '用电地址', '用水地址', '用气地址'],
  service: ['service', 'type', '业务', '业务类型', '服务', '类型'],
  notes: ['notes', 'note', 'remarks', '备注'],
};
const REQUIRED: ReadonlyArray<keyof CustomerInput> = ['account', 'name', 'service'];

/** Service words as utilities write them. */
const SERVICE_WORDS: Record<string, CustomerService> = {
  water: 'water', '水': 'water', '供水': 'water', '自来水': 'water',
  power: 'power', electricity: 'power', electric: 'power', '电': 'power', '供电': 'power', '电力': 'power',
  gas: 'gas', '气': 'gas', '燃气': 'gas', '天然气': 'gas', '供气': 'gas',
};

/** Shows a line that is not UTF-8 the way Excel most likely wrote it, so the error report is readable. */
const GB18030 = new TextDecoder('gb18030');

/** Longest record (a quoted field spanning lines included) before it is refused as runaway quoting. */
const MAX_RECORD_CHARS = 16 * 1024;

/** Incremental parser: `push` chunks, then `end`; each returns what became complete. */
export class CustomerCsvParser {
  private carry: Buffer = Buffer.alloc(0);
  private physical = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  /** A record being assembled across physical lines (open quote). */
  private pending: { line: number; text: string } | undefined;
  private columns: Array<keyof CustomerInput | undefined> | undefined;

  /** Physical lines read so far (progress). */
  get lines(): number { return this.physical; }

  /** Takes the next bytes; returns the records and errors they completed. Throws CsvHeaderError for a bad header. */
  push(chunk: Buffer): CsvImportItem[] {
    const out: CsvImportItem[] = [];
    let buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    // A line feed byte never occurs inside a multi-byte UTF-8 (or GBK) character, so splitting bytes on it is safe.
    let nl: number;
    while ((nl = buf.indexOf(0x0a)) >= 0) {
      this.physicalLine(buf.subarray(0, nl), out);
      buf = buf.subarray(nl + 1);
    }
    this.carry = Buffer.from(buf);
    return out;
  }

  /** The end of the file: the last line without a line break, and a quote left open. */
  end(): CsvImportItem[] {
    const out: CsvImportItem[] = [];
    if (this.carry.length > 0) this.physicalLine(this.carry, out);
    this.carry = Buffer.alloc(0);
    if (this.pending) {
      out.push({ kind: 'error', line: this.pending.line, message: 'a quoted field is not closed before the end of the file', messageZh: '引号内的字段直到文件结尾都没有结束', raw: this.pending.text });
      this.pending = undefined;
    }
    if (!this.columns) throw new CsvHeaderError('the file is empty: the first line must be the header (account, name, phones, address, service, notes)');
    return out;
  }

  private physicalLine(bytes: Buffer, out: CsvImportItem[]): void {
    this.physical++;
    let b = bytes;
    if (b.length > 0 && b[b.length - 1] === 0x0d) b = b.subarray(0, b.length - 1);
    if (this.physical === 1 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    let text: string;
    try {
      text = this.decoder.decode(b);
    } catch {
      // Excel in China saves "CSV" as GBK by default; say how to fix it rather than importing mojibake.
      const line = this.pending?.line ?? this.physical;
      this.pending = undefined;
      out.push({ kind: 'error', line, message: 'not UTF-8 text (save the file as "CSV UTF-8")', messageZh: '不是 UTF-8 编码（请另存为“CSV UTF-8”）', raw: GB18030.decode(b) });
      return;
    }
    const record = this.pending ? { line: this.pending.line, text: `${this.pending.text}\n${text}` } : { line: this.physical, text };
    const fields = splitRecord(record.text);
    if (fields === undefined) {
      if (record.text.length > MAX_RECORD_CHARS) {
        this.pending = undefined;
        out.push({ kind: 'error', line: record.line, message: 'a quoted field is not closed (record longer than 16 KB)', messageZh: '引号内的字段没有结束（记录超过 16 KB）', raw: record.text.slice(0, 1000) });
      } else this.pending = record;
      return;
    }
    this.pending = undefined;
    if (fields.every((f) => f.trim() === '')) return; // blank line
    if (!this.columns) {
      this.columns = headerColumns(fields);
      return;
    }
    out.push(this.toItem(record.line, record.text, fields));
  }

  private toItem(line: number, raw: string, fields: string[]): CsvImportItem {
    const cols = this.columns!;
    if (fields.length !== cols.length) return { kind: 'error', line, message: `has ${fields.length} fields; the header has ${cols.length}`, messageZh: `有 ${fields.length} 个字段，表头有 ${cols.length} 个`, raw };
    const v: Partial<Record<keyof CustomerInput, string>> = {};
    cols.forEach((c, i) => { if (c) v[c] = fields[i]!.trim(); });
    const service = SERVICE_WORDS[(v.service ?? '').toLowerCase()];
    if (!service) return { kind: 'error', line, message: `service "${v.service ?? ''}" is not water/power/gas (水/电/气)`, messageZh: `业务类型“${v.service ?? ''}”不是 水/电/气`, raw };
    return {
      kind: 'row', line, raw,
      customer: {
        account: v.account ?? '', name: v.name ?? '', address: v.address ?? '', service, notes: v.notes ?? '',
        phones: (v.phones ?? '').split(/[;；,，/、]+/).map((p) => p.trim()).filter((p) => p !== ''),
      },
    };
  }
}

/** Maps header cells to fields; throws CsvHeaderError when a required column is missing. */
function headerColumns(cells: string[]): Array<keyof CustomerInput | undefined> {
  const cols = cells.map((c) => {
    const key = c.trim().toLowerCase().replace(/[\s_-]+/g, '');
    return (Object.keys(HEADER_NAMES) as Array<keyof CustomerInput>).find((f) => HEADER_NAMES[f].some((n) => n.replace(/[_-]/g, '') === key));
  });
  const missing = REQUIRED.filter((f) => !cols.includes(f));
  if (missing.length > 0) throw new CsvHeaderError(`the header (first line) lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; expected account, name, phones, address, service, notes (or 户号, 姓名, 电话, 地址, 业务类型, 备注)`);
  return cols;
}

/** Splits one record into fields (RFC 4180 §2); undefined while a quoted field is still open. */
export function splitRecord(text: string): string[] | undefined {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false;
      } else field += ch;
    } else if (ch === '"' && field.trim() === '') { field = ''; quoted = true; }
    else if (ch === ',') { fields.push(field); field = ''; }
    else field += ch;
    i++;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields;
}
