import type { RecordsDb } from './db.ts';
import { normalizePhone } from './customer-phone.ts';

/** What the utility supplies to the customer. */
export type CustomerService = 'water' | 'power' | 'gas';

/** The services, in the order forms list them. */
export const CUSTOMER_SERVICES: readonly CustomerService[] = ['water', 'power', 'gas'];

/** A customer as it is created or edited; phones in any usual form (normalised when stored). */
export interface CustomerInput {
  account: string;
  name: string;
  phones: string[];
  address: string;
  service: CustomerService;
  notes: string;
}

/** A stored customer; phones normalised (customer-phone.ts); times epoch ms. */
export interface Customer extends CustomerInput {
  createdAt: number;
  updatedAt: number;
}

/** A note an agent added to a customer, with the call it was taken on. */
export interface CustomerNote { id: number; account: string; at: number; author: string; callId: string | null; text: string }

/** Search of the customer list: `q` matches the account (prefix), the name (substring) or a phone (prefix of the normalised number). */
export interface CustomerSearch { q?: string; service?: CustomerService; offset?: number; limit?: number }

/** One broken rule of a customer record, in English and Chinese. */
export interface CustomerProblem { field: keyof CustomerInput; message: string; messageZh: string }

/** Most phone numbers one customer carries. */
export const MAX_CUSTOMER_PHONES = 5;

/**
 * Problems of a customer record, one message per broken rule (empty when it is valid). The API's
 * schema checks shapes; these are the rules the CSV import needs too, so they live here once.
 */
export function customerProblems(c: CustomerInput): CustomerProblem[] {
  const out: CustomerProblem[] = [];
  const add = (field: keyof CustomerInput, message: string, messageZh: string) => out.push({ field, message, messageZh });
  if (!/^[0-9A-Za-z-]{1,32}$/.test(c.account)) add('account', 'account must be 1 to 32 letters, digits or dashes', '户号须为 1 到 32 位字母、数字或短横线');
  if (c.name.trim().length === 0 || c.name.length > 100) add('name', 'name must be 1 to 100 characters', '姓名须为 1 到 100 个字符');
  if (c.phones.length > MAX_CUSTOMER_PHONES) add('phones', `at most ${MAX_CUSTOMER_PHONES} phone numbers`, `电话最多 ${MAX_CUSTOMER_PHONES} 个`);
  for (const p of c.phones) {
    const n = normalizePhone(p);
    if (n.length < 3 || n.length > 20 || /[^0-9+()\s.-]/.test(p)) add('phones', `"${p}" is not a phone number`, `“${p}”不是电话号码`);
  }
  if (!CUSTOMER_SERVICES.includes(c.service)) add('service', 'service must be water, power or gas', '业务类型须为 供水、供电 或 燃气');
  if (c.address.length > 200) add('address', 'address must be at most 200 characters', '地址最多 200 个字符');
  if (c.notes.length > 2000) add('notes', 'notes must be at most 2000 characters', '备注最多 2000 个字符');
  return out;
}

interface CustomerRow { account: string; name: string; address: string; service: CustomerService; notes: string; created_at: number; updated_at: number }

/** The customer table of records.db (migration 12): search, create/edit, bulk import, lookup by phone, agents' notes. */
export class CustomerStore {
  private readonly upsertRow;
  private readonly exists;
  private readonly clearPhones;
  private readonly addPhone;

  constructor(private readonly records: RecordsDb) {
    const db = records.db;
    this.upsertRow = db.prepare(`INSERT INTO customers (account, name, address, service, notes, created_at, updated_at) VALUES (@account, @name, @address, @service, @notes, @now, @now)
      ON CONFLICT(account) DO UPDATE SET name = excluded.name, address = excluded.address, service = excluded.service, notes = excluded.notes, updated_at = excluded.updated_at`);
    this.exists = db.prepare('SELECT 1 FROM customers WHERE account = ?').pluck();
    this.clearPhones = db.prepare('DELETE FROM customer_phones WHERE account = ?');
    this.addPhone = db.prepare('INSERT OR IGNORE INTO customer_phones (account, phone) VALUES (?, ?)');
  }

  /** One customer, or undefined. */
  get(account: string): Customer | undefined {
    const row = this.records.db.prepare('SELECT * FROM customers WHERE account = ?').get(account) as CustomerRow | undefined;
    return row && this.withPhones([row])[0];
  }

  /** A page of customers by account, and the number of matches. */
  search(s: CustomerSearch = {}): { items: Customer[]; total: number } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (s.q) {
      const digits = normalizePhone(s.q);
      params.prefix = `${escapeLike(s.q)}%`;
      params.name = `%${escapeLike(s.q)}%`;
      params.phone = `${escapeLike(digits)}%`;
      where.push(`(account LIKE @prefix ESCAPE '\\' OR name LIKE @name ESCAPE '\\'${digits ? ' OR account IN (SELECT account FROM customer_phones WHERE phone LIKE @phone ESCAPE \'\\\')' : ''})`);
    }
    if (s.service) (where.push('service = @service'), (params.service = s.service));
    const sql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const db = this.records.db;
    const total = (db.prepare(`SELECT COUNT(*) AS n FROM customers ${sql}`).get(params) as { n: number }).n;
    const rows = db.prepare(`SELECT * FROM customers ${sql} ORDER BY account LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: Math.min(Math.max(s.limit ?? 50, 1), 1000), offset: Math.max(s.offset ?? 0, 0) }) as CustomerRow[];
    return { items: this.withPhones(rows), total };
  }

  /** Creates or replaces a customer (by account); its phones are replaced too. */
  upsert(c: CustomerInput, now: number): 'created' | 'updated' {
    return this.records.db.transaction(() => this.upsertOne(c, now))();
  }

  /** Creates or replaces many customers in one transaction (import); counts of each. */
  upsertMany(list: readonly CustomerInput[], now: number): { created: number; updated: number } {
    return this.records.db.transaction(() => {
      const n = { created: 0, updated: 0 };
      for (const c of list) n[this.upsertOne(c, now)]++;
      return n;
    })();
  }

  /** Deletes a customer with its phones and notes; false when there was none. */
  remove(account: string): boolean {
    return this.records.db.prepare('DELETE FROM customers WHERE account = ?').run(account).changes > 0;
  }

  /** Customers with this phone number (any form), by account. */
  byPhone(number: string): Customer[] {
    const phone = normalizePhone(number);
    if (!phone) return [];
    const rows = this.records.db.prepare('SELECT c.* FROM customer_phones p JOIN customers c ON c.account = p.account WHERE p.phone = ? ORDER BY c.account').all(phone) as CustomerRow[];
    return this.withPhones(rows);
  }

  /** Adds an agent's note to a customer; undefined when the customer does not exist. */
  addNote(account: string, note: { at: number; author: string; callId?: string; text: string }): CustomerNote | undefined {
    if (!this.exists.get(account)) return undefined;
    const r = this.records.db.prepare('INSERT INTO customer_notes (account, at, author, call_id, text) VALUES (?, ?, ?, ?, ?)').run(account, note.at, note.author, note.callId ?? null, note.text);
    return { id: Number(r.lastInsertRowid), account, at: note.at, author: note.author, callId: note.callId ?? null, text: note.text };
  }

  /** A customer's notes, newest first. */
  notes(account: string, limit = 50): CustomerNote[] {
    return this.records.db.prepare('SELECT id, account, at, author, call_id AS callId, text FROM customer_notes WHERE account = ? ORDER BY at DESC, id DESC LIMIT ?').all(account, limit) as CustomerNote[];
  }

  /** Number of customers (import progress, tests). */
  count(): number {
    return (this.records.db.prepare('SELECT COUNT(*) AS n FROM customers').get() as { n: number }).n;
  }

  private upsertOne(c: CustomerInput, now: number): 'created' | 'updated' {
    const existed = this.exists.get(c.account) !== undefined;
    this.upsertRow.run({ account: c.account, name: c.name.trim(), address: c.address.trim(), service: c.service, notes: c.notes, now });
    this.clearPhones.run(c.account);
    for (const p of c.phones) {
      const n = normalizePhone(p);
      if (n) this.addPhone.run(c.account, n);
    }
    return existed ? 'updated' : 'created';
  }

  private withPhones(rows: CustomerRow[]): Customer[] {
    if (rows.length === 0) return [];
    const phones = new Map<string, string[]>();
    const stmt = this.records.db.prepare(`SELECT account, phone FROM customer_phones WHERE account IN (${rows.map(() => '?').join(',')}) ORDER BY rowid`);
    for (const p of stmt.all(...rows.map((r) => r.account)) as Array<{ account: string; phone: string }>) {
      const list = phones.get(p.account) ?? [];
      list.push(p.phone);
      phones.set(p.account, list);
    }
    return rows.map((r) => ({ account: r.account, name: r.name, phones: phones.get(r.account) ?? [], address: r.address, service: r.service, notes: r.notes, createdAt: r.created_at, updatedAt: r.updated_at }));
  }
}

/** Escapes LIKE's wildcards so user text matches literally. */
function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}
